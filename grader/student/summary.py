"""``summary("perceptron", globals())``: the notebook's whole score in sight, at its end.

With the notebook's namespace, the summary runs every public check again against the code as it
is now (a function fixed since its test cell ran counts as fixed), then adds the points possible
and what the hidden checks, run only at grading time, are worth. Without a namespace it shows
what each item's last ``check(...)`` in this kernel earned, and says so.
"""
from __future__ import annotations

from dataclasses import dataclass

from grader.core import words
from grader.core.course import hidden_points
from grader.student.display import show
from grader.core.engine import run_specs
from grader.student.report import HIDDEN_CHECKS, NOT_RUN, PUBLIC_CHECKS, points_text
from grader.core.results import TestResult

LAST_RUN: dict[tuple[str, str], float] = {}      # (spec, target) -> public points earned, last run


def record_run(spec: str, results: list[TestResult]) -> None:
    """Remember the public points each graded item of ``results`` earned."""
    earned: dict[str, float] = {}
    for result in results:
        earned[result.target] = earned.get(result.target, 0.0) + result.points
    LAST_RUN.update({(spec, target): points for target, points in earned.items()})


@dataclass
class Row:
    """One graded item of a notebook: its public points (earned in the last run, or None) and hidden ones."""

    target: str
    earned: float | None
    possible: float
    hidden: float


def summary_rows(spec: str) -> list[Row]:
    """Every graded item of ``spec`` in the public specs' order (then any with hidden checks only)."""
    possible: dict[str, float] = {}
    for test in run_specs(spec, {}, scope="public", collect_only=True):
        possible[test.target] = possible.get(test.target, 0.0) + test.max_points
    hidden = hidden_points(spec)
    targets = [*possible, *(t for t in hidden if t not in possible)]
    return [Row(t, LAST_RUN.get((spec, t)), possible.get(t, 0.0), hidden.get(t, 0.0)) for t in targets]


def totals(rows: list[Row]) -> tuple[float, float, float]:
    """(public points earned, public points possible, hidden points)."""
    return (sum(r.earned or 0.0 for r in rows), sum(r.possible for r in rows), sum(r.hidden for r in rows))


RERUN_NOW = words.RERUN_NOW
LAST_RUNS = words.LAST_RUNS


def closing_sentence(rows: list[Row], fresh: bool = False) -> str:
    """The totals in one sentence, and whether they are the code's now (``fresh``) or the last runs'."""
    earned, possible, hidden = totals(rows)
    sentence = words.CLOSING_PUBLIC.format(runs=RERUN_NOW if fresh else LAST_RUNS, public_checks=PUBLIC_CHECKS,
                                           earned=points_text(earned), possible=points_text(possible))
    if hidden:
        sentence += words.CLOSING_HIDDEN.format(hidden_checks=HIDDEN_CHECKS, hidden=points_text(hidden))
    sentence += words.CLOSING_TOTAL.format(total=points_text(possible + hidden))
    not_run = sum(r.earned is None for r in rows)
    if not_run:
        sentence += words.CLOSING_NOT_RUN.format(count=not_run)
    return sentence


def earned_text(row: Row) -> str:
    return NOT_RUN if row.earned is None else points_text(row.earned)


def format_summary(spec: str, rows: list[Row], closing: str | None = None) -> str:
    """The plain-text summary: a line per graded item, the totals, and the closing sentence."""
    earned, possible, hidden = totals(rows)
    lines = [words.SUMMARY_TITLE.format(spec=spec)]
    lines += [words.SUMMARY_ROW.format(target=r.target, earned=earned_text(r), possible=points_text(r.possible),
                                       hidden=points_text(r.hidden)) for r in rows]
    lines.append(words.SUMMARY_TOTAL.format(earned=points_text(earned), possible=points_text(possible),
                                            hidden=points_text(hidden)))
    lines.append(closing or closing_sentence(rows))
    return "\n".join(lines)


def rerun(spec: str, namespace: dict) -> None:
    """Run every public check of ``spec`` against ``namespace`` now, and record what each item earned."""
    record_run(spec, run_specs(spec, namespace, scope="public"))


def summary(spec: str, namespace: dict | None = None) -> float:
    """Show the summary of notebook ``spec``; return the public points earned.

    With ``namespace`` (the notebook's ``globals()``), every public check runs again first, so the
    summary is the code's as it is now; without it, the summary is the last runs' (and says so)."""
    from grader.student.report_html import summary_html

    if namespace is not None:
        rerun(spec, namespace)
    rows = summary_rows(spec)
    closing = closing_sentence(rows, fresh=namespace is not None)
    show(format_summary(spec, rows, closing), summary_html(spec, rows, closing))
    return float(totals(rows)[0])
