"""``grader grade SUBMISSIONS --out RESULTS``: the instructor's grading of a whole class.

``grader report RESULTS -o report.html``: the class report (HTML) and a CSV of every test (see
:mod:`grader.pages.class_report`).

Public and hidden specs, each notebook in a sandbox, in parallel (see :mod:`grader.batch.run`).
Writes ``RESULTS/<student>/<notebook>/results.json`` (Gradescope's schema), ``feedback.txt``
and ``RESULTS/grades.csv``; a second run grades only what is missing. Exit code 0 when the
batch finished (whatever the scores), 2 when the submissions cannot be found or the
``--gradebook`` database cannot be reached (said before grading when it is down at the start).
:data:`GRADE` and :data:`REPORT` are declared in ``setup.cfg``'s entry-point group
``grader.commands``, which :mod:`grader.student.cli` reads (the student wheel declares neither).
"""
from __future__ import annotations

import sys
from pathlib import Path

from grader.core.engine import DEFAULT_TIMEOUT
from grader.sandbox.launcher import Limits
from grader.student.cli import Command

EXIT_PASS, EXIT_UNREADABLE = 0, 2


def add_grade_command(commands) -> None:
    grade = commands.add_parser("grade", help="grade a class's submissions (sandboxed, parallel, resumable)")
    grade.add_argument("submissions", type=Path,
                       help="nbgrader's submitted/ folder (or the course folder), a folder of notebooks, "
                            "a zip of either, or one notebook")
    grade.add_argument("--out", type=Path, required=True, help="folder for results (created; reused to resume)")
    grade.add_argument("--workers", type=int, default=None, help="parallel submissions (default: the cores)")
    grade.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                       help=f"seconds a single check may run (default {DEFAULT_TIMEOUT:g})")
    grade.add_argument("--cell-timeout", type=float, default=120.0, help="seconds a notebook cell may run (default 120)")
    grade.add_argument("--submission-timeout", type=float, default=600.0,
                       help="seconds for a whole notebook, cells and checks (default 600)")
    grade.add_argument("--memory", type=int, default=Limits.memory_mb,
                       help=f"MB of address space per submission (default {Limits.memory_mb}; TensorFlow needs 3000+)")
    grade.add_argument("--scheduler", help="address of a Dask distributed scheduler (default: local processes)")
    grade.add_argument("--spec", help="grade every notebook with this spec (default: from the file names)")
    grade.add_argument("--force", action="store_true", help="regrade what is already graded")
    grade.add_argument("--gradebook", help="also write scores to this nbgrader gradebook (e.g. sqlite:///gradebook.db)")
    grade.add_argument("--assignment", default=None,
                       help="the nbgrader assignment for --gradebook (default: each notebook's week, "
                            "the folder of grader/weeks/ its spec is in)")
    grade.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_report_command(commands) -> None:
    report = commands.add_parser("report", help="a class report (HTML) and a CSV of every test, from graded results")
    report.add_argument("results", type=Path, help="the folder `grader grade --out` wrote")
    report.add_argument("-o", "--out", type=Path, default=None,
                        help="the HTML report to write (default: RESULTS/report.html)")
    report.add_argument("--csv", type=Path, default=None,
                        help="the CSV to write (default: the report's path with .csv)")
    report.add_argument("--roster", type=Path, default=None,
                        help="a file of student ids, one a line: who should have handed in")


def report_command(args) -> int:
    from grader.pages.class_report import write_report

    if not args.results.is_dir():
        print(f"grader: {args.results} is not a folder of results", file=sys.stderr)
        return EXIT_UNREADABLE
    roster = None
    if args.roster is not None:
        try:
            lines = args.roster.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            print(f"grader: cannot read the roster {args.roster}: {error}", file=sys.stderr)
            return EXIT_UNREADABLE
        roster = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    html_path = args.out or args.results / "report.html"
    csv_path = args.csv or html_path.with_suffix(".csv")
    write_report(args.results, html_path, csv_path, roster=roster)
    print(f"class report: {html_path}\nCSV: {csv_path}")
    return EXIT_PASS


def grade_command(args) -> int:
    from grader.batch.run import CSV_NAME, Options, run_batch

    if not args.submissions.exists():
        print(f"grader: {args.submissions} does not exist", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.gradebook:                  # before grading: a gradebook that is down fails in seconds, not after the class
        from grader.grading.gradebook_access import masked, unreachable
        reason = unreachable(args.gradebook)
        if reason:
            print(f"grader: the gradebook database {masked(args.gradebook)} cannot be reached: {reason}. "
                  "Nothing was graded or written.", file=sys.stderr)
            return EXIT_UNREADABLE
    options = Options(test_timeout=args.timeout, cell_timeout=args.cell_timeout,
                      submission_timeout=args.submission_timeout, limits=Limits(memory_mb=args.memory),
                      force=args.force)
    try:
        rows = run_batch(args.submissions, args.out, options, workers=args.workers, scheduler=args.scheduler,
                         progress=not args.no_progress and sys.stderr.isatty(), spec=args.spec)
    except (FileNotFoundError, ValueError, PermissionError) as error:
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.gradebook:
        from grader.grading.gradebook import GradebookDown, write_scores
        try:
            write_scores(args.gradebook, args.assignment, args.out)
        except GradebookDown as error:
            print(f"grader: {error}. The results are in {args.out}; the gradebook was not changed. Run the same "
                  "command again once it is back: nothing is graded again, the scores are written.", file=sys.stderr)
            return EXIT_UNREADABLE
    broken = [r for r in rows if r["status"] != "graded"]
    print(f"graded {len(rows)} notebooks of {len({r['student'] for r in rows})} students into {args.out} "
          f"({CSV_NAME})" + (f"; {len(broken)} could not be graded normally (see status)" if broken else ""))
    print(f"feedback pages: {args.out}/<student>/<notebook>/feedback.html; class report: grader report {args.out}")
    return EXIT_PASS


GRADE = Command(add_grade_command, grade_command)
REPORT = Command(add_report_command, report_command)
