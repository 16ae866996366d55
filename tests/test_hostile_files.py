"""The one-way-files kinds (tests/hostile/files.py) after both instructor paths: the host canary
each link kind aimed at is unchanged, whether ``grader grade`` or ``nbgrader autograde`` graded it.

Their scores (no point gained; the batch finished, FIFOs included) are checked with every other
kind's in tests/test_hostile_corpus.py and tests/test_hostile_nbgrader.py; this module reads the
same two batches (built once per test process; each test in its batch's xdist group).
"""
from __future__ import annotations

import pytest

from tests.hostile import KINDS
from tests.hostile.files import CANARY_TEXT, canary
from tests.test_hostile_corpus import batch, require_isolation  # noqa: F401  (the module fixture)
from tests.test_hostile_nbgrader import autograde, nbgrader_kinds  # noqa: F401  (the module fixture)

AIMED = [k for k in KINDS if k.extra.get("canary")]


@pytest.mark.xdist_group("corpus")              # on the worker that built `batch`
@pytest.mark.parametrize("kind", AIMED, ids=[k.name for k in AIMED])
def test_canary_unchanged_after_grader_grade(batch, kind):  # noqa: F811
    require_isolation(kind.name)
    path = canary(batch.ctx, kind.extra["canary"])
    assert not path.is_symlink() and path.read_text(encoding="utf-8") == CANARY_TEXT, \
        f"grader grade wrote through the links of {kind.name} into {path}"


@pytest.mark.slow
@pytest.mark.xdist_group("corpus_nbgrader")     # on the worker that built `autograde`
@pytest.mark.parametrize("kind", AIMED, ids=[k.name for k in AIMED])
def test_canary_unchanged_after_nbgrader_autograde(autograde, kind):  # noqa: F811
    require_isolation(kind.name)
    if kind.name not in {k.name for k in autograde.kinds}:
        pytest.skip(f"{kind.name} is not in this nbgrader run")
    path = canary(autograde.ctx, kind.extra["canary"])
    assert not path.is_symlink() and path.read_text(encoding="utf-8") == CANARY_TEXT, \
        f"nbgrader autograde wrote through the links of {kind.name} into {path}"
