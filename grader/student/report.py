"""Student-facing text for a list of results: a line per test, details for failures."""
from __future__ import annotations

import textwrap
from dataclasses import replace

from grader.core import words
from grader.core.results import TestResult, total

PASS, FAIL = "✔", "✘"
HIDDEN_TAG = words.HIDDEN_TAG
HIDDEN_NOTE = words.HIDDEN_NOTE
HINT_LABEL = words.label(words.HINT) + ":"
SCORE_LABEL = words.label(words.SCORE)
PUBLIC_CHECKS, HIDDEN_CHECKS = words.label(words.PUBLIC_CHECKS), words.label(words.HIDDEN_CHECKS)
NOT_RUN = words.NOT_RUN_YET
SAME_AS_ABOVE = words.SAME_AS_ABOVE


def points_text(value: float) -> str:
    return f"{value:g}"


def hidden_points_note(points: float) -> str:
    """What a public report says of the checks it cannot run (:data:`words.HIDDEN_RUN_LATER`)."""
    return words.HIDDEN_RUN_LATER.format(hidden_checks=HIDDEN_CHECKS, points=points_text(points))


def said_once(results: list[TestResult]) -> list[TestResult]:
    """``results`` with each failure's reason said once per graded item: a later failure of the same
    item with the same message (an unwritten function it builds on, under each of its checks)
    says :data:`SAME_AS_ABOVE` instead."""
    seen, once = set(), []
    for result in results:
        key = (result.target, result.message)
        if not result.passed and result.message and key in seen:
            result = replace(result, message=SAME_AS_ABOVE)
        seen.add(key)
        once.append(result)
    return once


def format_result(result: TestResult) -> str:
    """One test: mark, description, points; for a failure, what went wrong and a hint.

    A hidden test never shows its message (it may contain expected values).
    """
    label = (f"{HIDDEN_TAG} " if result.hidden else "") + f"{result.target}: {result.description}"
    lines = [f"{PASS if result.passed else FAIL} {label}  "
             f"({points_text(result.points)} / {points_text(result.max_points)})"]
    if not result.passed:
        if result.hidden:
            lines.append(f"    ({HIDDEN_NOTE})")
        elif result.message:
            lines.append(textwrap.indent(result.message, "    "))
        if result.hint:
            lines.append(f"    {HINT_LABEL} {result.hint}")
    return "\n".join(lines)


def format_report(results: list[TestResult], title: str = "", notes: list[str] = (),
                  hidden_points: float = 0.0) -> str:
    """All tests, then ``<title>: earned / possible``; then, when ``hidden_points``, what the
    hidden checks (not run here) are worth."""
    lines = [f"! {note}" for note in notes]
    lines += [format_result(r) for r in said_once(results)]
    earned, possible = total(results)
    lines.append(f"{title or SCORE_LABEL}: {points_text(earned)} / {points_text(possible)}")
    if hidden_points:
        lines.append(hidden_points_note(hidden_points))
    return "\n".join(lines)
