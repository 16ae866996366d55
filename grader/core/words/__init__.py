"""The words the grader writes for students and instructors: the language table
(:mod:`grader.core.words.ko`, every entry in CAPITALS, re-exported here), the one way to show a
label ("한국어 (English)", :func:`label` and :func:`label_html`), and the sentences that take a
little logic. Shared by every path that grades: the test cell, ``grader check``, pytest and the
sandbox (the sandboxed child imports it too, so it needs nothing beyond the standard library)."""
from __future__ import annotations

from html import escape

from grader.core.words.ko import *  # noqa: F403 (the table is this module's vocabulary)
from grader.core.words import ko

Term = tuple[str, str]     # (Korean, English)


def label(term: Term, korean: bool = True, **fields) -> str:
    """``"한국어 (English)"``; only the English where Hangul cannot be shown (``korean`` False: a
    figure without a Korean font). ``fields`` fill the term's format fields, e.g. ``{number}``."""
    korean_text, english = (part.format(**fields) if fields else part for part in term)
    return f"{korean_text} ({english})" if korean else english


def label_html(term: Term, muted: bool = False) -> str:
    """:func:`label` for HTML, escaped; ``muted`` greys the English (the feedback page's style)."""
    korean_text, english = escape(term[0]), escape(term[1])
    return f'{korean_text} <span class="muted">({english})</span>' if muted else f"{korean_text} ({english})"


def missing_name(name: str) -> str:
    return ko.MISSING_NAME.format(name=name)


def code_at(name: str, line: int, code: str = "") -> str:
    """Where in the student's code: ``step, 3번째 줄 (line 3): return 1 / z``."""
    return ko.STUDENT_FRAME.format(name=name, line=line) + (f": {code}" if code else "")


def code_raised(error_type: str, message: str = "", where: str = "") -> str:
    """``여러분의 코드가 예외 (exception)를 일으켰습니다: ValueError: ...`` (and where, if known)."""
    text = ko.CODE_RAISED.format(error_type=error_type) + (f": {message}" if message else "")
    return text + (f" ({where})" if where else "")


def check_too_long(seconds: float) -> str:
    """A check that ran past its time limit."""
    return ko.CHECK_TOO_LONG.format(seconds=seconds)


def cell_too_long(seconds: float) -> str:
    """A notebook cell that ran past its time limit."""
    return ko.CELL_TOO_LONG.format(seconds=seconds)


def cell_raised(error_type: str, message: str = "") -> str:
    """A notebook cell that raised."""
    return ko.CELL_RAISED.format(error_type=error_type) + (f": {message})" if message else ")")


def cell_note(number: int, problem: str) -> str:
    """A note about one notebook cell, e.g. ``셀 (cell) 3: 예외 (exception)가 났습니다 (raised ...)``."""
    return ko.CELL_NOTE.format(number=number, problem=problem)


def process_ended(why: str) -> str:
    return ko.PROCESS_ENDED.format(why=why)


def not_run(why: str) -> str:
    """A check that never ran, and why."""
    return ko.NOT_RUN.format(why=why)


def custom_model_class(name: str) -> str:
    """A Keras model of the student's own class, which safe mode cannot load (06 rules it out)."""
    return ko.CUSTOM_MODEL_CLASS.format(name=name)
