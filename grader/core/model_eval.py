"""Train a submitted Keras model, then evaluate it where only the grader holds the test data.

The generic homework machinery; what one week's homework is (its notebook, data, tiers and
budget) that week declares, in ``grader/weeks/<week>/homework.py`` (a :class:`GradingData`
from its ``grading_plan()``). Grading works in two steps, kept apart so that a sandbox can
sit between them:

1. :func:`train_to_file` runs the student's ``build_model()`` and ``train_model(model, x, y)``
   on the training data only and saves the trained model as a ``.keras`` file. This is the
   untrusted step: in the sandboxed path it runs in a child process, which hands back only
   that file.
2. :func:`load_trained` reads the file with Keras's safe mode (no Python code is loaded,
   so ``Lambda`` layers and custom classes are refused) and :func:`evaluate` scores it on
   held-out images the student's code never saw.

Runs are reproducible: :func:`train_to_file` fixes the seeds (Python, NumPy, TensorFlow) and
turns on TensorFlow's deterministic ops, so the same submission gets the same score.
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader.core import words
from grader.core.seeds import seed_generators
from grader.core.submission import TestTimeout

SEED = 1234


class SubmissionError(Exception):
    """The submitted model could not be trained, saved, loaded or evaluated (message for students)."""


# ---------------------------------------------------------------- what one grading run uses

@dataclass(frozen=True)
class GradingData:
    """Everything a grading run needs; only ``x_fit``/``y_fit`` ever reach student code."""

    kind: str                      # which data (week 3: "bundled", "full" or "quick")
    source: str                    # where the images came from
    tiers: tuple[float, ...]
    budget: float                  # seconds for build_model() + train_model()
    x_fit: np.ndarray = field(repr=False)
    y_fit: np.ndarray = field(repr=False)
    x_val: np.ndarray = field(repr=False)
    y_val: np.ndarray = field(repr=False)
    x_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)

    @property
    def key(self) -> tuple:
        return (self.kind, self.source, len(self.x_fit), len(self.x_test), self.budget)


def percent(fraction: float) -> str:
    """0.9 -> "90%", 0.985 -> "98.5%"."""
    return f"{fraction * 100:g}%"


# ---------------------------------------------------------------- step 1: train (untrusted code)

@dataclass
class TrainingRun:
    path: Path | None              # the saved .keras file
    seconds: float                 # build_model() + train_model()
    error: str = ""                # why there is no usable model (student-facing)


def seed_everything(seed: int = SEED, *functions) -> None:
    """Seeds for Python, NumPy and TensorFlow, and deterministic TensorFlow ops: here, and in
    the sandboxed process any of ``functions`` lives in (``grader grade`` hands in proxies)."""
    seed_generators(seed)
    for function in functions:
        peer = getattr(function, "_peer", None)
        if peer is not None:
            peer.request("seed", seed=int(seed))


def train_to_file(build_model, train_model, x_fit: np.ndarray, y_fit: np.ndarray, path: str | os.PathLike,
                  seed: int = SEED, precheck: bool = True) -> TrainingRun:
    """``model = build_model(); train_model(model, x_fit, y_fit); model.save(path)``, seeded.

    With ``precheck``, the untrained model is first saved and loaded in safe mode, so that a
    model the grader could never load is refused before any time goes into training.
    Student code runs here (in the sandboxed path, in a child process). Exceptions from it
    are turned into :class:`SubmissionError` with a student-facing message.
    """
    import keras
    path = Path(path)
    seed_everything(seed, build_model)
    started = time.monotonic()
    try:
        model = build_model()
    except Exception as error:
        raise SubmissionError(words.MODEL_BUILD_RAISED.format(error_type=type(error).__name__, error=error)) from error
    if not isinstance(model, keras.Model):
        raise SubmissionError(words.MODEL_NOT_KERAS.format(type=type(model).__name__))
    if precheck:                   # fail fast, before training, on a model safe mode will refuse
        try:
            model.save(path)
        except Exception as error:
            raise SubmissionError(words.MODEL_CANNOT_SAVE.format(error_type=type(error).__name__, error=error)) from error
        load_trained(path)
        path.unlink()
    seed_everything(seed, train_model)
    try:
        train_model(model, x_fit.copy(), y_fit.copy())
    except Exception as error:
        if isinstance(error, TestTimeout):
            raise SubmissionError(words.MODEL_TRAINING_STOPPED.format(error=error)) from error
        raise SubmissionError(words.MODEL_TRAIN_RAISED.format(error_type=type(error).__name__, error=error)) from error
    seconds = time.monotonic() - started
    try:
        model.save(path)
    except Exception as error:
        raise SubmissionError(words.MODEL_TRAINED_CANNOT_SAVE.format(error_type=type(error).__name__,
                                                                     error=error)) from error
    return TrainingRun(path=path, seconds=seconds)


# ---------------------------------------------------------------- step 2: load and evaluate (trusted)

def load_trained(path: str | os.PathLike):
    """The model saved at ``path``, loaded with ``safe_mode=True`` (no code is deserialized)."""
    import keras
    try:
        return keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SubmissionError(words.MODEL_NOT_SAFE.format(first=first[:300])) from error


@dataclass(frozen=True)
class Evaluation:
    """Accuracy and confusion matrix of a model on one labelled split."""

    split: str                     # e.g. "validation" or "hidden test"
    accuracy: float
    confusion: np.ndarray          # (10, 10): rows true digit, columns predicted digit

    @property
    def total(self) -> int:
        return int(self.confusion.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.confusion))

    def confused_pairs(self, count: int = 3) -> list[tuple[int, int, int]]:
        """``(true, predicted, times)`` for the most frequent mistakes, most frequent first."""
        off = self.confusion.copy()
        np.fill_diagonal(off, 0)
        order = np.argsort(-off, axis=None, kind="stable")[:count]
        pairs = [(int(i // 10), int(i % 10), int(off.flat[i])) for i in order]
        return [p for p in pairs if p[2] > 0]

    def report(self) -> str:
        """Accuracy, the confusion matrix and the most confused pairs, as text."""
        lines = [f"accuracy on the {self.split} split: {self.accuracy:.2%} ({self.correct} of {self.total})",
                 "confusion matrix (rows: true digit, columns: predicted digit):",
                 "       " + "".join(f"{c:>5}" for c in range(10))]
        lines += [f"  {r:>3}  " + "".join(f"{int(v):>5}" for v in row) for r, row in enumerate(self.confusion)]
        pairs = self.confused_pairs()
        lines.append("most confused pairs: " + (", ".join(f"{t} taken for {p} ({n}x)" for t, p, n in pairs)
                                                 if pairs else "none"))
        return "\n".join(lines)


def predict_labels(model, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """The model's digit for each raw image (uint8, (n, 28, 28)), checking its output is (n, 10)."""
    import keras
    try:
        out = np.asarray(keras.ops.convert_to_numpy(model.predict(images, batch_size=batch_size, verbose=0)))
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SubmissionError(_cannot_predict(images, f"{type(error).__name__}: {first[:300]}")) from error
    return labels_of(out, images)


