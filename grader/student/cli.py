"""The ``grader`` command.

``grader check NOTEBOOK``: the student's self-check (public specs only). Prints each test
with expected and received values and a hint, then ``score: X / Y`` (in Korean) and what the hidden
checks, run only at grading time, are worth. Exit code 0 when
every test passes, 1 when any fails, 2 when the notebook cannot be read.

``grader grade SUBMISSIONS --out RESULTS``: the instructor's grading of a whole class, and
``grader report RESULTS -o report.html``, the class report: subcommands that the course's
distribution declares in the entry-point group :data:`COMMANDS` (``setup.cfg``; they live in
:mod:`grader.batch.cli`). The student wheel declares none and ships no ``grader/batch/``: there,
``grader grade`` says it is not a command of this installation.
"""
from __future__ import annotations

import argparse
import configparser
import importlib.metadata as metadata
import sys
from pathlib import Path
from typing import Callable, NamedTuple

from grader.core import words
from grader.core.course import hidden_points
from grader.core.engine import DEFAULT_TIMEOUT, SpecsNotFound
from grader.student.report import SCORE_LABEL, format_report

EXIT_PASS, EXIT_FAIL, EXIT_UNREADABLE = 0, 1, 2
COMMANDS = "grader.commands"          # the entry-point group of the other subcommands


class Command(NamedTuple):
    """A subcommand another part of the package declares: ``add(subparsers)`` adds its parser,
    ``run(args)`` runs it and returns the exit code."""

    add: Callable
    run: Callable


def declared_commands() -> list[metadata.EntryPoint]:
    """The entry points of :data:`COMMANDS`, from the installed distributions' metadata, else (a
    source tree that is not installed) from ``setup.cfg`` beside the package."""
    found = list(metadata.entry_points(group=COMMANDS))
    setup_cfg = Path(__file__).resolve().parents[2] / "setup.cfg"
    if not found and setup_cfg.is_file():
        config = configparser.ConfigParser()
        config.read(setup_cfg, encoding="utf-8")
        lines = config.get("options.entry_points", COMMANDS, fallback="").strip().splitlines()
        found = [metadata.EntryPoint(name.strip(), value.strip(), COMMANDS)
                 for name, _, value in (line.partition("=") for line in lines) if value.strip()]
    return found


def other_commands() -> dict[str, Command]:
    """The declared subcommands whose code is installed, by name (the first declaration wins;
    one whose module is missing, as :mod:`grader.batch` is from the student wheel, is left out)."""
    commands = {}
    for entry in declared_commands():
        if entry.name in commands or entry.name == "check":
            continue
        try:
            commands[entry.name] = entry.load()
        except ImportError:
            continue
    return commands


def _parser(others: dict[str, Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description=words.CLI_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help=words.CLI_CHECK)
    check.add_argument("notebook", type=Path)
    check.add_argument("--cell-timeout", type=float, default=120.0,
                       help=words.CLI_CELL_TIMEOUT.format(seconds=120))
    check.add_argument("--test-timeout", type=float, default=DEFAULT_TIMEOUT,
                       help=words.CLI_TEST_TIMEOUT.format(seconds=DEFAULT_TIMEOUT))
    for command in others.values():
        command.add(commands)
    return parser


def check_command(args) -> int:
    from grader.student.notebook import NotebookError, grade_notebook

    try:
        graded = grade_notebook(args.notebook, scope="public", cell_timeout=args.cell_timeout,
                                test_timeout=args.test_timeout)
    except (NotebookError, SpecsNotFound) as error:
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(format_report(graded.results, title=SCORE_LABEL, notes=graded.notes,
                        hidden_points=sum(hidden_points(graded.spec).values())))
    return EXIT_PASS if all(r.passed for r in graded.results) else EXIT_FAIL


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = other_commands()
    if argv and not argv[0].startswith("-") and argv[0] not in {"check", *commands}:
        instructor = "" if commands else words.CLI_INSTRUCTOR_ONLY
        print("grader: " + words.CLI_NOT_A_COMMAND.format(command=argv[0], commands=", ".join(["check", *commands]))
              + instructor, file=sys.stderr)
        return EXIT_UNREADABLE
    args = _parser(commands).parse_args(argv)
    if args.command in commands:
        return commands[args.command].run(args)
    return check_command(args)


if __name__ == "__main__":
    sys.exit(main())
