"""Student-facing text for a list of results: a line per test, details for failures."""
from __future__ import annotations

import textwrap

from grader.student.results import TestResult, total

PASS, FAIL = "✔", "✘"
HIDDEN_NOTE = "details of hidden checks are not shown"


def _points(value: float) -> str:
    return f"{value:g}"


def format_result(result: TestResult) -> str:
    """One test: mark, description, points; for a failure, what went wrong and a hint.

    A hidden test never shows its message (it may contain expected values).
    """
    label = ("[hidden] " if result.hidden else "") + f"{result.target}: {result.description}"
    lines = [f"{PASS if result.passed else FAIL} {label}  "
             f"({_points(result.points)} / {_points(result.max_points)})"]
    if not result.passed:
        if result.hidden:
            lines.append(f"    ({HIDDEN_NOTE})")
        elif result.message:
            lines.append(textwrap.indent(result.message, "    "))
        if result.hint:
            lines.append(f"    hint: {result.hint}")
    return "\n".join(lines)


def format_report(results: list[TestResult], title: str = "", notes: list[str] = ()) -> str:
    """All tests, then ``<title>: earned / possible``."""
    lines = [f"! {note}" for note in notes]
    lines += [format_result(r) for r in results]
    earned, possible = total(results)
    lines.append(f"{title or 'score'}: {_points(earned)} / {_points(possible)}")
    return "\n".join(lines)