def _cannot_predict(images: np.ndarray, why: str) -> str:
    return words.MODEL_CANNOT_PREDICT.format(shape=(len(images),) + images.shape[1:], why=why)


def labels_of(out, images: np.ndarray) -> np.ndarray:
    """The digits a model's outputs ``out`` on ``images`` name, checking ``out`` is (n, 10)
    (``out`` as text: the error predicting raised)."""
    if isinstance(out, str):
        raise SubmissionError(_cannot_predict(images, out))
    out = np.asarray(out)
    if out.shape != (len(images), 10):
        raise SubmissionError(words.MODEL_OUTPUT_SHAPE.format(count=len(images), shape=out.shape))
    return np.argmax(out, axis=1)


def evaluate(model, images: np.ndarray, labels: np.ndarray, split: str) -> Evaluation:
    return evaluation_of(predict_labels(model, images), labels, split)


def evaluation_of(predicted: np.ndarray, labels: np.ndarray, split: str) -> Evaluation:
    labels = np.asarray(labels).astype(int)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    return Evaluation(split=split, accuracy=float(np.mean(predicted == labels)), confusion=confusion)


# ---------------------------------------------------------------- one training per submission

@dataclass
class GradedModel:
    """The outcome of training one submission: both evaluations, or why there are none."""

    seconds: float = 0.0
    validation: Evaluation | None = None
    test: Evaluation | None = None
    error: str = ""
    not_implemented: bool = False     # the student's code still raises NotImplementedError


