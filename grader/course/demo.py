"""``make demo``: one assignment's whole life in a throwaway course folder.

release (nbgrader generate_assignment) -> a simulated class hands in files through an
LMS-style download (nbgrader zip_collect) -> nbgrader autograde -> nbgrader
generate_feedback -> the gradebook, printed as a table -> ``grader grade`` on the same
submissions (the same scores) -> the class report and a feedback page per student.

``nbgrader autograde`` (one notebook at a time) and ``grader grade`` grade the class side by
side, each on its share of the cores; the demo ends with the wall and CPU seconds of each phase
and each path's seconds per notebook (:mod:`grader.course.demo_timing`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from grader.course.classroom import STUDENTS, submission_bytes
from grader.course.demo_timing import Phases, autograde_seconds, grader_seconds, print_per_notebook
from grader.course.release import ROOT, nbgrader

ASSIGNMENT = "week3"   # the week the simulated class hands in (the students of grader.course.classroom)

NAMED_REGEXP = rf".*/{ASSIGNMENT}_(?P<student_id>[a-z0-9]+)_attempt_(?P<timestamp>[0-9]{{8}}T[0-9]{{6}})_(?P<file_id>[\w\-]+)"


def make_course(course: Path, root: Path = ROOT, notebooks: list[str] | None = None) -> None:
    """A fresh course folder with this repository's config and source notebooks
    (only those whose file names start with one of ``notebooks``, if given)."""
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", course)
    picked = None if notebooks is None else lambda folder, names: [
        n for n in names if n.endswith(".ipynb") and not n.startswith(tuple(notebooks))]
    shutil.copytree(root / "source", course / "source", ignore=picked)


def hand_in(course: Path, students: list[str], assignment: str = ASSIGNMENT) -> Path:
    """Write every student's files into one LMS-style zip under ``downloaded/``."""
    archive = course / "downloaded" / assignment / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    zip_path = archive / f"{assignment}_submissions.zip"
    with zipfile.ZipFile(zip_path, "w") as bundle:
        for released in sorted((course / "assignments" / assignment).glob("*.ipynb")):
            release = nbformat.read(released, as_version=4)
            source = nbformat.read(course / "source" / assignment / released.name, as_version=4)
            for student in students:
                name = f"{assignment}_{student}_attempt_{stamp}_{released.name}"
                bundle.writestr(name, submission_bytes(student, release, source))
    return zip_path


def run(step: str, *args: str, course: Path) -> None:
    """One nbgrader step; a failure is reported and the batch goes on."""
    started = time.monotonic()
    result = nbgrader(*args, root=course, check=False)
    status = "ok" if result.returncode == 0 else f"exit {result.returncode}"
    print(f"  {step:<20} {status} ({time.monotonic() - started:.0f} s)")
    if result.returncode != 0:
        output = (result.stdout + result.stderr).splitlines()
        errors = [line for line in output if "ERROR" in line] or output[-6:]
        for line in errors[:6]:
            print(f"      {line.strip()[:160]}")


def gradebook_rows(course: Path, assignment: str = ASSIGNMENT) -> list[tuple[str, str, str, str]]:
    """(student, notebook, score, max) for every student who handed in anything."""
    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebooks = [nb.name for nb in gradebook.find_assignment(assignment).notebooks]
        for student in sorted(s.id for s in gradebook.students):
            for notebook in notebooks:
                try:
                    graded = gradebook.find_submission_notebook(notebook, assignment, student)
                    rows.append((student, notebook, f"{graded.score:g}", f"{graded.max_score:g}"))
                except MissingEntry:
                    rows.append((student, notebook, "not graded", "-"))
    return rows


def print_table(rows: list[tuple[str, ...]], header=("student", "notebook", "score", "max")) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


