"""The class report's tables, computed from :class:`grader.pages.class_results.ClassResults`:
scores per notebook, every test's pass rate, failure messages grouped by the problem they
name, who to follow up, and the homework's accuracies."""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from grader.core import words
from grader.pages.class_results import ClassResults, RecordedNotebook
from grader.weeks import is_homework

NOT_IMPLEMENTED = "not implemented yet"


@dataclass
class NotebookScores:
    key: str
    name: str
    handed_in: int                # notebooks on disk (graded or not)
    scores: list[float]           # of the graded ones
    max_score: float

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None


def notebook_scores(results: ClassResults) -> list[NotebookScores]:
    names = results.names()
    table_ = []
    for key in results.course_notebooks():
        items = [n for n in results.notebooks if n.key == key]
        graded = [n for n in items if n.graded]
        table_.append(NotebookScores(key, names[key], len(items), [n.score for n in graded],
                                     max((n.max_score for n in items), default=0.0)))
    return table_


@dataclass
class Tally:
    """One test of one notebook over the class's graded notebooks."""

    notebook: str                 # the notebook's key
    target: str
    name: str
    description: str
    hidden: bool
    max_points: float
    order: int                    # its place in the notebook's spec
    passed: int = 0
    failures: list[tuple] = field(default_factory=list)   # (student, message, frame of the student's code)

    @property
    def attempts(self) -> int:
        return self.passed + len(self.failures)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None

    @property
    def column(self) -> str:
        return f"{self.target}: {self.name}" if self.target else self.name


def pass_rates(results: ClassResults) -> list[Tally]:
    """Every test of every course notebook, hardest first (lowest pass rate; unrun tests last)."""
    found: dict[tuple, Tally] = {}
    for item in results.notebooks:
        if not item.spec or item.status in ("empty", "unknown"):
            continue
        for order, result in enumerate(item.tests):
            stats = found.get((item.key, result.target, result.name))
            if stats is None:
                stats = found[(item.key, result.target, result.name)] = Tally(
                    item.key, result.target, result.name, result.description, result.hidden,
                    result.max_points, order)
            if not item.graded:
                continue
            if result.passed:
                stats.passed += 1
            else:
                stats.failures.append((item.student, result.message, result.frame))
    names = results.names()
    return sorted(found.values(), key=lambda s: (s.pass_rate is None, s.pass_rate or 0.0,
                                                 names.get(s.notebook, s.notebook), s.order))


# a number not inside an identifier (x_1); Korean counters may follow it (as in words.ELEMENTS_DIFFER)
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z0-9_])")


def problem_of(message: str, frame: list | None = None) -> str:
    """What a failure message says went wrong, with its numbers as ``#``: failures to group by.

    The first line names the problem (:class:`grader.core.compare.Mismatch` puts expected and
    received values on the lines after it); where in the student's code an exception came
    from (``frame``, see TestResult.frame) is dropped, and so are the numbers, so the same mistake made with different values
    groups together while different problems stay apart.
    """
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    if not lines:
        return "(no message)"
    first = lines[0]
    if NOT_IMPLEMENTED in first:
        return NOT_IMPLEMENTED
    if frame:
        first = first.split(f" ({words.code_at(*frame)}", 1)[0]
    first = NUMBER.sub("#", first)
    return re.sub(r"\s+", " ", first).strip()


@dataclass
class MessageGroup:
    problem: str                  # normalised (see problem_of)
    students: list[str]
    example: str                  # the most common full message of the group

    @property
    def count(self) -> int:
        return len(self.students)


def group_failures(failures: list[tuple]) -> list[MessageGroup]:
    """``(student, message)`` pairs grouped by :func:`problem_of`, the largest group first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for student, message, *frame in failures:
        groups.setdefault(problem_of(message, *frame), []).append((student, message))
    found = []
    for problem, members in groups.items():
        example = Counter(message for _, message in members).most_common(1)[0][0]
        found.append(MessageGroup(problem, sorted(student for student, _ in members), example))
    return sorted(found, key=lambda g: (-g.count, g.problem))


@dataclass
class FollowUp:
    student: str
    notebook: str
    problem: str                  # "not handed in", a status, "results unreadable", "not on the roster"
    detail: str = ""


def follow_ups(results: ClassResults, roster: list[str] | None = None) -> list[FollowUp]:
    """Who to talk to: missing notebooks (one row each), notebooks not graded normally, unusable results."""
    from grader.grading.submissions import safe_name, spec_for

    names = results.names()
    course = results.course_notebooks()
    roster = [r for r in (roster or []) if r]
    found: list[FollowUp] = []
    handed_in: dict[str, set[str]] = {}
    empty: set[str] = set()
    for item in results.notebooks:
        handed_in.setdefault(item.student, set())
        if item.status == "empty" and course:      # said by the "not handed in" rows below
            empty.add(item.student)
            continue
        handed_in[item.student].add(item.key)
        if not item.graded:
            detail = item.notes[0] if item.notes else ""
            found.append(FollowUp(item.student, names.get(item.key, item.notebook), item.status, detail))
    for broken in results.broken:
        key = spec_for(broken.notebook, course) or broken.notebook
        if broken.fatal:
            handed_in.setdefault(broken.student, set()).add(key)
        found.append(FollowUp(broken.student, names.get(key, broken.notebook),
                              "results unreadable" if broken.fatal else "file unreadable",
                              f"{broken.path}: {broken.problem}"))
    by_folder = {safe_name(s): s for s in handed_in}
    students = sorted(set(handed_in) | {by_folder.get(safe_name(r), r) for r in roster})
    for student in students:
        mine = handed_in.get(student, set())
        nothing = not mine & set(course)
        detail = ("handed in nothing" if student in empty else "no results at all" if student not in handed_in
                  else "")
        found += [FollowUp(student, names[k], "not handed in", detail if nothing else "")
                  for k in course if k not in mine]
    if roster:
        listed = {safe_name(r) for r in roster} | set(roster)
        found += [FollowUp(s, "", "not on the roster", "a typo in the student id?")
                  for s in sorted(handed_in) if s not in listed and safe_name(s) not in listed]
    order = {k: i for i, k in enumerate(names[k] for k in course)}
    return sorted(found, key=lambda f: (f.student, order.get(f.notebook, len(order)), f.notebook, f.problem))


def homework_accuracy(results: ClassResults) -> tuple[list[RecordedNotebook], list[RecordedNotebook]]:
    """Homework notebooks with an accuracy, and those whose model could not be evaluated."""
    measured, failed = [], []
    for item in results.notebooks:
        if not is_homework(item.spec) or item.accuracy is None:    # the homework its week declares
            continue
        if _fraction(item.accuracy.get("test")) is not None:
            measured.append(item)
        else:                       # {"error": ...}: the model could not be trained or evaluated
            failed.append(item)
    return measured, failed


def _fraction(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value / 100 if 1 < value <= 100 else float(value)


def _points(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if float(value).is_integer() else f"{value:.{digits}f}"
