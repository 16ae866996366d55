"""The ``grader`` command.

``grader check NOTEBOOK``: the student's self-check (public specs only). Prints each test
with expected and received values and a hint, then ``score: X / Y``. Exit code 0 when
every test passes, 1 when any fails, 2 when the notebook cannot be read.

``grader grade NOTEBOOK...``: the instructor's grading (public and hidden specs). Prints
one line per notebook; ``--json FILE`` writes every result.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.engine import DEFAULT_TIMEOUT, SpecsNotFound
from grader.notebook import NotebookError, grade_notebook
from grader.report import format_report
from grader.results import total

EXIT_PASS, EXIT_FAIL, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Check and grade week 3 notebooks.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the public checks on your notebook")
    check.add_argument("notebook", type=Path)
    grade = commands.add_parser("grade", help="grade notebooks with the public and hidden checks")
    grade.add_argument("notebooks", type=Path, nargs="+")
    grade.add_argument("--json", type=Path, help="write all results to this file")
    for command in (check, grade):
        command.add_argument("--cell-timeout", type=float, default=120.0,
                             help="seconds a notebook cell may run (default 120)")
        command.add_argument("--test-timeout", type=float, default=DEFAULT_TIMEOUT,
                             help=f"seconds a single check may run (default {DEFAULT_TIMEOUT:g})")
    return parser


def check_command(args) -> int:
    try:
        graded = grade_notebook(args.notebook, scope="public", cell_timeout=args.cell_timeout,
                                test_timeout=args.test_timeout)
    except (NotebookError, SpecsNotFound) as error:
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(format_report(graded.results, title="score", notes=graded.notes))
    return EXIT_PASS if all(r.passed for r in graded.results) else EXIT_FAIL


def grade_command(args) -> int:
    records, status = [], EXIT_PASS
    for path in args.notebooks:
        try:
            graded = grade_notebook(path, scope="all", cell_timeout=args.cell_timeout,
                                    test_timeout=args.test_timeout)
        except (NotebookError, SpecsNotFound) as error:
            print(f"{path}: not graded: {error}")
            records.append({"notebook": str(path), "error": str(error), "score": 0, "results": []})
            status = EXIT_FAIL
            continue
        earned, possible = total(graded.results)
        print(f"{path}: {earned:g} / {possible:g}" + "".join(f"\n  ! {n}" for n in graded.notes))
        records.append({"notebook": str(path), "spec": graded.spec, "score": earned, "max_score": possible,
                        "notes": graded.notes, "results": [r.to_dict() for r in graded.results]})
    if args.json:
        args.json.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    return status


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return {"check": check_command, "grade": grade_command}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
