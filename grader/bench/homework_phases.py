"""Where the seconds of grading one ``06_mnist_homework`` go: wall and CPU seconds per phase.

    python -m grader.bench.homework_phases [--quick] [--rounds N] [--notebook PATH]

Grades the notebook (by default the reference, source/week3/06_mnist_homework.ipynb) with
:func:`grader.grading.sandboxed.grade_cells`, as both instructor paths do, and times in this
process: the sandboxed child's start (its cells import TensorFlow), the Keras guard's start
(grader/sandbox/keras_guard.py) and each of its examines, the trusted side's ``load_model``, the
training (:func:`grader.core.model_eval.train_to_file`) and every check. CPU seconds count this
process and every process under it (sampled from /proc every 0.2 s, so the sandboxed children
are counted too): on a busy machine they move much less than the wall seconds.
Phases nest (a check's seconds include the guard examines and the training it caused).
``--quick`` sets ``GRADER_MNIST_QUICK=1`` (the test suite's plan); ``make demo`` grades without it.
"""
from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import resource
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_TICK = os.sysconf("SC_CLK_TCK")
_seen: dict[tuple[int, str], float] = {}     # (pid, start time) -> CPU seconds last seen, per descendant
_lock = threading.Lock()
phases: dict[str, list] = collections.defaultdict(lambda: [0.0, 0.0, 0])    # name -> [wall, cpu, count]


def _scan() -> None:
    parents, used = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                text = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            fields = text[text.rfind(")") + 2:].split()
            parents[int(name)] = int(fields[1])
            used[int(name)] = ((int(fields[11]) + int(fields[12])) / _TICK, fields[19])
    me = os.getpid()
    with _lock:
        for pid, (seconds, started) in used.items():
            ancestor, hops = pid, 0
            while ancestor in parents and ancestor != me and hops < 64:
                ancestor, hops = parents[ancestor], hops + 1
            if ancestor == me and pid != me:
                _seen[(pid, started)] = seconds


def cpu_seconds() -> float:
    """CPU seconds of this process and of every process started under it so far."""
    _scan()
    own = resource.getrusage(resource.RUSAGE_SELF)
    with _lock:
        return own.ru_utime + own.ru_stime + sum(_seen.values())


def _sample_forever() -> None:
    while True:
        _scan()
        time.sleep(0.2)


def _timed(owner, attribute: str, name: str) -> None:
    function = getattr(owner, attribute)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        wall, cpu = time.monotonic(), cpu_seconds()
        try:
            return function(*args, **kwargs)
        finally:
            entry = phases[name]
            entry[0] += time.monotonic() - wall
            entry[1] += cpu_seconds() - cpu
            entry[2] += 1
    setattr(owner, attribute, wrapper)


class _PerCheck:
    """A pytest plugin timing each check of the specs."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        wall, cpu = time.monotonic(), cpu_seconds()
        try:
            return (yield)
        finally:
            entry = phases["check " + item.name]
            entry[0] += time.monotonic() - wall
            entry[1] += cpu_seconds() - cpu
            entry[2] += 1


def instrument() -> None:
    import keras

    from grader.core import model_eval
    from grader.sandbox import keras_guard, session
    _timed(session.SandboxedSubmission, "start", "sandbox start + cells (student's child, guard)")
    _timed(keras_guard, "_guard", "guard start + Keras import (first call)")
    _timed(keras_guard, "_examine", "guard examine (probe or predict)")
    _timed(keras.models, "load_model", "trusted load_model")
    _timed(model_eval, "train_to_file", "training (build + train + save)")
    _timed(model_eval, "grade_model", "grade_model (calls)")
    main = pytest.main
    pytest.main = lambda args, plugins=(): main(args, plugins=[*plugins, _PerCheck()])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="GRADER_MNIST_QUICK=1 (the test suite's plan)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--notebook", default=str(ROOT / "source" / "week3" / "06_mnist_homework.ipynb"))
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["GRADER_MNIST_QUICK"] = "1"
    from grader.grading.sandboxed import expected_tests, grade_cells, runnable_cells
    from grader.weeks.week3 import homework
    cells = runnable_cells(json.loads(Path(args.notebook).read_text()))
    expected_tests("mnist_homework")            # collected once per process: not a grading's cost
    homework.grading_plan()
    instrument()
    threading.Thread(target=_sample_forever, daemon=True).start()
    for number in range(args.rounds):
        phases.clear()
        wall, cpu = time.monotonic(), cpu_seconds()
        graded = grade_cells("mnist_homework", cells)
        wall, cpu = time.monotonic() - wall, cpu_seconds() - cpu
        score = sum(r.points for r in graded.results), sum(r.max_points for r in graded.results)
        print(f"grading {number + 1} ({homework.data_kind()}): {graded.status}, {score[0]:g}/{score[1]:g} points, "
              f"wall {wall:.1f} s, CPU {cpu:.1f} s, load average {os.getloadavg()[0]:.1f}")
        print(f"  {'phase':<52} {'wall s':>8} {'CPU s':>8} {'calls':>6}")
        for name, (seconds, used, count) in phases.items():
            print(f"  {name:<52} {seconds:8.2f} {used:8.2f} {count:6d}")
        for result in graded.results:
            if not result.passed:
                print(f"  failed: {result.name}: {result.message[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
