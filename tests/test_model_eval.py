"""grader.core.model_eval (and week 3's plan, grader.weeks.week3.homework): seeded, deterministic training to a .keras file; safe-mode loading; tiers and reports."""
import numpy as np
import pytest

from grader.core import model_eval
from grader.core.model_eval import Evaluation, SubmissionError, grade_model, load_trained, tier_of, train_to_file
from grader.weeks.week3 import homework
from grader.weeks.week3.data.mnist import bundled_splits
from grader.weeks.week3.homework import split_for_grading


def dense_build():
    import keras
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                              keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def dense_train(model, x, y):
    return model.fit(x, y, epochs=2, batch_size=32, verbose=0)


@pytest.fixture(scope="module")
def small():
    splits = bundled_splits()
    return splits.x_train[:300], splits.y_train[:300], splits.x_test[:200], splits.y_test[:200]


def test_same_submission_same_model(tmp_path, small):
    """Seeds and deterministic ops: training twice gives identical predictions."""
    x, y, x_test, _ = small
    outputs = []
    for run in range(2):
        done = train_to_file(dense_build, dense_train, x, y, tmp_path / f"run{run}.keras")
        outputs.append(load_trained(done.path).predict(x_test, verbose=0))
    assert np.array_equal(outputs[0], outputs[1])


def test_lambda_layer_is_refused_before_training(tmp_path, small):
    import keras
    trained = []

    def build():
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Lambda(lambda v: v / 255.0),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    def train(model, x, y):
        trained.append(True)
        return model.fit(x, y, epochs=1, verbose=0)

    with pytest.raises(SubmissionError, match="cannot be loaded in Keras's safe mode"):
        train_to_file(build, train, small[0], small[1], tmp_path / "m.keras")
    assert not trained


def test_student_errors_become_messages(tmp_path, small):
    def broken_build():
        raise NotImplementedError()

    with pytest.raises(SubmissionError, match="build_model\\(\\) raised NotImplementedError") as caught:
        train_to_file(broken_build, dense_train, small[0], small[1], tmp_path / "m.keras")
    assert isinstance(caught.value.__cause__, NotImplementedError)
    with pytest.raises(SubmissionError, match="returned str, not a Keras model"):
        train_to_file(lambda: "model", dense_train, small[0], small[1], tmp_path / "m.keras")


@pytest.fixture
def counted(monkeypatch):
    """A fresh start (no model kept from another test), the quick grading data, and a
    ``train_model`` that records the size of each training set it is given."""
    monkeypatch.setattr(model_eval, "_last", None)
    calls = []

    def train(model, x, y):
        calls.append(len(x))
        return dense_train(model, x, y)

    return split_for_grading(bundled_splits(), quick=True), train, calls


def test_grade_model_trains_once_and_reports(counted, small):
    data, train, calls = counted
    first = grade_model(dense_build, train, data)
    again = grade_model(dense_build, train, data)
    assert first is again and calls == [homework.QUICK_FIT]
    assert not first.error and 0.5 < first.test.accuracy <= 1.0
    assert first.test.total == len(data.x_test) and first.validation.total == len(data.x_val)
    report = first.test.report()
    assert "accuracy on the hidden test split" in report and "most confused pairs" in report


def test_over_budget(monkeypatch):
    monkeypatch.setattr(model_eval, "_last", None)
    data = split_for_grading(bundled_splits(), quick=True)
    data = model_eval.GradingData(**{**data.__dict__, "budget": 0.0})
    graded = grade_model(dense_build, dense_train, data)
    assert graded.test is None and "over the training budget of 0 s" in graded.error


def test_quick_plan_keeps_the_test_part_whole():
    splits = bundled_splits()
    data = split_for_grading(splits, quick=True)
    assert data.kind == "quick" and data.tiers == homework.TIERS["quick"]
    assert len(data.x_fit) == homework.QUICK_FIT and len(data.x_val) == 400 and len(data.x_test) == 1000
    full = split_for_grading(splits)
    assert full.kind == "bundled" and len(full.x_fit) == 3600
    assert not full.x_fit.flags.writeable


def test_tiers_and_pairs():
    assert [tier_of(a, (0.9, 0.95, 0.97)) for a in (0.5, 0.9, 0.96, 0.97, 1.0)] == [0, 1, 2, 3, 3]
    confusion = np.diag(np.full(10, 9))
    confusion[4, 9], confusion[7, 2], confusion[3, 5] = 3, 1, 2
    evaluation = Evaluation("validation", float(np.trace(confusion) / confusion.sum()), confusion)
    assert evaluation.confused_pairs() == [(4, 9, 3), (3, 5, 2), (7, 2, 1)]
    assert "4 taken for 9 (3x)" in evaluation.report()


def test_data_kind(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / ".keras"))
    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.delenv("GRADER_MNIST_QUICK", raising=False)
    assert homework.data_kind() == "bundled"
    monkeypatch.setenv("MNIST_PATH", str(tmp_path))
    assert homework.data_kind() == "full"
    monkeypatch.setenv("GRADER_MNIST_QUICK", "1")
    assert homework.data_kind() == "quick"
    monkeypatch.setenv("GRADER_MNIST_BUDGET", "42")
    assert homework.budget_for("quick") == 42.0


class StandInPeer:
    """The grader's end of a sandboxed child, as far as a proxy (grader.sandbox.protocol.Remote) uses it:
    ``call`` runs the child's object ``handle`` (here, in this process)."""

    def __init__(self, objects: dict, generation: int = 1):
        self.objects, self.generation = objects, generation

    def call(self, handle, *args, **kwargs):
        return self.objects[handle](*args, **kwargs)

    def request(self, op, **fields):
        assert op == "seed"


def test_grade_model_trains_once_for_every_proxy_of_the_same_function(counted):
    """``grader grade`` hands each check a new proxy of ``build_model``/``train_model``: the five
    accuracy checks share one training (before: one each), and only a different object or a
    restarted child (a new peer or generation) trains again."""
    from grader.sandbox.protocol import Remote
    data, train, calls = counted
    peer = StandInPeer({1: dense_build, 2: train, 3: train})

    def proxies(peer, train_handle=2):
        return (Remote.make(peer, 1, "callable", "function", "build_model"),
                Remote.make(peer, train_handle, "callable", "function", "train_model"))

    first = grade_model(*proxies(peer), data)
    assert [grade_model(*proxies(peer), data) for _ in range(4)] == [first] * 4
    assert calls == [homework.QUICK_FIT] and not first.error
    assert grade_model(*proxies(peer, train_handle=3), data) is not first        # another object in the child
    restarted = StandInPeer(peer.objects, generation=2)
    assert grade_model(*proxies(restarted), data) is not first                   # the child was restarted
    assert len(calls) == 3
