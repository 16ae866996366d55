"""The class report: ``grader report RESULTS -o report.html`` (and a CSV of the same table).

Read from the folder ``grader grade`` wrote (``RESULTS/<student>/<notebook>/results.json``,
``instructor.json`` and, for the homework, ``observations.json`` beside it), the page shows:
the score distribution per notebook, every test's pass rate (hardest first), the most common
failure messages per test grouped by the problem they name (what the class misunderstood),
who has not handed in or whose notebook could not be graded, the grading time per
submission, and for the homework the accuracy distribution. It is for instructors: hidden
tests' real messages (from ``instructor.json``) appear on it.

:func:`collect` turns the folder into plain data (:class:`ClassResults`); the functions
after it compute the tables from that data; :func:`write_report` draws and writes the page
and the CSV. Missing or corrupt files never stop the report: they are listed as broken.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.gradescope import (FEEDBACK_PAGE, INSTRUCTOR, OBSERVATIONS, RESULTS, read_results, spreadsheet_safe,
                                      write_atomically)
from grader.pages.figures import label, pyplot, to_data_uri
from grader.pages.html import escape, figure, page, progress_bar, table
from grader.core import words
from grader.core.results import TestResult

HOMEWORK_SPEC = "mnist_homework"
NOT_IMPLEMENTED = "not implemented yet"
TOP_GROUPS = 3
SLOWEST = 5
NAMES_SHOWN = 10            # students named per message group
LONG_EXAMPLE = 10           # lines: longer examples fold away under <details>
NOT_TIMED = ("empty", "unknown", "refused")   # statuses that ran nothing: left out of the grading times


# ---------------------------------------------------------------- plain data from disk

@dataclass
class GradedNotebook:
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
    notebooks: list[GradedNotebook]
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


def _read_notebook(folder: Path, root: Path, broken: list[BrokenFile]) -> GradedNotebook | None:
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
        item = GradedNotebook(
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


def _add_instructor_messages(item: GradedNotebook, path: Path, problem) -> None:
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
    notebooks: list[GradedNotebook] = []
    broken: list[BrokenFile] = []
    for student in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for folder in sorted(p for p in student.iterdir() if p.is_dir() and not p.name.startswith(".")):
            item = _read_notebook(folder, root, broken)
            if item is not None:
                notebooks.append(item)
    notebooks.sort(key=lambda n: (n.student, n.notebook))
    return ClassResults(root, notebooks, broken)


# ---------------------------------------------------------------- what the tables say

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


# a number not inside an identifier (x_1); Korean counters may follow it (3개, 2번째)
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
    """``(student, message)`` pairs (or ``(student, message, frame)``) grouped by :func:`problem_of`,
    the largest group first."""
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


def homework_accuracy(results: ClassResults) -> tuple[list[GradedNotebook], list[GradedNotebook]]:
    """Homework notebooks with an accuracy, and those whose model could not be evaluated."""
    measured, failed = [], []
    for item in results.notebooks:
        if item.spec != HOMEWORK_SPEC or item.accuracy is None:
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


# ---------------------------------------------------------------- pictures

def _score_histograms(scores: list[NotebookScores]) -> str | None:
    shown = [s for s in scores if s.scores]
    if not shown:
        return None
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator
    columns = min(3, len(shown))
    rows = math.ceil(len(shown) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.3 * columns, 2.5 * rows), squeeze=False)
    for ax, stats in zip(axes.flat, shown):
        top = max(stats.max_score, max(stats.scores), 1.0)
        width = 1.0 if top <= 40 else top / 20
        edges = [width * i - width / 2 for i in range(int(math.ceil(top / width)) + 2)]
        ax.hist(stats.scores, bins=edges, color="#4c78a8", edgecolor="white")
        ax.axvline(stats.mean, color="#cf222e", linestyle="--", linewidth=1)
        ax.set_xlim(-width / 2, top + width / 2)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"{stats.name} (n={len(stats.scores)}, mean {stats.mean:.1f})", fontsize=9)
        ax.set_xlabel(label("점수", "score") + f" / {stats.max_score:g}")
        ax.set_ylabel(label("학생 수", "students"))
    for ax in list(axes.flat)[len(shown):]:
        ax.set_visible(False)
    fig.tight_layout()
    return to_data_uri(fig)


def _time_histogram(seconds: dict[str, list[float]]) -> str | None:
    """Grading seconds, one stacked colour per notebook (``seconds``: name -> its notebooks' times)."""
    every = [t for times in seconds.values() for t in times]
    if not every:
        return None
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator
    fig, ax = plt.subplots(figsize=(6.5, 2.6))
    ax.hist(list(seconds.values()), bins=min(30, max(5, len(every) // 2)), stacked=True,
            label=list(seconds), edgecolor="white")
    median = statistics.median(every)
    ax.axvline(median, color="#cf222e", linestyle="--", linewidth=1, label=f"median {median:.1f} s")
    ax.legend(frameon=False, fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label("채점 시간, 초", "grading time, s"))
    ax.set_ylabel(label("노트북 수", "notebooks"))
    fig.tight_layout()
    return to_data_uri(fig)


def _accuracy_histogram(measured: list[GradedNotebook]) -> str:
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator
    test = [100 * _fraction(n.accuracy["test"]) for n in measured]
    validation = [100 * v for v in (_fraction(n.accuracy.get("validation")) for n in measured) if v is not None]
    low = math.floor(min(test + validation) - 1)
    high = min(100.0, math.ceil(max(test + validation) + 1))
    bins = [low + (high - low) * i / 20 for i in range(21)]
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    ax.hist(test, bins=bins, color="#4c78a8", alpha=0.75, label=label("숨겨진 테스트", "hidden test"))
    if validation:
        ax.hist(validation, bins=bins, histtype="step", color="#e45756", linewidth=1.6,
                label=label("검증", "validation"))
    ax.legend(frameon=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label("정확도, %", "accuracy, %"))
    ax.set_ylabel(label("학생 수", "students"))
    fig.tight_layout()
    return to_data_uri(fig)


# ---------------------------------------------------------------- the page

def _points(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if float(value).is_integer() else f"{value:.{digits}f}"


def _percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{100 * fraction:.0f}%"


def _names(students: list[str]) -> str:
    shown = ", ".join(escape(s) for s in students[:NAMES_SHOWN])
    more = len(students) - NAMES_SHOWN
    return shown + (f" +{more}" if more > 0 else "")


def _test_label(stats: Tally) -> str:
    hidden = ' <span class="tag">hidden</span>' if stats.hidden else ""
    return (f"{escape(stats.target)}: {escape(stats.description)}{hidden}"
            f'<br><span class="muted" style="font-size: 0.85em">{escape(stats.name)}</span>')


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def label_html(korean: str, english: str) -> str:
    """Korean with the English beside it (browsers have Hangul fonts; matplotlib may not)."""
    return f"{escape(korean)} ({escape(english)})"


def _summary(results: ClassResults, scores: list[NotebookScores], follow: list[FollowUp], students: int) -> str:
    graded = sum(n.graded for n in results.notebooks)
    lines = (f'<p><span class="score">{students}</span> {label_html("학생", "students")} · '
             f'<span class="score">{len(scores)}</span> {label_html("노트북", "notebooks")} · '
             f'{graded} of {len(results.notebooks)} handed-in notebooks graded · '
             f'{_count(len({f.student for f in follow}), "student")} to follow up</p>')
    rows = [[escape(s.name), str(s.handed_in), str(len(s.scores)), _points(s.mean), _points(s.median),
             _points(s.max_score), progress_bar((s.mean or 0.0) / s.max_score if s.max_score else 0.0)]
            for s in scores]
    header = ["notebook", "handed in", "graded", "mean", "median", "max", "mean / max"]
    return lines + (table(header, rows, numeric={1, 2, 3, 4, 5}) if rows else
                    '<p class="muted">No graded notebook was found.</p>')


def _tests_section(stats: list[Tally], names: dict[str, str]) -> str:
    if not stats:
        return '<p class="muted">No test results.</p>'
    rows = []
    for s in stats:
        rate = s.pass_rate
        bar = (f'<div style="min-width: 110px">{progress_bar(rate)}</div>' if rate is not None else "")
        rows.append([escape(names.get(s.notebook, s.notebook)), _test_label(s), _points(s.max_points),
                     f"{s.passed} / {s.attempts}", f"{_percent(rate)}", bar])
    return ('<p class="muted">Pass rate over the students whose notebook was graded; the hardest test first.</p>'
            + table(["notebook", "test", "points", "passed", "rate", ""], rows, numeric={2, 3, 4},
                    css_class="tests"))


def _example(message: str) -> str:
    lines = message.splitlines()
    if len(lines) <= LONG_EXAMPLE:
        return f"<pre>{escape(message)}</pre>"
    return (f"<details><summary>example ({len(lines)} lines)</summary>"
            f"<pre>{escape(message)}</pre></details>")


def _misunderstood_section(stats: list[Tally], names: dict[str, str]) -> str:
    failing = [s for s in stats if s.failures]
    if not failing:
        return '<p class="muted">Every graded test passed for every student.</p>'
    parts = ['<p class="muted">For each failing test, the failure messages grouped by the problem they name '
             '(numbers replaced by #), the most common first, with one full message of each group. '
             'Hidden tests show their real messages here.</p>']
    for s in failing:
        groups = group_failures(s.failures)
        not_done = [g for g in groups if g.problem == NOT_IMPLEMENTED]
        real = [g for g in groups if g.problem != NOT_IMPLEMENTED]
        hidden = ' <span class="tag">hidden</span>' if s.hidden else ""
        parts.append(f"<h3>{escape(names.get(s.notebook, s.notebook))} · {escape(s.target)}: "
                     f"{escape(s.description)}{hidden}</h3>")
        parts.append(f'<p class="muted">failed by {len(s.failures)} of {s.attempts} '
                     f'({_percent(1 - s.pass_rate)})</p>')
        for group in real[:TOP_GROUPS]:
            parts.append(f'<p><span class="fail">{group.count}×</span> <code>{escape(group.problem)}</code> '
                         f'<span class="muted">— {_names(group.students)}</span></p>' + _example(group.example))
        rest = real[TOP_GROUPS:]
        if rest:
            parts.append(f'<p class="muted">and {sum(g.count for g in rest)} more in {len(rest)} other '
                         f'group{"s" if len(rest) > 1 else ""}</p>')
        if not_done:
            parts.append(f'<p class="muted">{not_done[0].count} not implemented yet '
                         f'(still <code>raise NotImplementedError()</code>): {_names(not_done[0].students)}</p>')
    return "\n".join(parts)


def _follow_up_section(follow: list[FollowUp]) -> str:
    if not follow:
        return '<p class="muted">Everyone handed in every notebook, and every notebook was graded.</p>'
    merged: list[FollowUp] = []
    for f in follow:        # one line per student for the notebooks not handed in
        last = merged[-1] if merged else None
        if last and f.problem == "not handed in" and (last.student, last.problem) == (f.student, f.problem):
            merged[-1] = FollowUp(f.student, f"{last.notebook}, {f.notebook}", f.problem, last.detail or f.detail)
        else:
            merged.append(f)
    rows = [[escape(f.student), escape(f.notebook),
             f'<span class="fail" style="white-space: nowrap">{escape(f.problem)}</span>',
             escape(f.detail)] for f in merged]
    return table(["student", "notebook", "problem", "detail"], rows)


def _time_section(results: ClassResults) -> str:
    timed = [n for n in results.notebooks if n.status not in NOT_TIMED]
    if not timed:
        return '<p class="muted">No grading times recorded.</p>'
    seconds = [n.seconds for n in timed]
    parts = [f'<p>{len(timed)} notebooks, {sum(seconds):.0f} s in all; median {statistics.median(seconds):.1f} s, '
             f'slowest {max(seconds):.1f} s.</p>']
    names = results.names()
    by_notebook: dict[str, list[float]] = {}
    for n in sorted(timed, key=lambda n: names.get(n.key, n.notebook)):
        by_notebook.setdefault(names.get(n.key, n.notebook), []).append(n.seconds)
    uri = _time_histogram(by_notebook)
    if uri:
        parts.append(figure(uri, "Grading time per notebook (seconds, sandbox start to results)."))
    slowest = sorted(timed, key=lambda n: -n.seconds)[:SLOWEST]
    rows = [[escape(n.student), escape(n.notebook), escape(n.status), f"{n.seconds:.1f}", f"{n.cell_seconds:.1f}"]
            for n in slowest]
    parts.append(table(["student", "notebook", "status", "seconds", "in cells"], rows, numeric={3, 4}))
    return "\n".join(parts)


def _accuracy_section(results: ClassResults) -> str:
    measured, failed = homework_accuracy(results)
    if not measured and not failed:
        return ""
    parts = [f'<h2 id="accuracy">{label_html("숙제 정확도", "homework accuracy")}</h2>']
    if measured:
        parts.append(figure(_accuracy_histogram(measured),
                            "Accuracy of each student's trained model on the hidden test split (bars) "
                            "and on the grader's validation split (line)."))
        rows = []
        for split, key in (("hidden test", "test"), ("validation", "validation")):
            values = [v for v in (_fraction(n.accuracy.get(key)) for n in measured) if v is not None]
            if values:
                rows.append([split, str(len(values)), f"{100 * statistics.fmean(values):.1f}%",
                             f"{100 * statistics.median(values):.1f}%", f"{100 * min(values):.1f}%",
                             f"{100 * max(values):.1f}%"])
        parts.append(table(["split", "models", "mean", "median", "lowest", "highest"], rows,
                           numeric={1, 2, 3, 4, 5}))
    if failed:
        groups = group_failures([(n.student, str(n.accuracy.get("error", "no accuracy recorded")))
                                 for n in failed])
        parts.append(f'<p>{len(failed)} model{"s" if len(failed) != 1 else ""} could not be trained or '
                     f'evaluated:</p>')
        parts.extend(f'<p><span class="fail">{g.count}×</span> <code>{escape(g.problem)}</code> '
                     f'<span class="muted">— {_names(g.students)}</span></p>' for g in groups[:TOP_GROUPS])
    return "\n".join(parts)


def _students_section(results: ClassResults, names: dict[str, str], page_dir: Path | None) -> str:
    """Every student's score per notebook, each linked to the feedback page beside its results."""
    keys = results.course_notebooks()
    by_student: dict[str, dict[str, GradedNotebook]] = {}
    for item in results.notebooks:
        by_student.setdefault(item.student, {})[item.key] = item

    def cell(item: GradedNotebook | None) -> str:
        if item is None:
            return '<span class="muted">-</span>'
        text = f"{_points(item.score, 3)} / {_points(item.max_score, 3)}"
        if not item.graded:
            text += f' <span class="tag">{escape(item.status)}</span>'
        page_file = item.folder / FEEDBACK_PAGE if item.folder else None
        if page_dir is not None and page_file is not None and page_file.exists():
            return f'<a href="{escape(Path(os.path.relpath(page_file, page_dir)).as_posix())}">{text}</a>'
        return text

    rows = [[escape(student), *(cell(by_student[student].get(key)) for key in keys)]
            for student in sorted(by_student)]
    return table(["student", *(names.get(k, k) for k in keys)], rows, numeric=set(range(1, len(keys) + 1)),
                 css_class="students") if rows else ""


def render(results: ClassResults, roster: list[str] | None = None, page_dir: Path | None = None) -> str:
    """The report's HTML (``page_dir``: where it will be written, for links to the feedback pages)."""
    names = results.names()
    scores = notebook_scores(results)
    stats = pass_rates(results)
    follow = follow_ups(results, roster)
    students = len(set(results.students()) | set(r for r in roster or [] if r))
    histograms = _score_histograms(scores)
    sections = [
        f'<h1>{label_html("수업 리포트", "class report")}</h1>',
        f'<p class="muted">{escape(results.folder.resolve())}</p>',
        f'<h2 id="summary">{label_html("요약", "summary")}</h2>',
        _summary(results, scores, follow, students),
        f'<h2 id="scores">{label_html("점수 분포", "score distribution")}</h2>',
        figure(histograms, "Scores of the graded notebooks per notebook; the dashed line is the mean.")
        if histograms else '<p class="muted">No graded notebook.</p>',
        f'<h2 id="tests">{label_html("어려운 테스트 순", "tests, hardest first")}</h2>',
        _tests_section(stats, names),
        f'<h2 id="misunderstood">{label_html("학생들이 헷갈린 것", "what the class misunderstood")}</h2>',
        _misunderstood_section(stats, names),
        f'<h2 id="follow-up">{label_html("확인이 필요한 학생", "students to follow up")}</h2>',
        _follow_up_section(follow),
        f'<h2 id="time">{label_html("채점 시간", "grading time per submission")}</h2>',
        _time_section(results),
        _accuracy_section(results),
        f'<h2 id="students">{label_html("학생별 점수", "scores per student")}</h2>',
        _students_section(results, names, page_dir),
    ]
    return page("class report", "\n".join(s for s in sections if s))


# ---------------------------------------------------------------- the CSV

def csv_rows(results: ClassResults, roster: list[str] | None = None) -> tuple[list[str], list[list]]:
    """The header and one row per student and notebook (missing ones too), for spreadsheets."""
    names = results.names()
    stats = sorted(pass_rates(results), key=lambda s: (names.get(s.notebook, s.notebook), s.order))
    clashes = Counter(s.column for s in stats)
    columns = {(s.notebook, s.target, s.name): (f"{names.get(s.notebook, s.notebook)} {s.column}"
                                               if clashes[s.column] > 1 else s.column) for s in stats}
    measured, failed = homework_accuracy(results)
    with_accuracy = bool(measured)
    header = ["student", "notebook", "status", "score", "max_score", "seconds", *columns.values()]
    if with_accuracy:
        header += ["accuracy validation", "accuracy test"]
    rows = []
    for item in results.notebooks:
        earned = {(item.key, t.target, t.name): t.points for t in item.tests}
        row = [item.student, names.get(item.key, item.notebook), item.status, _points(item.score, 3),
               _points(item.max_score, 3), f"{item.seconds:.3f}"]
        row += ["" if key not in earned else _points(earned[key], 3) for key in columns]
        if with_accuracy:
            accuracy = item.accuracy or {}
            row += ["" if _fraction(accuracy.get(k)) is None else f"{_fraction(accuracy.get(k)):.4f}"
                    for k in ("validation", "test")]
        rows.append(row)
    blank = [""] * (len(header) - 3)
    for follow in follow_ups(results, roster):
        if follow.problem in ("not handed in", "results unreadable"):
            status = "missing" if follow.problem == "not handed in" else follow.problem
            rows.append([follow.student, follow.notebook, status, *blank])
    rows.sort(key=lambda r: (r[0], r[1]))
    return header, [[spreadsheet_safe(v) for v in row] for row in rows]


def write_csv(results: ClassResults, path: Path, roster: list[str] | None = None) -> Path:
    header, rows = csv_rows(results, roster)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    write_atomically(Path(path), "\ufeff" + text.getvalue())   # a BOM: Excel then reads UTF-8 (Korean names)
    return Path(path)


def write_report(results_dir: Path, html_path: Path, csv_path: Path | None = None,
                 roster: list[str] | None = None) -> Path:
    """Write the class report (HTML) and its CSV (default: beside it, ``.csv``); return the HTML's path."""
    results = collect(Path(results_dir))
    html_path = Path(html_path)
    write_atomically(html_path, render(results, roster, page_dir=html_path.resolve().parent))
    write_csv(results, Path(csv_path) if csv_path else html_path.with_suffix(".csv"), roster)
    return html_path
