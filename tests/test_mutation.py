"""The mutation tool (``make mutation``) and its committed list of equivalent survivors."""
import ast

import pytest

from tests.mutation import NOTEBOOKS, equivalents, mutations, survives
from tests.mutation.mutate import mutants_of

TOY = '''
import numpy as np

def toy(x, scale=2.0, keep=True):
    """docstring, left alone"""
    y = np.asarray(x) * scale
    if keep and y.sum(axis=0) > 0:
        y += 1
    return -y.max()
'''


def test_each_operator_changes_one_thing_and_compiles():
    made = {m.id: m.code for m in mutants_of(TOY, "toy")}
    expected = {
        "toy L0: 2.0 => 4.0", "toy L0: 2.0 => 0.0", "toy L0: True => False",          # defaults
        "toy L2: np.asarray(x) * scale => np.asarray(x) / scale",                       # arithmetic
        "toy L3: y.sum(axis=0) > 0 => y.sum(axis=0) >= 0",                              # boundary
        "toy L3: y.sum(axis=0) > 0 => y.sum(axis=0) <= 0",                              # negation
        "toy L3: keep and y.sum(axis=0) > 0 => keep or y.sum(axis=0) > 0",              # boolean
        "toy L3: axis=0 => (removed)", "toy L3: axis=0 => axis=1",                      # axes
        "toy L3: y.sum => y.mean", "toy L5: y.max => y.min",                            # reductions
        "toy L4: y += 1 => y -= 1", "toy L4: y += 1 => (deleted)",                      # statements
        "toy L5: -y.max() => y.max()",                                                  # negation
    }
    assert expected <= set(made), sorted(expected - set(made))
    assert not [i for i in made if "docstring" in i]
    original = ast.dump(ast.parse(TOY).body[1])
    for ident, code in made.items():
        tree = ast.parse(code)                      # valid Python
        assert ast.dump(tree.body[0]) != original, ident


@pytest.mark.parametrize("spec", NOTEBOOKS)
def test_listed_equivalent_survivors_are_current(spec):
    """Every listed survivor is still made by the mutator, still keeps full marks, and says why."""
    listed = equivalents(spec)
    made = {m.id: m for m in mutations(spec)}
    assert len(made) > 20
    stale = sorted(set(listed) - set(made))
    assert not stale, f"listed in tests/mutation/equivalent/{spec}.txt but no longer made: {stale}"
    assert all(listed.values()), "each listed survivor needs its reason"
    killed = [ident for ident in listed if not survives(spec, made[ident])]
    assert not killed, f"listed as equivalent but now killed (remove them from the list): {killed}"
