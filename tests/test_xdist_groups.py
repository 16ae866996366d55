"""``xdist_group`` keeps a group's tests on one worker (the hostile corpus, the demo class and
the Keras mutants build minutes-long fixtures once per worker, and some must never run beside
the corpus). Under pytest 9.2 this holds only through the hook in ``tests/conftest.py``, which
relies on pytest internals: the versions it was checked with are pinned in ``setup.cfg``."""
import configparser
import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

GROUPED = """
import os, pytest
pytestmark = pytest.mark.xdist_group("heavy")

@pytest.mark.parametrize("k", range(12))
def test_grouped(k):
    with open(os.environ["WORKER_LOG"], "a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")
"""
UNGROUPED = """
import time, pytest

@pytest.mark.parametrize("k", range(24))
def test_free(k):
    time.sleep(0.02)
"""


def test_a_group_runs_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_collection_modifyitems  # noqa: F401\n")
    (tmp_path / "test_grouped.py").write_text(textwrap.dedent(GROUPED))
    (tmp_path / "test_free.py").write_text(textwrap.dedent(UNGROUPED))
    log = tmp_path / "workers.log"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
                           "-p", "no:cacheprovider", "-c", "/dev/null", "--rootdir", str(tmp_path), str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "WORKER_LOG": str(log), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout + done.stderr
    workers = log.read_text().split()
    assert len(workers) == 12 and len(set(workers)) == 1, workers


def test_the_versions_the_hook_relies_on_are_pinned_and_installed():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = [line for line in config["options.extras_require"]["test"].splitlines() if line.strip()]
    pins = {r.name: r.specifier for r in map(Requirement, lines) if r.name in ("pytest", "pytest-xdist")}
    assert set(pins) == {"pytest", "pytest-xdist"}
    for name, specifier in pins.items():
        assert any(s.operator == "<" for s in specifier), f"{name} has no upper bound: {specifier}"
        assert importlib.metadata.version(name) in specifier, f"{name} {importlib.metadata.version(name)} is not {specifier}"
    from _pytest.nodeid import NodeId            # what tests/conftest.py uses
    assert str(NodeId.parse("tests/test_a.py::test_b[1]@group")) == "tests/test_a.py::test_b[1]@group"
