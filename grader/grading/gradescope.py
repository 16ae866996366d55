"""Gradescope's ``results.json`` of one graded notebook, and the results files beside it.

Gradescope's schema: ``score``, ``execution_time``, ``output``, ``tests`` (each ``name``,
``score``, ``max_score``, ``status``, ``output``, ``visibility``) and free-form
``extra_data``; ``max_score`` is added at the top for other readers. A hidden test's
output is only its hint; its message stays in ``instructor.json`` beside it, which is
never meant for students. Files are written atomically (a temporary file, then a rename);
:func:`grader.batch.run.write_graded` writes ``results.json`` last: its presence means the
notebook is graded.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.core import words
from grader.core.results import TestResult, total

RESULTS, FEEDBACK, INSTRUCTOR = "results.json", "feedback.txt", "instructor.json"
OBSERVATIONS, FEEDBACK_PAGE = "observations.json", "feedback.html"


def test_entry(result: TestResult) -> dict:
    if result.passed:
        output = words.PASSED
    elif result.hidden:
        output = words.HIDDEN_FAILED + (f". {words.label(words.HINT)}: {result.hint}" if result.hint else "")
    else:
        output = result.message + (f"\n{words.label(words.HINT)}: {result.hint}" if result.hint else "")
    return {"name": f"{result.target}: {result.description}" if result.target else result.description,
            "score": result.points, "max_score": result.max_points,
            "status": "passed" if result.passed else "failed", "output": output,
            "visibility": "after_published" if result.hidden else "visible",
            "extra_data": {"target": result.target, "test": result.name, "hidden": result.hidden,
                           "description": result.description, "hint": result.hint,
                           "message": "" if result.passed or result.hidden else result.message}}


def results_document(results: list[TestResult], *, student: str, notebook: str, spec: str | None,
                     status: str, notes: list[str], seconds: float, sha256: str, cell_seconds: float = 0.0) -> dict:
    earned, possible = total(results)
    summary = words.label(words.STATUS_TEXT[status]) if status in words.STATUS_TEXT else status
    output = words.RESULTS_LINE.format(notebook=notebook, status=summary, earned=f"{earned:g}",
                                       possible=f"{possible:g}")
    if notes:
        output += "\n" + "\n".join(f"! {note}" for note in notes)
    return {"score": earned, "max_score": possible, "execution_time": round(seconds, 3), "output": output,
            "stdout_visibility": "hidden", "tests": [test_entry(r) for r in results],
            "extra_data": {"student": student, "notebook": notebook, "spec": spec, "status": status,
                           "notes": notes, "seconds": round(seconds, 3), "cell_seconds": round(cell_seconds, 3),
                           "sha256": sha256}}


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (``=...``, a student id such as
    ``=HYPERLINK(...)``) is written as text, with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_results(path: Path) -> dict | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and "extra_data" in document else None
