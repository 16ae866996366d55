"""A student's feedback page for one notebook: the score, every check, and their work in pictures.

Built only from ``results.json`` (which already keeps hidden tests to name, points and hint)
and ``observations.json`` (see :mod:`grader.grading.observe`), so nothing of a hidden test's
message, code or expected values can reach the page. One self-contained HTML file.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.core import words
from grader.core.compare import KOREAN_LABELS, split_message
from grader.grading.gradescope import FEEDBACK_PAGE, OBSERVATIONS, RESULTS, read_results, write_atomically
from grader.pages.html import escape, figure, page, progress_bar, table


def _points(value) -> str:
    return f"{float(value):g}"


def _summary(results: dict) -> str:
    extra = results.get("extra_data", {})
    score, possible = float(results.get("score", 0)), float(results.get("max_score", 0))
    status = words.STATUS_TEXT.get(extra.get("status"), (extra.get("status", ""), ""))
    notes = "".join(f'<div class="note">{escape(note)}</div>' for note in extra.get("notes", []))
    passed = sum(t.get("status") == "passed" for t in results.get("tests", []))
    return (f'<p class="muted">{escape(extra.get("student", ""))} · {words.label_html(status, muted=True)}</p>\n'
            f'<p><span class="score" id="score">{_points(score)} / {_points(possible)}</span> '
            f'<span class="muted">{words.label_html(words.POINT, muted=True)} · '
            f'{passed} / {len(results.get("tests", []))} '
            f'{words.label_html(words.CHECKS_PASSED, muted=True)}</span></p>\n'
            f'{progress_bar(score / possible if possible else 0.0)}\n{notes}')


def _checks_table(tests: list[dict]) -> str:
    rows = []
    for number, test in enumerate(tests, start=1):
        extra = test.get("extra_data", {})
        passed = test.get("status") == "passed"
        mark = '<span class="pass">✔</span>' if passed else '<span class="fail">✘</span>'
        hidden = f' <span class="tag">{words.label_html(words.HIDDEN_SHORT)}</span>' if extra.get("hidden") else ""
        what = escape(extra.get("description") or test.get("name", ""))
        link = what if passed else f'<a href="#check-{number}">{what}</a>'
        rows.append([mark, f"<code>{escape(extra.get('target', ''))}</code>", link + hidden,
                     f"{_points(test.get('score', 0))} / {_points(test.get('max_score', 0))}"])
    return table(["", *map(words.label, (words.ITEM, words.WHAT_IS_CHECKED, words.POINTS))], rows,
                 numeric={3}, css_class="checks")


def _failure(number: int, test: dict) -> str:
    extra = test.get("extra_data", {})
    title = (f'<h3 id="check-{number}"><span class="fail">✘</span> <code>{escape(extra.get("target", ""))}</code> '
             f'{escape(extra.get("description", ""))} <span class="muted">'
             f'({_points(test.get("score", 0))} / {_points(test.get("max_score", 0))})</span></h3>')
    parts = [title]
    if extra.get("hidden"):
        parts.append(f'<p class="muted">{words.label_html(words.HIDDEN_CHECK_SHOWN, muted=True)}</p>')
    else:
        message = split_message(extra.get("message") or test.get("output", ""))
        parts.append(f"<pre>{escape(message['problem'])}</pre>")
        rows = [[words.label_html((korean, name), muted=True), f"<pre>{escape(message[name])}</pre>"]
                for name, korean in KOREAN_LABELS.items() if message.get(name)]
        if rows:
            parts.append(table(["", ""], rows, css_class="values"))
    if extra.get("hint"):
        parts.append(f'<div class="hint">{words.label_html(words.HINT, muted=True)}: {escape(extra["hint"])}</div>')
    return "\n".join(parts)


def _pictures(spec: str | None, observations: dict) -> str:
    """The pictures of the week's table for ``spec`` (:mod:`grader.pages.pictures`), and a note for
    each that could not be drawn, named by its caption; rows not shown (class report only) are left out."""
    from grader.grading.observe import picture_rows
    from grader.pages.pictures import pictures
    rows = {row.name: row for row in picture_rows(spec)}
    shown = {name: value for name, value in observations.items() if name not in rows or rows[name].shown}
    if not shown:
        return ""
    parts = [f"<h2>{words.label_html(words.YOUR_CODE_IN_PICTURES, muted=True)}</h2>"]
    parts += [figure(picture.data_uri, picture.caption) for picture in pictures(spec or "", shown)]
    for name, value in shown.items():
        if isinstance(value, dict) and "error" in value:
            what = words.label_html(rows[name].caption) if name in rows else escape(name)
            parts.append(f'<p class="muted">{words.label_html(words.COULD_NOT_DRAW, muted=True)} '
                         f'{what}: {escape(value["error"])}</p>')
    return "\n".join(parts)


def feedback_page(results: dict, observations: dict | None = None) -> str:
    """The HTML page for one graded notebook (``results``: a results.json document)."""
    extra = results.get("extra_data", {})
    tests = results.get("tests", [])
    failed = [(n, t) for n, t in enumerate(tests, start=1) if t.get("status") != "passed"]
    body = [f"<h1>{escape(extra.get('notebook', 'notebook'))}</h1>", _summary(results),
            f"<h2>{words.label_html(words.CHECKS, muted=True)}</h2>", _checks_table(tests)]
    if failed:
        body.append(f"<h2>{words.label_html(words.WHAT_TO_FIX, muted=True)}</h2>")
        body += [_failure(number, test) for number, test in failed]
    elif tests:
        body.append(f'<p class="pass">{words.label_html(words.ALL_PASSED, muted=True)}</p>')
    body.append(_pictures(extra.get("spec"), observations or {}))
    graded_in = words.GRADED_IN.format(seconds=float(extra.get("seconds", 0)),
                                       sha256=escape(str(extra.get("sha256", ""))[:12]))
    body.append(f'<p class="muted">{graded_in}</p>')
    return page(f"{extra.get('notebook', '')} · {extra.get('student', '')}", "\n".join(body))


def write_feedback_pages(results_dir: Path) -> list[Path]:
    """(Re)write ``feedback.html`` beside every ``results.json`` under ``results_dir``."""
    written = []
    for path in sorted(Path(results_dir).glob(f"*/*/{RESULTS}")):
        document = read_results(path)
        if document is None:
            continue
        try:
            observations = json.loads((path.parent / OBSERVATIONS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            observations = {}
        write_atomically(path.parent / FEEDBACK_PAGE,
                         feedback_page(document, observations if isinstance(observations, dict) else {}))
        written.append(path.parent / FEEDBACK_PAGE)
    return written
