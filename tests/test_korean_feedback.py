"""Feedback in the course's language: every check title and hint a student reads is Korean
(with the English term beside it, as in the notebooks), public and hidden alike."""
import re

import pytest

from grader.student.engine import available_specs, run_specs

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