_last: tuple[tuple, GradedModel] | None = None
_predictor = None


def use_predictor(predict) -> None:
    """Where :func:`grade_model` predicts with the saved model: ``predict(path, [images, ...])`` returns
    the outputs for each array (or the error as text). ``None``: load and predict in this process.
    The sandboxed grading sets a process under the student's limits (grader.sandbox.keras_guard)."""
    global _predictor
    _predictor = predict


def _identity(function):
    """What stays the same for one function from check to check: the function itself, or, for a
    proxy of a function in the sandboxed child (``grader grade`` hands each check a new one,
    see grader.sandbox.protocol.Remote), that child process and the object's handle in it (the
    child gives one object one handle for its whole life; a restarted child is a new peer)."""
    peer = getattr(function, "_peer", None)
    if peer is None:
        return function
    return (peer, getattr(function, "_generation", None), getattr(function, "_handle", None))


def grade_model(build_model, train_model, data: GradingData) -> GradedModel:
    """Train once (steps 1 and 2), evaluate on the validation and the hidden test part.

    The result is kept for the same ``(build_model, train_model, data)`` (:func:`_identity`), so
    the public and the hidden checks of one submission share one training, on every path.
    """
    global _last
    key = (_identity(build_model), _identity(train_model), data.key)
    if _last is not None and len(_last[0]) == len(key) and all(a is b or a == b for a, b in zip(_last[0], key)):
        return _last[1]
    graded = GradedModel()
    with tempfile.TemporaryDirectory(prefix="grader-model-") as folder:
        try:
            run = train_to_file(build_model, train_model, data.x_fit, data.y_fit, Path(folder) / "model.keras")
            graded.seconds = run.seconds
            if run.seconds > data.budget:
                raise SubmissionError(words.MODEL_OVER_BUDGET.format(seconds=run.seconds, budget=data.budget))
            if _predictor is None:
                model = load_trained(run.path)
                graded.validation = evaluate(model, data.x_val, data.y_val, "validation")
                graded.test = evaluate(model, data.x_test, data.y_test, "hidden test")
            else:
                outputs = _predictor(run.path, [data.x_val, data.x_test])
                graded.validation = evaluation_of(labels_of(outputs[0], data.x_val), data.y_val, "validation")
                graded.test = evaluation_of(labels_of(outputs[1], data.x_test), data.y_test, "hidden test")
        except SubmissionError as error:
            graded.error = str(error)
            graded.not_implemented = isinstance(error.__cause__, NotImplementedError)
        except Exception as error:          # e.g. the test's time limit, hit while saving or evaluating
            graded.error = f"grading the model stopped: {type(error).__name__}: {error}"
    _last = (key, graded)
    return graded


def last_graded() -> GradedModel | None:
    """The outcome of the last :func:`grade_model` in this process (None after :func:`forget`)."""
    return _last[1] if _last is not None else None


def forget() -> None:
    """Drop the kept training, so that the next submission never sees the last one's model."""
    global _last
    _last = None


def tier_of(accuracy: float, tiers: tuple[float, ...]) -> int:
    """How many tiers ``accuracy`` reaches (0 .. len(tiers))."""
    return sum(accuracy >= t for t in tiers)
