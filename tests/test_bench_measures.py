"""What ``make bench`` and ``make demo`` measure: CPU of a process tree, memory over time, the
otter autograder made from a release, and the demo's seconds per phase and per notebook.
(Figures are never asserted: a benchmark, never a timed test.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import nbformat
import pytest

from grader.bench.measure import PeakMemory, children_cpu
from grader.bench.otter import TEST_FILE, graded_items, otter_command, otter_score
from grader.course.demo_timing import Phases, autograde_seconds, grader_seconds
from grader.course.release import ROOT

BURN = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\n"


def test_children_cpu_counts_a_grandchild():
    """The CPU of a child's own child (as a sandbox under a worker) is counted once both end."""
    before = children_cpu()
    subprocess.run([sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BURN!r}])"],
                   check=True)
    assert children_cpu() - before >= 0.45


def test_peak_memory_sees_the_whole_tree_and_its_first_tenth():
    grow = ("import subprocess, sys, time\n"
            "time.sleep(0.6)\n"
            "child = subprocess.Popen([sys.executable, '-c', 'b = bytearray(200 * 2**20); import time; time.sleep(1.5)'])\n"
            "child.wait()\n")
    process = subprocess.Popen([sys.executable, "-c", grow])
    memory = PeakMemory(process.pid)
    process.wait()
    peak = memory.stop()
    assert peak >= 200 * 2**20, "the child's 200 MB were not counted"
    assert memory.peak_until(0.1) < 100 * 2**20, "the first tenth of the run (before the child) is not apart"


def test_otter_tests_are_made_from_the_release_test_cells(tmp_path):
    release = nbformat.read(ROOT / "assignments" / "week3" / "01_perceptron.ipynb", as_version=4)
    items = graded_items(release)
    assert ("test_step", "perceptron:step", 3.0) in items
    assert sum(points for _, _, points in items) == 22.0     # the notebook's points, every test cell
    source = TEST_FILE.format(name="test_step", points=3.0, selector="perceptron:step")
    compile(source, "test_step.py", "exec")                   # a valid otter test file
    assert "hidden=True" in source, "the otter test must run the hidden checks too, as grader grade does"


def test_otter_score_reads_results_and_survives_a_missing_file(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"tests": [{"name": "Public Tests"}, {"name": "a", "score": 2.0},
                                             {"name": "b", "score": 0.0}, {"name": "c", "score": 3.0}]}))
    assert otter_score(results) == 5.0
    assert otter_score(tmp_path / "missing.json") == 0.0


def test_otter_missing_is_said_not_raised(tmp_path, monkeypatch):
    monkeypatch.setattr("grader.bench.otter.OTTER_VENV", tmp_path / "no-venv")
    command, why = otter_command()
    assert command is None and "otter-grader is not installed" in why


def test_demo_phases_and_seconds_per_notebook(tmp_path, capsys):
    phases = Phases()
    with phases("burn"):
        subprocess.run([sys.executable, "-c", BURN], check=True)
    phases.print()
    line = capsys.readouterr().out
    assert "[time] demo:" in line and "burn" in line
    (_, name, wall, cpu), = phases.rows
    assert cpu >= 0.45 and wall >= cpu * 0.5

    folder = tmp_path / "autograded" / "ann" / "week3"
    folder.mkdir(parents=True)
    start = time.time() - 100
    for path, at in [("timestamp.txt", start), ("01_a.ipynb", start + 10), ("02_b.ipynb", start + 40)]:
        (folder / path).write_text("")
        os.utime(folder / path, (at, at))
    assert autograde_seconds(tmp_path, "week3") == pytest.approx({"01_a": 10.0, "02_b": 30.0})

    results = tmp_path / "results"
    for student, seconds in [("ann", 1.5), ("bob", 2.0)]:
        path = results / student / "01_a" / "results.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"extra_data": {"notebook": "01_a", "seconds": seconds}}))
    (results / "broken" / "01_a").mkdir(parents=True)
    (results / "broken" / "01_a" / "results.json").write_text("{not json")
    assert grader_seconds(results) == {"01_a": 3.5}


@pytest.mark.parametrize("threads, expected", [(1, 1), (0, os.cpu_count() or 1)])
def test_autograde_sandbox_threads_are_configurable(monkeypatch, threads, expected):
    """``make demo`` gives nbgrader autograde one BLAS/TensorFlow thread while grader grade runs
    beside it; unset, autograde keeps one thread per core."""
    from grader.grading import nbgrader_executor

    seen = {}
    monkeypatch.setattr(nbgrader_executor, "grade_on_clock",
                        lambda spec, cells, options: seen.setdefault("limits", options.limits))
    nbgrader_executor.SandboxedExecute(threads=threads)._grade_spec("perceptron", [])
    assert seen["limits"].threads_per_library == expected
