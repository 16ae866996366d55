"""Write ``grader grade`` scores into an nbgrader gradebook.

Each autograder test cell of a course notebook (``grade_id`` such as ``test_step``) checks one
graded item with ``check("spec:item", ...)``; its auto score becomes the points the batch
gave that item's tests. Then ``nbgrader export`` and the formgrader show the batch's scores.
The assignment must already be in the gradebook (``nbgrader generate_assignment`` puts it there).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import nbformat

from grader.student import course
from grader.student.cells import kind
from grader.grading.gradescope import RESULTS, read_results

ROOT = Path(__file__).resolve().parents[2]
CHECK_CALL = re.compile(r"""check\(\s*["'](\w+):(\w+)["']""")


def cell_targets(notebook_path: Path) -> dict[str, str]:
    """``grade_id`` of each test cell -> the graded item its ``check`` call names."""
    notebook = nbformat.read(notebook_path, as_version=4)
    targets = {}
    for cell in notebook.cells:
        if kind(cell) == "test":
            match = CHECK_CALL.search(cell.source)
            if match:
                targets[cell.metadata["nbgrader"]["grade_id"]] = match.group(2)
    return targets


def write_scores(db_url: str, assignment: str | None, out: Path, source: Path = ROOT / "source") -> int:
    """Record every ``results.json`` under ``out`` in the gradebook; return how many notebooks.

    Each notebook goes to ``assignment``, or, when it is None, to the week its spec belongs to
    (``grader/specs/<week>/``); its test cells are read from ``source/<week>/``."""
    from nbgrader.api import Gradebook, MissingEntry

    written = 0
    with Gradebook(db_url) as gradebook:
        for path in sorted(Path(out).glob(f"*/*/{RESULTS}")):
            document = read_results(path)
            extra = (document or {}).get("extra_data", {})
            week = assignment or course.week_of(str(extra.get("spec")))
            notebook_file = source / str(week) / f"{extra.get('notebook')}.ipynb"
            if not document or week is None or not notebook_file.is_file():
                continue
            points = defaultdict(float)
            for test in document["tests"]:
                points[test["extra_data"]["target"]] += float(test["score"])
            student = extra["student"]
            try:
                gradebook.find_student(student)
            except MissingEntry:
                gradebook.add_student(student)
            try:
                gradebook.find_submission(week, student)
            except MissingEntry:
                gradebook.add_submission(week, student)
            notebook = gradebook.find_submission_notebook(extra["notebook"], week, student)
            targets = cell_targets(notebook_file)
            for grade in notebook.grades:
                if grade.name in targets:
                    grade.auto_score = points.get(targets[grade.name], 0.0)
            gradebook.db.commit()
            written += 1
    return written
