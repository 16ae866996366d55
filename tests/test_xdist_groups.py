"""``xdist_group`` keeps a group's tests on one worker (the hostile corpus, the demo class and
the Keras mutants build minutes-long fixtures once per worker, and some must never run beside
the corpus). Under pytest 9 this holds only through the hook in ``tests/conftest.py``."""
import subprocess
import sys
import textwrap
from pathlib import Path

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
