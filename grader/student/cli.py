"""The ``grader`` command.

``grader check NOTEBOOK``: the student's self-check (public specs only). Prints each test
with expected and received values and a hint, then ``score: X / Y`` (in Korean) and what the hidden
checks, run only at grading time, are worth. Exit code 0 when
every test passes, 1 when any fails, 2 when the notebook cannot be read.

``grader grade SUBMISSIONS --out RESULTS``: the instructor's grading of a whole class (see
:mod:`grader.batch.cli`; not in the student package), and ``grader report RESULTS -o report.html``,
the class report.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from grader.core import words
from grader.core.course import hidden_points
from grader.core.engine import DEFAULT_TIMEOUT, SpecsNotFound
from grader.student.report import SCORE_LABEL, format_report

EXIT_PASS, EXIT_FAIL, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description=words.CLI_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help=words.CLI_CHECK)
    check.add_argument("notebook", type=Path)
    check.add_argument("--cell-timeout", type=float, default=120.0,
                       help=words.CLI_CELL_TIMEOUT.format(seconds=120))
    check.add_argument("--test-timeout", type=float, default=DEFAULT_TIMEOUT,
                       help=words.CLI_TEST_TIMEOUT.format(seconds=DEFAULT_TIMEOUT))
    instructor = _instructor_commands()
    if instructor:
        instructor.add_grade_command(commands)
        instructor.add_report_command(commands)
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


def _instructor_commands():
    """``grader grade`` lives in :mod:`grader.batch.cli`, which the student package leaves out."""
    try:
        return importlib.import_module("grader.batch.cli")
    except ImportError:
        return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "grade":
        return _instructor_commands().grade_command(args)
    if args.command == "report":
        return _instructor_commands().report_command(args)
    return check_command(args)


if __name__ == "__main__":
    sys.exit(main())
