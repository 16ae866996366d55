"""Issue 22's leftovers: what a notebook suggests or allows is graded as it says.

- 05: the one-hot code the notebook suggests for ``preprocess`` keeps the float32 check.
- 04: ``random_shift`` moves values exactly; an interpolating shift (``scipy.ndimage.shift``'s
  spline) is wrong in the public checks as in the hidden one, and the report says why.
- 04: ``majority_vote`` returns the integer array the notebook asks for, not a list (the mutant
  in tests/mutants/training_skills.py; here, the points on both scopes).
"""
import re

import nbformat
import pytest

from grader.core.engine import run_specs
from grader.core.results import total
from tests.helpers import SOURCE, namespace_with
from tests.mutants.training_skills import MUTANTS


def markdown_of(notebook: str) -> str:
    return "\n".join(c.source for c in nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4).cells
                     if c.cell_type == "markdown")


def mutant(target: str, words: str):
    return next(m for m in MUTANTS if m.target == target and words in m.mistake)


def points(spec: str, code: str, target: str, scope: str) -> tuple[float, float, list]:
    results = run_specs(spec, namespace_with(spec, code), target=target, scope=scope)
    return (*total(results), [r.message for r in results if not r.passed])


def test_the_one_hot_code_the_notebook_suggests_keeps_full_marks():
    suggested = re.findall(r"`(keras\.utils\.to_categorical\([^`]*)`", markdown_of("05_sign_language_mnist"))
    assert suggested, "05 no longer suggests to_categorical: drop this test"
    for expression in suggested:
        code = ("def preprocess(X, y):\n"
                "    X_ready = (np.asarray(X, dtype=np.float32) / 255.0)[..., np.newaxis]\n"
                f"    return X_ready, {expression}\n")
        earned, possible, failed = points("sign_language_mnist", code, "preprocess", "all")
        assert earned == possible, f"the notebook's own {expression} loses points: {failed}"


def test_an_interpolating_shift_fails_the_public_checks_too_and_is_told_why():
    shift = mutant("random_shift", "scipy.ndimage.shift")
    earned, possible, failed = points("training_skills", shift.code, "random_shift", "public")
    assert earned < possible, "the public checks pass a shift the hidden check fails"
    assert any("보간 (interpolation)" in message and "정확히 (exactly)" in message for message in failed), failed
    assert "정확히 (exactly)" in markdown_of("04_training_skills") and "scipy.ndimage.shift" in markdown_of(
        "04_training_skills")


@pytest.mark.parametrize("scope", ["public", "hidden"])
def test_a_majority_vote_as_a_list_loses_points_on_both_scopes(scope):
    earned, possible, failed = points("training_skills", mutant("majority_vote", "Python list").code,
                                      "majority_vote", scope)
    assert earned < possible and any("NumPy 배열 (array)" in message for message in failed), failed


@pytest.mark.slow
def test_a_subclassed_keras_model_gets_the_same_points_and_reason_on_both_paths():
    """06 rules out a model of one's own class (safe mode cannot load it). In this process (the
    test cell, ``grader check``) it kept points; in the sandbox (``grader grade``, autograde) it
    lost them all to "Could not locate class 'MyModel'", blamed on each check. Now both paths
    give 0 and name the reason (the mutant in tests/mutants/mnist_homework.py)."""
    from tests.mutants.mnist_homework import MUTANTS as KERAS_MUTANTS
    from tests.test_same_on_every_path import in_process, reference_cells, sandboxed

    subclassed = next(m for m in KERAS_MUTANTS if "subclassed" in m.mistake)
    here = in_process("mnist_homework", namespace_with("mnist_homework", subclassed.code), target="build_model")
    there = sandboxed("mnist_homework", reference_cells("mnist_homework") + [(2, subclassed.code)],
                      target="build_model")
    assert here.keys() == there.keys() and len(here) == 5
    for path, found in (("in process", here), ("sandboxed", there)):
        for key, outcome in found.items():
            assert not outcome.passed, f"{path}: {key} passed"
            assert "custom model class) `MyModel`" in outcome.message, f"{path}: {key}: {outcome.message}"
