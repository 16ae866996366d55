"""Hostile kinds (collection and bookkeeping: student ids, names that clash with the batch's files,
stray copies of a notebook).

- Two ids that an old fold (``[^\\w.- ]`` -> ``_``) made one folder: the second student's results
  replaced the first's (one of them silently lost). Each pair is a full-marks control and a
  hostile zero, so a lost control shows up as points lost, and a lost zero as a missing student.
- A student folder named ``grades.csv``: the batch could not write its class CSV.
- A notebook outside nbgrader's place (``week3/old/``, ``week3/copies/``, beside ``week3/``): one
  path graded it and the other did not. Only the top of ``week3/`` is graded; the copy is noted
  (``extra["csv_note"]``: a phrase grades.csv's notes must hold, checked by tests/test_collection.py).
"""
from __future__ import annotations

from pathlib import Path

from tests.hostile import PERCEPTRON, Context, Kind, _writer, full, release, total, write, zero


def _full_marks() -> float:
    return total("perceptron")


def _stray(where: str, top: bool = True):
    """The untouched release at the top of week3/ (unless ``top`` is False), full marks at ``where``
    (relative to week3/; ``..`` is the student's folder)."""
    def build(folder: Path, ctx: Context) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if top:
            write(folder, release())
        write((folder / where).resolve() if ".." in where else folder / where, full())
    return build


def kinds() -> list[Kind]:
    return [
        # ids that folded into one folder
        Kind("id_at_sign", "control", "full marks, handed in as lee@kaist", _writer(full), _full_marks,
             student="lee@kaist"),
        Kind("id_hash_sign", "hostile", "the untouched release, handed in as lee#kaist (folded like lee@kaist)",
             _writer(release), zero, student="lee#kaist"),
        Kind("id_parentheses", "control", "full marks, handed in as han(1)", _writer(full), _full_marks,
             student="han(1)"),
        Kind("id_braces", "hostile", "the untouched release, handed in as han{1} (folded like han(1))",
             _writer(release), zero, student="han{1}"),
        # names of the batch's own files
        Kind("id_grades_csv", "hostile", "full marks, handed in by a student folder named grades.csv",
             _writer(full), _full_marks, student="grades.csv"),
        # stray copies: only the top of week3/ is graded, as nbgrader does
        Kind("stray_copy_in_old", "hostile", "the untouched release in week3/, full marks in week3/old/",
             _stray("old"), zero, extra={"only_notebook": True, "csv_note": "old/01_perceptron.ipynb"}),
        Kind("stray_copy_in_copies", "hostile", "the untouched release in week3/, full marks in week3/copies/v2/",
             _stray("copies/v2"), zero,
             extra={"only_notebook": True, "csv_note": "copies/v2/01_perceptron.ipynb"}),
        Kind("stray_copy_beside_week", "hostile", "the untouched release in week3/, full marks beside week3/",
             _stray(".."), zero, extra={"only_notebook": True, "csv_note": f"{PERCEPTRON}.ipynb"}),
        Kind("only_in_old", "hostile", "nothing at the top of week3/, full marks in week3/old/",
             _stray("old", top=False), zero, status="empty", note="old/01_perceptron.ipynb"),
    ]
