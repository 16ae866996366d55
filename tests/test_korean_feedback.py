"""Feedback in the course's language: every check title and hint a student reads is Korean
(with the English term beside it, as in the notebooks), public and hidden alike."""
import re

import pytest

from grader.core.engine import available_specs, run_specs

HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.mark.parametrize("scope", ["public", "hidden"])
@pytest.mark.parametrize("spec", available_specs())
def test_every_title_and_hint_has_hangul(spec, scope):
    checks = run_specs(spec, {}, scope=scope, collect_only=True)
    assert checks, f"{spec} has no {scope} checks"
    english_only = [f"{c.target}/{c.name} {field}: {getattr(c, field)!r}"
                    for c in checks for field in ("description", "hint")
                    if not HANGUL.search(getattr(c, field) or "")]
    assert not english_only, "\n".join(english_only)


def test_the_check_rejects_english_only_text():
    assert not HANGUL.search("0 and negatives give 0, positives give 1")
    assert HANGUL.search("0 과 음수는 0, 양수는 1 (step function)")


# "use > not >=", "(< 를 쓰세요)", "np.max 가 아니라 np.maximum(0, x) 를 쓰세요": an operator or a call to
# type, instead of the rule that was missed (issue 22; DESIGN: hints name the rule).
OPERATOR_TO_TYPE = re.compile(r"(?:[<>=!^]+|np\.\w+\([^)]*\)|np\.\w+)\s*(?:\([^)]*\)\s*)?(?:를|을|로|으로) 쓰세요"
                              r"|[<>=!^]+\s*(?:나|와|과)\s*[<>=!^]+\s*가 아니라|[<>=!^]+\s*가 아니라")


@pytest.mark.parametrize("scope", ["public", "hidden"])
@pytest.mark.parametrize("spec", available_specs())
def test_no_hint_names_the_operator_to_type(spec, scope):
    telling = [f"{c.target}/{c.name}: {c.hint}" for c in run_specs(spec, {}, scope=scope, collect_only=True)
               if OPERATOR_TO_TYPE.search(c.hint or "")]
    assert not telling, "\n".join(telling)


@pytest.mark.parametrize("hint", ["정확히 z = 0 이면 0 입니다 (>= 가 아니라 > 를 쓰세요).",
                                  "최솟값과 같은 손실은 개선이 아닙니다 (< 를 쓰세요).",
                                  "XOR 은 != 나 ^ 가 아니라 and_gate 를 호출해서 만드세요.",
                                  "np.max 가 아니라 원소별 (elementwise) np.maximum(0, x) 를 쓰세요."])
def test_the_operator_pattern_catches_the_old_hints(hint):
    assert OPERATOR_TO_TYPE.search(hint)


# ---- the engine's own sentences: the language table (grader/core/words/) ----------------------

import string  # noqa: E402
from pathlib import Path  # noqa: E402

from grader.core import words  # noqa: E402
from grader.core.words import ko  # noqa: E402

ENGLISH_BESIDE = re.compile(r"\([^()]*[A-Za-z]{2,}")     # "(not defined)", "(cell)", "(seconds; ..."
GRADER = Path(__file__).resolve().parents[1] / "grader"
TABLE = GRADER / "core" / "words"


def _entries():
    """Every entry of the table as (name, text): a sentence with its fields filled (a field named
    after another entry gets that entry, as the engine composes them), or a label as shown."""
    for name, value in vars(ko).items():
        if not name.isupper():
            continue
        for key, item in (value.items() if isinstance(value, dict) else [("", value)]):
            yield f"{name}{'[' + key + ']' if key else ''}", item


def _filled(sentence: str) -> str:
    fields = {field for _, field, _, _ in string.Formatter().parse(sentence) if field}
    values = {}
    for field in fields:
        entry = getattr(ko, field.upper(), None)
        values[field] = words.label(entry) if isinstance(entry, tuple) else entry if isinstance(entry, str) else 1
    return sentence.format(**values) if "%s" not in sentence else sentence


@pytest.mark.parametrize("name, entry", list(_entries()), ids=lambda v: v if isinstance(v, str) and v.isascii() else "")
def test_every_entry_of_the_table_is_korean_with_the_english_beside(name, entry):
    if isinstance(entry, tuple):      # a label: (Korean, English)
        korean, english = entry
        assert HANGUL.search(korean) and not HANGUL.search(english) and re.search("[A-Za-z]", english), (name, entry)
        assert words.label(entry) == f"{korean} ({english})"
    else:
        text = _filled(entry)
        assert HANGUL.search(text), f"{name}: no Hangul: {entry!r}"
        assert ENGLISH_BESIDE.search(text), f"{name}: no English term beside the Korean: {entry!r}"


def test_the_table_check_rejects_a_sentence_without_the_english():
    assert not ENGLISH_BESIDE.search(_filled("노트북을 채점할 수 없었습니다"))
    assert ENGLISH_BESIDE.search(_filled("{name} {cannot_read}: {error}"))     # CANNOT_READ fills it


def test_no_hangul_in_engine_modules_outside_the_table():
    """Every sentence of grader/ comes from the language table; only the weeks keep their own
    texts (check titles, hints, captions). Modules and templates alike."""
    found = [f"{path.relative_to(GRADER.parent)}:{number}: {line.strip()[:80]}"
             for path in sorted(GRADER.rglob("*")) if path.suffix in (".py", ".j2", ".html", ".txt")
             if TABLE not in path.parents and (GRADER / "weeks") not in path.parents
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if HANGUL.search(line)]
    assert not found, "\n".join(found)


def test_one_label_helper_for_text_and_html():
    assert words.label(words.HINT) == "힌트 (hint)"
    assert words.label(words.HINT, korean=False) == "hint"
    assert words.label(words.COPY, number=2) == "증강 2 (copy 2)"
    assert words.label_html(("<점>", "a & b")) == "&lt;점&gt; (a &amp; b)"
    assert words.label_html(words.HINT, muted=True) == '힌트 <span class="muted">(hint)</span>'
