"""Shared helpers for the package's own tests."""
from __future__ import annotations

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "week3"
RELEASE = ROOT / "assignments" / "week3"
SOLUTIONS = ROOT / "solutions" / "week3"


_built: dict = {}


def built_once(key: str, make):
    """``make()``, computed once per test process and kept.

    For module fixtures that take minutes (a whole class graded): pytest-xdist tears module
    fixtures down between two items of one module when a worker's queue runs dry, and the
    next item would build them again. Cleanup belongs in an ``atexit`` handler, not a teardown.
    """
    if key not in _built:
        _built[key] = make()
    return _built[key]


def source_notebooks() -> list[Path]:
    return sorted(SOURCE.glob("*.ipynb"))


def namespace_with(spec: str, *overrides: str) -> dict:
    """A fresh namespace holding the reference solution of ``spec``, then ``overrides`` run in it.

    Functions defined this way look up globals in this namespace, as notebook code does.
    """
    namespace = {"__name__": f"submission_{spec}"}
    exec(compile((SOLUTIONS / f"{spec}.py").read_text(encoding="utf-8"), f"<solution {spec}>", "exec"), namespace)
    for code in overrides:
        exec(compile(textwrap.dedent(code), "<override>", "exec"), namespace)
    return namespace


def hand_in(folder: Path, students, notebook: str) -> Path:
    """nbgrader's ``submitted/<student>/week3/<notebook>.ipynb`` for simulated ``students``
    (see :data:`grader.course.classroom.STUDENTS`) under ``folder``; returns ``folder``."""
    import nbformat

    from grader.course.classroom import submission_bytes
    release = nbformat.read(RELEASE / f"{notebook}.ipynb", as_version=4)
    source = nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4)
    for student in students:
        path = folder / "submitted" / student / "week3" / f"{notebook}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(submission_bytes(student, release, source))
    return folder
