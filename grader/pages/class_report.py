"""The class report: ``grader report RESULTS -o report.html`` (and a CSV of the same table).

Read from the folder ``grader grade`` wrote (``RESULTS/<student>/<notebook>/results.json``,
``instructor.json`` and, for the homework, ``observations.json`` beside it), the page shows:
the score distribution per notebook, every test's pass rate (hardest first), the most common
failure messages per test grouped by the problem they name (what the class misunderstood),
who has not handed in or whose notebook could not be graded, the grading time per
submission, and for the homework the accuracy distribution. It is for instructors: hidden
tests' real messages (from ``instructor.json``) appear on it.

By job: :mod:`grader.pages.class_results` turns the folder into plain data (:func:`collect`,
:class:`ClassResults`); :mod:`grader.pages.class_stats` computes the tables from that data;
this module draws the pictures and the page, :mod:`grader.pages.class_csv` the CSV, and
:func:`write_report` writes both. Missing or corrupt files never stop the report: they are
listed as broken.
"""
from __future__ import annotations

import math
import os
import statistics
from pathlib import Path

from grader.core import words
from grader.grading.gradescope import FEEDBACK_PAGE, write_atomically
from grader.pages.class_csv import csv_rows, write_csv  # noqa: F401
from grader.pages.class_results import BrokenFile, ClassResults, RecordedNotebook, collect  # noqa: F401
from grader.pages.class_stats import (NOT_IMPLEMENTED, FollowUp, MessageGroup,  # noqa: F401
                                      NotebookScores, Tally, _fraction, _points, follow_ups, group_failures,
                                      homework_accuracy, notebook_scores, pass_rates, problem_of)
from grader.pages.figures import label, pyplot, to_data_uri
from grader.pages.html import escape, figure, page, progress_bar, table

TOP_GROUPS = 3
SLOWEST = 5
NAMES_SHOWN = 10            # students named per message group
LONG_EXAMPLE = 10           # lines: longer examples fold away under <details>
NOT_TIMED = ("empty", "unknown", "refused")   # statuses that ran nothing: left out of the grading times


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
        ax.set_xlabel(label(words.SCORE_AXIS) + f" / {stats.max_score:g}")
        ax.set_ylabel(label(words.STUDENT_COUNT))
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
    ax.set_xlabel(label(words.GRADING_SECONDS))
    ax.set_ylabel(label(words.NOTEBOOK_COUNT))
    fig.tight_layout()
    return to_data_uri(fig)


def _accuracy_histogram(measured: list[RecordedNotebook]) -> str:
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator
    test = [100 * _fraction(n.accuracy["test"]) for n in measured]
    validation = [100 * v for v in (_fraction(n.accuracy.get("validation")) for n in measured) if v is not None]
    low = math.floor(min(test + validation) - 1)
    high = min(100.0, math.ceil(max(test + validation) + 1))
    bins = [low + (high - low) * i / 20 for i in range(21)]
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    ax.hist(test, bins=bins, color="#4c78a8", alpha=0.75, label=label(words.HIDDEN_TEST))
    if validation:
        ax.hist(validation, bins=bins, histtype="step", color="#e45756", linewidth=1.6,
                label=label(words.VALIDATION))
    ax.legend(frameon=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label(words.ACCURACY_PERCENT))
    ax.set_ylabel(label(words.STUDENT_COUNT))
    fig.tight_layout()
    return to_data_uri(fig)


# ---------------------------------------------------------------- the page

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


def _summary(results: ClassResults, scores: list[NotebookScores], follow: list[FollowUp], students: int) -> str:
    graded = sum(n.graded for n in results.notebooks)
    lines = (f'<p><span class="score">{students}</span> {words.label_html(words.STUDENTS)} · '
             f'<span class="score">{len(scores)}</span> {words.label_html(words.NOTEBOOKS)} · '
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
    parts = [f'<h2 id="accuracy">{words.label_html(words.HOMEWORK_ACCURACY)}</h2>']
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
    by_student: dict[str, dict[str, RecordedNotebook]] = {}
    for item in results.notebooks:
        by_student.setdefault(item.student, {})[item.key] = item

    def cell(item: RecordedNotebook | None) -> str:
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
        f'<h1>{words.label_html(words.CLASS_REPORT)}</h1>',
        f'<p class="muted">{escape(results.folder.resolve())}</p>',
        f'<h2 id="summary">{words.label_html(words.SUMMARY)}</h2>',
        _summary(results, scores, follow, students),
        f'<h2 id="scores">{words.label_html(words.SCORE_DISTRIBUTION)}</h2>',
        figure(histograms, "Scores of the graded notebooks per notebook; the dashed line is the mean.")
        if histograms else '<p class="muted">No graded notebook.</p>',
        f'<h2 id="tests">{words.label_html(words.HARDEST_TESTS)}</h2>',
        _tests_section(stats, names),
        f'<h2 id="misunderstood">{words.label_html(words.MISUNDERSTOOD)}</h2>',
        _misunderstood_section(stats, names),
        f'<h2 id="follow-up">{words.label_html(words.FOLLOW_UP)}</h2>',
        _follow_up_section(follow),
        f'<h2 id="time">{words.label_html(words.GRADING_TIME)}</h2>',
        _time_section(results),
        _accuracy_section(results),
        f'<h2 id="students">{words.label_html(words.SCORES_PER_STUDENT)}</h2>',
        _students_section(results, names, page_dir),
    ]
    return page("class report", "\n".join(s for s in sections if s))


def write_report(results_dir: Path, html_path: Path, csv_path: Path | None = None,
                 roster: list[str] | None = None) -> Path:
    """Write the class report (HTML) and its CSV (default: beside it, ``.csv``); return the HTML's path."""
    results = collect(Path(results_dir))
    html_path = Path(html_path)
    write_atomically(html_path, render(results, roster, page_dir=html_path.resolve().parent))
    write_csv(results, Path(csv_path) if csv_path else html_path.with_suffix(".csv"), roster)
    return html_path
