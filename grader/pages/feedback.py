"""A student's feedback page for one notebook: the score, every check, and their work in pictures.

Built only from ``results.json`` (which already keeps hidden tests to name, points and hint)
and ``observations.json`` (see :mod:`grader.grading.observe`), so nothing of a hidden test's
message, code or expected values can reach the page. One self-contained HTML file.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.core.compare import KOREAN_LABELS, split_message
from grader.grading.gradescope import FEEDBACK_PAGE, OBSERVATIONS, RESULTS, read_results, write_atomically
from grader.pages.html import escape, figure, page, progress_bar, table

STATUS_TEXT = {
    "graded": ("채점 완료", "graded"),
    "unreadable": ("파일을 읽을 수 없음", "the file could not be read"),
    "empty": ("제출물 없음", "nothing was handed in"),
    "unknown": ("이 과제의 노트북이 아님", "not a notebook of this course"),
    "error": ("채점 중 오류", "grading failed"),
}


def ko(korean: str, english: str) -> str:
    """Korean with the English term beside it, as the course writes it."""
    return f"{escape(korean)} <span class=\"muted\">({escape(english)})</span>"


def _points(value) -> str:
    return f"{float(value):g}"


def _summary(results: dict) -> str:
    extra = results.get("extra_data", {})
    score, possible = float(results.get("score", 0)), float(results.get("max_score", 0))
    korean, english = STATUS_TEXT.get(extra.get("status"), (extra.get("status", ""), ""))
    notes = "".join(f'<div class="note">{escape(note)}</div>' for note in extra.get("notes", []))
    passed = sum(t.get("status") == "passed" for t in results.get("tests", []))
    return (f'<p class="muted">{escape(extra.get("student", ""))} · {ko(korean, english)}</p>\n'
            f'<p><span class="score" id="score">{_points(score)} / {_points(possible)}</span> '
            f'<span class="muted">{ko("점", "points")} · {passed} / {len(results.get("tests", []))} '
            f'{ko("검사 통과", "checks passed")}</span></p>\n'
            f'{progress_bar(score / possible if possible else 0.0)}\n{notes}')


def _checks_table(tests: list[dict]) -> str:
    rows = []
    for number, test in enumerate(tests, start=1):
        extra = test.get("extra_data", {})
        passed = test.get("status") == "passed"
        mark = '<span class="pass">✔</span>' if passed else '<span class="fail">✘</span>'
        hidden = ' <span class="tag">숨은 검사 (hidden)</span>' if extra.get("hidden") else ""
        what = escape(extra.get("description") or test.get("name", ""))
        link = what if passed else f'<a href="#check-{number}">{what}</a>'
        rows.append([mark, f"<code>{escape(extra.get('target', ''))}</code>", link + hidden,
                     f"{_points(test.get('score', 0))} / {_points(test.get('max_score', 0))}"])
    return table(["", "항목 (item)", "검사 내용 (what is checked)", "점수 (points)"], rows,
                 numeric={3}, css_class="checks")


def _failure(number: int, test: dict) -> str:
    extra = test.get("extra_data", {})
    title = (f'<h3 id="check-{number}"><span class="fail">✘</span> <code>{escape(extra.get("target", ""))}</code> '
             f'{escape(extra.get("description", ""))} <span class="muted">'
             f'({_points(test.get("score", 0))} / {_points(test.get("max_score", 0))})</span></h3>')
    parts = [title]
    if extra.get("hidden"):
        parts.append(f'<p class="muted">{ko("숨은 검사입니다: 이름과 점수, 힌트만 보입니다", "a hidden check: only its name, points and hint are shown")}</p>')
    else:
        message = split_message(extra.get("message") or test.get("output", ""))
        parts.append(f"<pre>{escape(message['problem'])}</pre>")
        rows = [[ko(korean, name), f"<pre>{escape(message[name])}</pre>"]
                for name, korean in KOREAN_LABELS.items() if message.get(name)]
        if rows:
            parts.append(table(["", ""], rows, css_class="values"))
    if extra.get("hint"):
        parts.append(f'<div class="hint">{ko("힌트", "hint")}: {escape(extra["hint"])}</div>')
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
    parts = [f"<h2>{ko('그림으로 보는 내 코드', 'your code in pictures')}</h2>"]
    parts += [figure(picture.data_uri, picture.caption) for picture in pictures(spec or "", shown)]
    for name, value in shown.items():
        if isinstance(value, dict) and "error" in value:
            what = ko(*rows[name].caption) if name in rows else escape(name)
            parts.append(f'<p class="muted">{ko("그림을 그릴 수 없었습니다", "could not draw")} '
                         f'{what}: {escape(value["error"])}</p>')
    return "\n".join(parts)


def feedback_page(results: dict, observations: dict | None = None) -> str:
    """The HTML page for one graded notebook (``results``: a results.json document)."""
    extra = results.get("extra_data", {})
    tests = results.get("tests", [])
    failed = [(n, t) for n, t in enumerate(tests, start=1) if t.get("status") != "passed"]
    body = [f"<h1>{escape(extra.get('notebook', 'notebook'))}</h1>", _summary(results),
            f"<h2>{ko('검사 결과', 'checks')}</h2>", _checks_table(tests)]
    if failed:
        body.append(f"<h2>{ko('고칠 곳', 'what to fix')}</h2>")
        body += [_failure(number, test) for number, test in failed]
    elif tests:
        body.append(f'<p class="pass">{ko("모든 검사를 통과했습니다. 잘했어요!", "every check passed. Well done!")}</p>')
    body.append(_pictures(extra.get("spec"), observations or {}))
    body.append(f'<p class="muted">채점 시간 (graded in) {float(extra.get("seconds", 0)):.1f} s · '
                f'노트북 (notebook) sha256 {escape(str(extra.get("sha256", ""))[:12])}</p>')
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
