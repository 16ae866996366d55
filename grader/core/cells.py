"""What each cell of a course notebook is, read from nbgrader metadata and tags.

Kinds: ``markdown``; ``bootstrap`` (tagged ``bootstrap``: the first code cell, which
checks that the grader is installed and explains how to install it); ``setup`` (given code: imports, helpers); ``solution`` (graded code
between ``### BEGIN SOLUTION`` / ``### END SOLUTION``); ``test`` (an nbgrader autograder
cell); ``demo`` (tagged ``demo``: plots and long training, run inside ``with demo():`` so that
Run All goes on when they meet unwritten code (:mod:`grader.student.demo`), skipped by export
and batch grading; the last cell, ``summary("<spec>", globals())``, is tagged ``demo`` and ``summary``).
"""
from __future__ import annotations

import re
from pathlib import Path

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def kind(cell) -> str:
    if cell.get("cell_type") != "code":
        return "markdown"
    tags = cell.get("metadata", {}).get("tags", [])
    if "demo" in tags:
        return "demo"
    if "bootstrap" in tags:
        return "bootstrap"
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    if nbgrader.get("solution"):
        return "solution"
    if nbgrader.get("grade"):
        return "test"
    return "setup"


def spec_name(notebook, path: str | Path = "") -> str:
    """The spec a notebook is graded by: its ``grader.spec`` metadata, else its file name
    without the ``NN_`` prefix (``01_perceptron.ipynb`` -> ``perceptron``)."""
    name = notebook.get("metadata", {}).get("grader", {}).get("spec")
    if name:
        return str(name)
    stem = Path(path).stem
    return re.sub(r"^\d+_", "", stem)


def solution_lines(source: str) -> list[str]:
    """The lines between solution markers (stripped, non-empty)."""
    lines, inside = [], False
    for line in source.splitlines():
        match = SOLUTION_MARKER.match(line)
        if match:
            inside = match.group(1) == "BEGIN"
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def hidden_test_lines(source: str) -> list[str]:
    """The lines between hidden-test markers (stripped, non-empty)."""
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == HIDDEN_BEGIN:
            inside = True
        elif line.strip() == HIDDEN_END:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines
