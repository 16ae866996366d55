"""Simulated students: submissions made from the release, the way a class hands them in.

Each variant takes a released notebook and the source notebook it came from and returns
the notebook a student would hand in (or raw bytes, for a file that is not a notebook).
"""
from __future__ import annotations

import copy
import re

import nbformat

from grader.core.cells import SOLUTION_MARKER, kind


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _solution_code(cell) -> str:
    return "\n".join(line for line in cell.source.splitlines() if not SOLUTION_MARKER.match(line))


def filled(release, source, keep: int | None = None, edit=None):
    """The release with solution cells completed from ``source``.

    ``keep`` completes only the first ``keep`` solution cells (the rest stay stubs);
    ``edit(grade_id, code) -> code`` may alter a completed cell, as a student's mistake.
    """
    notebook = copy.deepcopy(release)
    answers = {_grade_id(c): _solution_code(c) for c in source.cells if kind(c) == "solution"}
    done = 0
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if kind(cell) != "solution" or grade_id not in answers:
            continue
        if keep is not None and done >= keep:
            break
        cell.source = edit(grade_id, answers[grade_id]) if edit else answers[grade_id]
        done += 1
    return notebook


def _syntax_error(grade_id: str, code: str) -> str:
    """A missing colon after the first ``def``, as typed in a hurry."""
    return re.sub(r"\):\n", ")\n", code, count=1)


def _infinite_loop(grade_id: str, code: str) -> str:
    """``train_perceptron`` (01) loops forever. One such function is enough to show a runaway
    loop stopped; every training function of the week made nbgrader's autograde take an hour."""
    if "def train_perceptron" not in code:
        return code
    return re.sub(r"(def train_perceptron\(.*\):\n)", r"\1    while True:\n        pass\n", code, count=1)


def _in_last_cell(edit, source):
    """Apply ``edit`` only to the last solution cell of ``source``."""
    last = [_grade_id(c) for c in source.cells if kind(c) == "solution"][-1]
    return lambda grade_id, code: edit(grade_id, code) if grade_id == last else code


STUDENTS = {
    "fullmarks": ("every function completed from the reference solution",
                  lambda release, source: filled(release, source)),
    "untouched": ("hands in the release as it was",
                  lambda release, source: copy.deepcopy(release)),
    "partial": ("completed the first half of the solution cells",
                lambda release, source: filled(
                    release, source, keep=max(1, sum(kind(c) == "solution" for c in source.cells) // 2))),
    "syntaxerror": ("complete, but the last solution cell has a syntax error",
                    lambda release, source: filled(release, source, edit=_in_last_cell(_syntax_error, source))),
    "infiniteloop": ("complete, but train_perceptron never returns",
                     lambda release, source: filled(release, source, edit=_infinite_loop)),
    "brokenfile": ("a file cut off halfway through upload (not valid JSON)",
                   lambda release, source: nbformat.writes(release)[:200].encode()),
}


def submission_bytes(student: str, release, source) -> bytes:
    """The file ``student`` hands in for one notebook."""
    made = STUDENTS[student][1](release, source)
    return made if isinstance(made, bytes) else nbformat.writes(made).encode("utf-8")