def release_solutions(root: Path = ROOT) -> None:
    """The reference solutions and hidden points the grader reads, exported from ``source/``
    (``make release`` without its nbgrader release: the demo releases into its own course folder)."""
    from grader.course.hidden_points import write_hidden_points
    from grader.course.release import export_solutions

    export_solutions(root, ASSIGNMENT)
    write_hidden_points(ASSIGNMENT)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=ROOT / "demo-course")
    parser.add_argument("--students", nargs="+", default=list(STUDENTS), choices=list(STUDENTS))
    parser.add_argument("--notebooks", nargs="+", metavar="PREFIX",
                        help="only these notebooks, e.g. 01 03 (default: all)")
    parser.add_argument("--cell-timeout", type=int, default=120,
                        help="seconds one notebook cell may run during autograde (in the sandbox)")
    parser.add_argument("--workers", type=int, default=None,
                        help="parallel submissions for grader grade (default: the cores autograde leaves free)")
    parser.add_argument("--one-after-the-other", action="store_true",
                        help="grader grade after nbgrader autograde, not beside it (each then has every core)")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    phases = Phases()

    print(f"course folder: {course}")
    with phases("release"):
        release_solutions()
        make_course(course, notebooks=args.notebooks)
        run("generate_assignment", "generate_assignment", ASSIGNMENT, "--force", course=course)
    print("  the class:")
    for student in args.students:
        print(f"    {student:<14} {STUDENTS[student][0]}")
    with phases("hand in, zip_collect"):
        hand_in(course, args.students)
        run("zip_collect", "zip_collect", ASSIGNMENT, "--force",
            f"--FileNameCollectorPlugin.named_regexp={NAMED_REGEXP}", course=course)
    autograde = ("autograde", "autograde", ASSIGNMENT, "--create", "--force",
                 f"--SandboxedExecute.cell_timeout={args.cell_timeout}")
    feedback = ("generate_feedback", "generate_feedback", ASSIGNMENT, "--force")
    results = course / "grader-results"
    cores = os.cpu_count() or 1
    if args.one_after_the_other or cores < 2:
        with phases("nbgrader autograde"):
            run(*autograde, course=course)
        with phases("grader grade"):
            rows = grade_with_grader(course, args.workers)
        with phases("generate_feedback"):
            run(*feedback, course=course)
        with phases("class report"):
            report = write_class_report(results)
    else:
        # Side by side: autograde grades one notebook at a time, so it gets one core (and one
        # BLAS/TensorFlow thread) and then writes the feedback; grader grade gets the other cores,
        # then writes the class report.
        def nbgrader_path() -> None:
            with phases("[beside] nbgrader autograde", cpu=False):
                run(*autograde, "--SandboxedExecute.threads=1", course=course)
            with phases("[beside] generate_feedback", cpu=False):
                run(*feedback, course=course)

        with phases("grading on both paths, side by side"):
            beside = threading.Thread(target=nbgrader_path)
            beside.start()
            try:
                with phases("[beside] grader grade", cpu=False):
                    rows = grade_with_grader(course, args.workers or max(1, cores - 1))
                with phases("[beside] class report", cpu=False):
                    report = write_class_report(results)
            finally:
                beside.join()
    print("\ngradebook:")
    nbgrader_rows = gradebook_rows(course)
    print_table(nbgrader_rows)
    print(f"\nfeedback for each student: {course / 'feedback'}/<student>/{ASSIGNMENT}/<notebook>.html")
    compare_rows(nbgrader_rows, rows)
    show_pages(results, report)
    print_per_notebook({"nbgrader autograde": autograde_seconds(course, ASSIGNMENT),
                        "grader grade": grader_seconds(course / "grader-results")})
    phases.print()


def write_class_report(results: Path) -> Path:
    """The class report of ``grader grade``'s results (HTML, and a CSV beside it)."""
    from grader.pages.class_report import write_report

    return write_report(results, results / "class-report.html")


def show_pages(results: Path, report: Path | None = None) -> None:
    """Say where the class report (written now unless given) and the feedback pages are."""
    report = report or write_class_report(results)
    pages = sorted(results.glob("*/*/feedback.html"))
    print(f"\n[grader report] class report: {report} (and {report.with_suffix('.csv').name} for spreadsheets)")
    print(f"  feedback pages ({len(pages)}): {results}/<student>/<notebook>/feedback.html")
    for page in pages[:3]:
        print(f"    {page}")


def grade_with_grader(course: Path, workers: int | None) -> list[dict]:
    """``grader grade`` on the class's submissions (sandboxed, in parallel); its CSV rows."""
    from grader.batch.run import Options, run_batch

    out = course / "grader-results"
    print(f"\n[grader grade] the same submissions, sandboxed, in parallel -> {out}")
    started = time.monotonic()
    rows = run_batch(course / "submitted", out, Options(force=True), workers=workers, progress=False)
    print(f"  {len(rows)} notebooks in {time.monotonic() - started:.1f} s")
    return rows


def compare_rows(nbgrader_rows, rows: list[dict]) -> bool:
    """Print nbgrader's and ``grader grade``'s score of every notebook side by side."""
    print("\n[grader grade] and nbgrader autograde, notebook by notebook:")
    ours = {(r["student"], r["notebook"]): f"{r['score']:g}" for r in rows}
    table = [(student, notebook, score, ours.get((student, notebook), "-"),
              "yes" if ours.get((student, notebook)) == score else "NO")
             for student, notebook, score, _ in nbgrader_rows]
    print_table(table, header=("student", "notebook", "nbgrader", "grader grade", "same"))
    same = all(row[-1] == "yes" for row in table)
    print("  both give the same scores" if same else "  the scores differ where marked NO")
    return same


def compare_with_grader(course: Path, nbgrader_rows, workers: int | None) -> bool:
    """Grade the same submissions with ``grader grade`` (sandboxed, parallel); print both scores."""
    return compare_rows(nbgrader_rows, grade_with_grader(course, workers))


if __name__ == "__main__":
    main()
