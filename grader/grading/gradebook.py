"""Write ``grader grade`` scores into an nbgrader gradebook.

Each autograder test cell of a course notebook (``grade_id`` such as ``test_step``) checks one
graded item with ``check("spec:item", ...)``; its auto score becomes the points the batch
gave that item's tests. Then ``nbgrader export`` and the formgrader show the batch's scores.
The assignment must already be in the gradebook (``nbgrader generate_assignment`` puts it there).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import nbformat

from grader.core import course
from grader.core.cells import kind
from grader.grading.check_calls import NotATestCell, checks_of
from grader.grading.gradebook_access import database_down, masked, scrubbed
from grader.grading.gradescope import RESULTS, read_results

ROOT = Path(__file__).resolve().parents[2]


def cell_targets(notebook_path: Path) -> dict[str, str]:
    """``grade_id`` of each test cell -> the graded item its ``check`` call names."""
    notebook = nbformat.read(notebook_path, as_version=4)
    targets = {}
    for cell in notebook.cells:
        if kind(cell) == "test":
            try:
                target = checks_of(cell.source)[0].target
            except NotATestCell:
                continue
            if target:
                targets[cell.metadata["nbgrader"]["grade_id"]] = target
    return targets


class GradebookDown(RuntimeError):
    """The gradebook's database went away while the scores were written (none of them were)."""


def write_scores(db_url: str, assignment: str | None, out: Path, source: Path = ROOT / "source") -> int:
    """Record every ``results.json`` under ``out`` in the gradebook; return how many notebooks.

    Each notebook goes to ``assignment``, or, when it is None, to the week its spec belongs to
    (``grader/weeks/<week>/``); its test cells are read from ``source/<week>/``. The scores are
    one transaction: all of them are written or, when the database fails, none (the students
    and submissions nbgrader adds on the way carry no score). Raises :class:`GradebookDown`
    (the URL's password masked) when the database cannot be reached."""
    try:
        return _write_scores(db_url, assignment, Path(out), source)
    except Exception as error:
        if not database_down(error):
            raise
        reason = getattr(error, "orig", None) or error
        raise GradebookDown(f"the gradebook database {masked(db_url)} failed while the scores were written: "
                            + scrubbed(str(reason).splitlines()[0] if str(reason) else type(reason).__name__,
                                       db_url)) from None


def _write_scores(db_url: str, assignment: str | None, out: Path, source: Path) -> int:
    from nbgrader.api import Gradebook, MissingEntry

    scores = []             # (week, student, notebook, {grade id: points})
    for path in sorted(out.glob(f"*/*/{RESULTS}")):
        document = read_results(path)
        extra = (document or {}).get("extra_data", {})
        week = assignment or course.week_of(str(extra.get("spec")))
        notebook_file = source / str(week) / f"{extra.get('notebook')}.ipynb"
        if not document or week is None or not notebook_file.is_file():
            continue
        points = defaultdict(float)
        for test in document["tests"]:
            points[test["extra_data"]["target"]] += float(test["score"])
        targets = cell_targets(notebook_file)
        scores.append((week, extra["student"], extra["notebook"],
                       {grade_id: points.get(target, 0.0) for grade_id, target in targets.items()}))
    with Gradebook(db_url) as gradebook:
        for week, student, _, _ in scores:      # nbgrader commits each of these itself
            try:
                gradebook.find_student(student)
            except MissingEntry:
                gradebook.add_student(student)
            try:
                gradebook.find_submission(week, student)
            except MissingEntry:
                gradebook.add_submission(week, student)
        try:
            for week, student, notebook_id, by_grade in scores:
                notebook = gradebook.find_submission_notebook(notebook_id, week, student)
                for grade in notebook.grades:
                    if grade.name in by_grade:
                        grade.auto_score = by_grade[grade.name]
            gradebook.db.commit()
        except BaseException:
            try:
                gradebook.db.rollback()
            except Exception:   # noqa: BLE001  (a connection already lost has rolled back itself)
                pass
            raise
    return len(scores)
