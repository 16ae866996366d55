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
