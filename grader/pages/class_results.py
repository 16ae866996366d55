"""The class report's data: the folder ``grader grade`` wrote, read into plain objects.

:func:`collect` reads every ``RESULTS/<student>/<notebook>/results.json`` (with the full
messages of ``instructor.json`` and the homework's ``observations.json`` beside it) into a
:class:`ClassResults`; a missing or corrupt file never stops it: it is listed as a
:class:`BrokenFile`.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.gradescope import INSTRUCTOR, OBSERVATIONS, RESULTS, read_results
from grader.core.results import TestResult


@dataclass
class RecordedNotebook:
    """One student's notebook as ``grader grade`` recorded it."""

    student: str
    notebook: str                 # the file's stem, e.g. "01_perceptron" ("(nothing)": nothing handed in)
    spec: str | None
    status: str                   # "graded", "unreadable", "empty", "unknown" or "error"
    score: float
    max_score: float
    seconds: float
    cell_seconds: float
    notes: list[str]
    tests: list[TestResult]       # with hidden tests' real messages when instructor.json was readable
    accuracy: dict | None = None  # the homework's {"validation", "test", "seconds"} or {"error"}
    folder: Path | None = None    # where its files (results.json, feedback.html) are

    @property
    def key(self) -> str:
        """Which notebook of the course this is: its spec (stems differ in a flat layout), else its stem."""
        return self.spec or self.notebook

    @property
    def graded(self) -> bool:
        return self.status == "graded"


@dataclass
class BrokenFile:
    """A file of the results folder that could not be used."""

    path: str                     # relative to the results folder
    student: str
    notebook: str                 # the notebook's folder name
    problem: str
    fatal: bool                   # True: this notebook's results are lost (results.json unusable)


@dataclass
class ClassResults:
    folder: Path
    notebooks: list[RecordedNotebook]
    broken: list[BrokenFile] = field(default_factory=list)

    def names(self) -> dict[str, str]:
        """Course notebook key -> the name to show (the stem the students' files share, else the spec)."""
        stems: dict[str, Counter] = {}
        for item in self.notebooks:
            stems.setdefault(item.key, Counter())[item.notebook] += 1
        names = {}
        for key, counter in stems.items():
            stem, count = counter.most_common(1)[0]
            names[key] = stem if count * 2 > sum(counter.values()) else key
        return names

    def course_notebooks(self) -> list[str]:
        """Keys of the notebooks someone handed in that belong to the course, in name order."""
        names = self.names()
        keys = {n.key for n in self.notebooks if n.spec and n.status not in ("empty", "unknown")}
        return sorted(keys, key=lambda k: (names[k], k))

    def students(self) -> list[str]:
        return sorted({n.student for n in self.notebooks} | {b.student for b in self.broken if b.fatal})


def _number(value, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _tests_of(document: dict) -> list[TestResult]:
    tests = []
    for entry in document.get("tests") or []:
        extra = entry.get("extra_data") or {}
        target = str(extra.get("target", ""))
        name = str(entry.get("name", ""))
        description = name[len(target) + 2:] if target and name.startswith(f"{target}: ") else name
        passed = entry.get("status") == "passed"
        tests.append(TestResult(target=target, name=str(extra.get("test", name)), description=description,
                                points=_number(entry.get("score")), max_points=_number(entry.get("max_score")),
                                passed=passed, hidden=bool(extra.get("hidden", False)),
                                message="" if passed else str(entry.get("output", ""))))
    return tests


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_notebook(folder: Path, root: Path, broken: list[BrokenFile]) -> RecordedNotebook | None:
    student, stem = folder.parent.name, folder.name

    def problem(path: Path, what: str, fatal: bool = False) -> None:
        broken.append(BrokenFile(str(path.relative_to(root)), student, stem, what, fatal))

    results = folder / RESULTS
    if not results.exists():
        if any(folder.iterdir()):
            problem(results, "results.json is missing (grading did not finish?)", fatal=True)
        return None
    document = read_results(results)
    try:
        extra = document["extra_data"]
        item = RecordedNotebook(
            student=str(extra.get("student") or student), notebook=str(extra.get("notebook") or stem),
            spec=extra.get("spec") or None, status=str(extra.get("status") or "unknown"),
            score=_number(document.get("score")), max_score=_number(document.get("max_score")),
            seconds=_number(extra.get("seconds")), cell_seconds=_number(extra.get("cell_seconds")),
            notes=[str(n) for n in extra.get("notes") or []], tests=_tests_of(document), folder=folder)
    except (TypeError, KeyError, AttributeError, ValueError):
        problem(results, "results.json is unreadable or not grader's results", fatal=True)
        return None
    _add_instructor_messages(item, folder / INSTRUCTOR, lambda what: problem(folder / INSTRUCTOR, what))
    observations = folder / OBSERVATIONS
    if observations.exists():
        data = _read_json(observations)
        accuracy = data.get("accuracy") if isinstance(data, dict) else None
        if isinstance(accuracy, dict):
            item.accuracy = accuracy
        elif not isinstance(data, dict):
            problem(observations, "observations.json is unreadable")
    return item


def _add_instructor_messages(item: RecordedNotebook, path: Path, problem) -> None:
    """Replace each test's student-facing output by the full result from instructor.json."""
    data = _read_json(path)
    if not item.tests:
        return
    if not isinstance(data, list):
        problem("instructor.json is missing or unreadable: hidden tests show only their hints")
        return
    full = {}
    for entry in data:
        try:
            result = TestResult.from_dict(entry)
        except (TypeError, KeyError):
            continue
        full[(result.target, result.name)] = result
    item.tests = [full.get((t.target, t.name), t) for t in item.tests]


def collect(results_dir: Path) -> ClassResults:
    """Every ``<student>/<notebook>/results.json`` under ``results_dir`` (unusable ones in ``broken``)."""
    root = Path(results_dir)
    notebooks: list[RecordedNotebook] = []
    broken: list[BrokenFile] = []
    for student in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for folder in sorted(p for p in student.iterdir() if p.is_dir() and not p.name.startswith(".")):
            item = _read_notebook(folder, root, broken)
            if item is not None:
                notebooks.append(item)
    notebooks.sort(key=lambda n: (n.student, n.notebook))
    return ClassResults(root, notebooks, broken)

