"""The test cell's report as HTML: the rich twin of :mod:`grader.student.report`'s text.

Inline styles only (Colab and VS Code drop <script>, <style> and external sheets), tints that
are semi-transparent and text that inherits its colour (light and dark themes alike), and every
piece of text escaped (a student's value may be ``<script>``).
"""
from __future__ import annotations

from html import escape

from grader.core import words
from grader.core.compare import LABELS, split_message
from grader.student.report import (FAIL, HIDDEN_NOTE, HIDDEN_TAG, NOT_RUN, PASS, SCORE_LABEL, hidden_points_note,
                                   points_text, said_once)
from grader.core.results import TestResult, total

GREEN, RED = "#2ea043", "#e5534b"           # readable on white and on JupyterLab's dark grey
BOX = ("font-family: var(--jp-ui-font-family, inherit); font-size: 0.95em; line-height: 1.5; color: inherit; "
       "border-left: 4px solid {accent}; background: rgba(127, 127, 127, 0.06); padding: 6px 10px; margin: 4px 0")
PROSE = "word-break: keep-all; overflow-wrap: break-word; white-space: normal"
VALUE = ("font-family: var(--jp-code-font-family, monospace); white-space: pre-wrap; overflow-wrap: anywhere; "
         "background: rgba(127, 127, 127, 0.12); padding: 1px 4px; border-radius: 3px")
HINT = f"background: rgba(255, 193, 7, 0.16); border-radius: 4px; padding: 4px 8px; margin: 4px 0 2px; {PROSE}"
NOTE = f"background: rgba(255, 140, 0, 0.16); border-radius: 4px; padding: 4px 8px; margin: 2px 0; {PROSE}"
MUTED = f"opacity: 0.75; {PROSE}"
# divs in a grid, not a <table>: notebook front ends restyle tables (stripes, borders, padding)
ROWS = "display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 2px 0 2px 18px"
ROW_LABEL = "white-space: nowrap; opacity: 0.85"


def _mark(passed: bool) -> str:
    colour, mark = (GREEN, PASS) if passed else (RED, FAIL)
    return f'<span style="color: {colour}; font-weight: bold">{mark}</span>'


def _rows(parts: dict[str, str]) -> str:
    """The expected, received and tolerance rows of a failure, values in monospace."""
    rows = [f'<div style="{ROW_LABEL}">{escape(LABELS[name])}</div>'
            f'<div><span style="{VALUE}">{escape(parts[name])}</span></div>'
            for name in LABELS if parts.get(name)]
    return f'<div style="{ROWS}">{"".join(rows)}</div>' if rows else ""


def _details(result: TestResult) -> str:
    if result.hidden:
        return f'<div style="margin-left: 18px; {MUTED}">({escape(HIDDEN_NOTE)})</div>'
    if not result.message:
        return ""
    parts = split_message(result.message)
    problem = f'<div style="margin-left: 18px; white-space: pre-wrap; {PROSE}">{escape(parts["problem"])}</div>'
    return problem + _rows(parts)


def hint_box(hint: str) -> str:
    return f'<div style="margin-left: 18px; {HINT}"><b>{words.label_html(words.HINT)}</b> {escape(hint)}</div>'


def result_html(result: TestResult) -> str:
    """One check: mark, title and points; for a failure, its problem, values and hint."""
    tag = f"{escape(HIDDEN_TAG)} " if result.hidden else ""
    head = (f'<div style="{PROSE}">{_mark(result.passed)} {tag}<b>{escape(result.target)}</b>: '
            f'{escape(result.description)} <span style="opacity: 0.8">'
            f'({points_text(result.points)} / {points_text(result.max_points)})</span></div>')
    if result.passed:
        return head
    return head + _details(result) + (hint_box(result.hint) if result.hint else "")


def report_html(results: list[TestResult], title: str = "", notes: list[str] = (),
                hidden_points: float = 0.0) -> str:
    """The whole report of one ``check(...)``, as :func:`grader.student.report.format_report` says it."""
    earned, possible = total(results)
    accent = GREEN if results and earned == possible else RED
    body = [f'<div style="{NOTE}">! {escape(note)}</div>' for note in notes]
    body += [result_html(r) for r in said_once(results)]
    body.append(f'<div style="margin-top: 4px; {PROSE}"><b>{escape(title or SCORE_LABEL)}: '
                f'{points_text(earned)} / {points_text(possible)}</b></div>')
    if hidden_points:
        body.append(f'<div style="{MUTED}">{escape(hidden_points_note(hidden_points))}</div>')
    return f'<div style="{BOX.format(accent=accent)}">{"".join(body)}</div>'


def summary_html(spec: str, rows: list, sentence: str) -> str:
    """The notebook summary as a table: ``rows`` of :class:`grader.student.summary.Row` (earned is
    None for an item not run yet), their totals, then ``sentence``."""
    cell = "padding: 2px 12px 2px 0; text-align: left"
    number = "padding: 2px 12px 2px 0; text-align: right; font-variant-numeric: tabular-nums"
    head = "".join(f'<th style="{cell}">{escape(name)}</th>' for name in
                   map(words.label, (words.ITEM, words.PUBLIC_SHORT, words.HIDDEN_SHORT)))
    body = []
    for row in rows:
        if row.earned is None:
            earned = f'<span style="{MUTED}">{escape(NOT_RUN)}</span> / {points_text(row.possible)}'
        else:
            earned = f"{_mark(row.earned >= row.possible)} {points_text(row.earned)} / {points_text(row.possible)}"
        body.append(f'<tr><td style="{cell}"><code>{escape(row.target)}</code></td>'
                    f'<td style="{number}">{earned}</td><td style="{number}">{points_text(row.hidden)}</td></tr>')
    earned = sum(row.earned or 0.0 for row in rows)
    possible, hidden = sum(row.possible for row in rows), sum(row.hidden for row in rows)
    body.append(f'<tr style="border-top: 1px solid rgba(127, 127, 127, 0.5); font-weight: bold">'
                f'<td style="{cell}">{words.label_html(words.TOTAL)}</td><td style="{number}">{points_text(earned)} / '
                f'{points_text(possible)}</td><td style="{number}">{points_text(hidden)}</td></tr>')
    accent = GREEN if rows and earned == possible else RED
    title = escape(words.SUMMARY_TITLE.format(spec=spec))
    return (f'<div style="{BOX.format(accent=accent)}"><div><b>{title}</b></div>'
            f'<table style="border-collapse: collapse; margin: 4px 0">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            f'<div style="{PROSE}">{escape(sentence)}</div></div>')
