"""Week 3's homework: which notebook it is, its data, its accuracy tiers and its time budget.

:data:`SPEC` names the homework notebook (the class report shows its models' accuracy). The
training and evaluation themselves are the engine's (:mod:`grader.core.model_eval`); what a
grading run uses comes from :func:`grading_plan`, read from the environment:

- ``MNIST_PATH`` / Keras's cache (full MNIST) or the bundled 5,000 digits (see
  :mod:`grader.weeks.week3.data.mnist`): which data, hence which accuracy tiers (:data:`TIERS`);
- ``GRADER_MNIST_BUDGET``: the wall-clock seconds ``build_model`` plus ``train_model`` may take
  (default :data:`DEFAULT_BUDGET`, per kind of data);
- ``GRADER_MNIST_QUICK=1``: the package's own test suite; the grader trains on a small
  stratified subset (:data:`QUICK_FIT`) and uses the ``quick`` tiers, measured for it.
"""
from __future__ import annotations

import functools
import os

from grader.core.model_eval import GradingData
from grader.weeks.week3.data.mnist import MnistSplits, load_splits, stratified_holdout

SPEC = "mnist_homework"           # the homework notebook's spec
VALIDATION_FRACTION = 0.1        # of the students' training part, held out by the grader
VALIDATION_SEED = 5
QUICK_FIT = 400                  # training images in quick mode (the package's tests)
#: Accuracy tiers on the held-out test part, lowest first, per kind of data.
TIERS = {"bundled": (0.90, 0.95, 0.97), "full": (0.97, 0.985, 0.99), "quick": (0.75, 0.83, 0.88)}
#: Seconds that build_model() + train_model() may take, per kind of data (2 CPU cores).
DEFAULT_BUDGET = {"bundled": 240.0, "full": 1800.0, "quick": 120.0}


# ---------------------------------------------------------------- the grading plan

def quick_mode() -> bool:
    return os.environ.get("GRADER_MNIST_QUICK", "").strip().lower() not in ("", "0", "false", "no")


def data_kind() -> str:
    """"quick", "full" or "bundled": which tiers and budget apply, known without loading any data."""
    if quick_mode():
        return "quick"
    from grader.weeks.week3.data.mnist import keras_cache_path
    return "full" if os.environ.get("MNIST_PATH") or keras_cache_path().is_file() else "bundled"


def budget_for(kind: str) -> float:
    value = os.environ.get("GRADER_MNIST_BUDGET", "").strip()
    return float(value) if value else DEFAULT_BUDGET[kind]


def split_for_grading(splits: MnistSplits, quick: bool = False) -> GradingData:
    """Hold out a stratified validation part of the students' training part; in quick mode keep
    only :data:`QUICK_FIT` training images."""
    kept, held = stratified_holdout(splits.y_train, VALIDATION_FRACTION, VALIDATION_SEED)
    x_fit, y_fit = splits.x_train[kept], splits.y_train[kept]
    if quick and len(y_fit) > QUICK_FIT:
        _, small = stratified_holdout(y_fit, QUICK_FIT / len(y_fit), VALIDATION_SEED + 1)
        x_fit, y_fit = x_fit[small], y_fit[small]
    kind = "quick" if quick else splits.kind
    for array in (x_fit, y_fit):
        array.setflags(write=False)
    return GradingData(kind=kind, source=splits.source, tiers=TIERS[kind], budget=budget_for(kind),
                       x_fit=x_fit, y_fit=y_fit, x_val=splits.x_train[held], y_val=splits.y_train[held],
                       x_test=splits.x_test, y_test=splits.y_test)


@functools.lru_cache(maxsize=2)
def _grading_data(mnist_path: str, keras_home: str, home: str, quick: bool) -> GradingData:
    return split_for_grading(load_splits(), quick)


def grading_plan() -> GradingData:
    """The data, tiers and budget of this grading run (cached per environment)."""
    env = os.environ
    return _grading_data(env.get("MNIST_PATH", ""), env.get("KERAS_HOME", ""), env.get("HOME", ""), quick_mode())
