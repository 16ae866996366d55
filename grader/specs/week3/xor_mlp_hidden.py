"""Hidden checks of 02_xor_mlp: seeded random inputs, compared with the reference.

Keras checks train a model built by the *reference* build_xor_model, so train_xor_model is
graded even when the student's build_xor_model is wrong.
"""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_shape, call
from grader.specs.week3.xor_mlp_public import (XOR_LABELS, XOR_X, built_model, check_xor_predictions,
                                         guarded_sigmoid, initial_weights, keras_module, xor_weights)

pytestmark = pytest.mark.hidden


@pytest.mark.graded("collapse_linear")
@pytest.mark.points(2)
@pytest.mark.hint("The collapsed layer must work for any shapes (d, h), (h,), (h, k), (k,), and leave "
                  "W1, b1, W2, b2 unchanged.")
def test_collapse_random_shapes(sub, ref):
    """matches the reference and the two-layer output on 8 random shapes (d, h, k from 1 to 6), inputs unchanged"""
    rng = np.random.default_rng(2021)
    for _ in range(8):
        d, h, k = (int(v) for v in rng.integers(1, 7, size=3))
        W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
        W2, b2 = rng.normal(size=(h, k)), rng.normal(size=k)
        before = [a.copy() for a in (W1, b1, W2, b2)]
        what = call("collapse_linear", W1, b1, W2, b2)
        W, b = sub.collapse_linear(W1, b1, W2, b2)
        W_ref, b_ref = ref.collapse_linear(*before)
        assert_close(W, W_ref, f"W from {what}", rtol=1e-12, atol=1e-12)
        assert_close(b, b_ref, f"b from {what}", rtol=1e-12, atol=1e-12)
        X = rng.normal(size=(5, d))
        assert_close(X @ np.asarray(W) + np.asarray(b), (X @ before[0] + before[1]) @ before[2] + before[3],
                     f"X @ W + b with (W, b) from {what}", rtol=1e-10, atol=1e-12)
        for name, original, now in zip(("W1", "b1", "W2", "b2"), before, (W1, b1, W2, b2)):
            assert_equal(now, original, f"{name} after {what}")


@pytest.mark.graded("sigmoid")
@pytest.mark.points(1)
@pytest.mark.hint("sigmoid must work elementwise on arrays of any shape (and on integers), without warnings.")
def test_sigmoid_random(sub, ref):
    """matches the reference on shapes (), (7,), (3, 4), (2, 3, 5), values up to ±600 and integers up to ±800"""
    rng = np.random.default_rng(2022)
    inputs = [rng.normal(scale=10.0, size=shape) for shape in [(), (7,), (3, 4), (2, 3, 5)]]
    inputs += [rng.uniform(-600.0, 600.0, size=(4, 6)), np.array([-3, 0, 2, 745, -800])]
    for z in inputs:
        got = guarded_sigmoid(sub.sigmoid, z)
        assert_close(got, ref.sigmoid(z), call("sigmoid", z), rtol=1e-10)


@pytest.mark.graded("mlp_forward")
@pytest.mark.points(1)
@pytest.mark.hint("Two layers, each followed by the sigmoid, with both biases: shape (n, 1) for any n, d and h.")
def test_forward_random(sub, ref, monkeypatch):
    """matches the reference (with its sigmoid) on random networks, (n, d, h) = (1, 2, 2), (7, 3, 5), (20, 6, 1)"""
    monkeypatch.setitem(sub._namespace, "sigmoid", ref.sigmoid)   # graded on its own, not on the student's sigmoid
    rng = np.random.default_rng(2023)
    for n, d, h in [(1, 2, 2), (7, 3, 5), (20, 6, 1)]:
        X = rng.normal(size=(n, d))
        W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
        W2, b2 = rng.normal(size=(h, 1)), rng.normal(size=1)
        what, expected = call("mlp_forward", X, W1, b1, W2, b2), ref.mlp_forward(X, W1, b1, W2, b2)
        got = sub.mlp_forward(X.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy())
        assert_close(got, expected, what, rtol=1e-10)


@pytest.mark.graded("XOR_WEIGHTS")
@pytest.mark.points(1)
@pytest.mark.hint("XOR_WEIGHTS must hold plain numeric arrays that solve XOR in any batch order.")
def test_xor_weights_shuffled_batch(sub, ref):
    """solves XOR with the reference forward pass on a shuffled batch of the four inputs, three times each"""
    rng = np.random.default_rng(2024)
    rows = rng.permutation(np.repeat(np.arange(4), 3))
    X, labels = XOR_X[rows], XOR_LABELS[rows]
    weights = {key: np.asarray(xor_weights(sub)[key], dtype=float) for key in ("W1", "b1", "W2", "b2")}
    out = ref.mlp_forward(X, **weights)
    assert_shape(out, (12, 1), "mlp_forward(X, **XOR_WEIGHTS)")
    assert_equal(np.round(out).astype(int), labels, "np.round(mlp_forward(X, **XOR_WEIGHTS)) on a shuffled batch")


@pytest.mark.graded("build_xor_model")
@pytest.mark.points(1)
@pytest.mark.timeout(120)
@pytest.mark.hint("Use hidden_units for the hidden layer and seed in keras.utils.set_random_seed(seed).")
def test_build_matches_reference(sub, ref):
    """hidden_units = 2, 5, 16 give the reference's weight shapes; seed=3 twice gives the same weights, seed=4 others"""
    for hidden_units in (2, 5, 16):
        model, what = built_model(sub.build_xor_model, hidden_units=hidden_units, seed=3)
        reference, _ = built_model(ref.build_xor_model, hidden_units=hidden_units, seed=3)
        shapes = [w.shape for w in initial_weights(model)]
        expected = [w.shape for w in initial_weights(reference)]
        if shapes != expected:
            raise Mismatch(f"the weight shapes of {what}", "differ from the expected Dense(hidden_units) -> "
                           "Dense(1) network", expected=expected, received=shapes)
    first = initial_weights(built_model(sub.build_xor_model, seed=3)[0])
    again = initial_weights(built_model(sub.build_xor_model, seed=3)[0])
    other = initial_weights(built_model(sub.build_xor_model, seed=4)[0])
    if not all(np.array_equal(a, b) for a, b in zip(first, again)):
        raise Mismatch("build_xor_model(seed=3), called twice", "gave different initial weights")
    if all(np.array_equal(a, b) for a, b in zip(first, other)):
        raise Mismatch("build_xor_model(seed=3) and build_xor_model(seed=4)",
                       "gave the same initial weights: the seed argument is ignored")


@pytest.mark.graded("train_xor_model")
@pytest.mark.points(1)
@pytest.mark.timeout(120)
@pytest.mark.hint("Fit the given model on XOR_X, XOR_Y for `epochs` epochs (batch_size=4); the default is epochs=100.")
def test_train_learns_on_reference_model(sub, ref):
    """a model from the reference build_xor_model learns XOR with the default epochs (100 recorded)"""
    keras = keras_module()
    model = ref.build_xor_model()
    history = sub.train_xor_model(model)
    if not isinstance(history, keras.callbacks.History):
        raise Mismatch("train_xor_model(model)", "expected the keras.callbacks.History that model.fit returns",
                       received=type(history).__name__)
    assert_equal(len(history.history.get("loss", [])), 100,
                 "the number of epochs recorded by train_xor_model(model) (the default epochs)")
    check_xor_predictions(model, "train_xor_model(model)")


@pytest.mark.graded("train_xor_model")
@pytest.mark.points(1)
@pytest.mark.timeout(120)
@pytest.mark.hint("Call keras.utils.set_random_seed(seed) before model.fit (the default is seed=0), "
                  "and train on the full batch of 4.")
def test_train_reproducible(sub, ref):
    """epochs=5 with the default seed and with seed=0: the reference's weights, identical, whatever the random state"""
    keras = keras_module()
    model = ref.build_xor_model(seed=1)
    ref.train_xor_model(model, epochs=5, seed=0)
    expected = initial_weights(model)
    trained = []
    for disturbance, kwargs in [(5, {}), (6, {"seed": 0})]:
        model = ref.build_xor_model(seed=1)
        keras.utils.set_random_seed(disturbance)
        sub.train_xor_model(model, epochs=5, **kwargs)
        trained.append(initial_weights(model))
        for index, (got, want) in enumerate(zip(trained[-1], expected)):
            what = f"weight array {index} after train_xor_model(model, epochs=5{', seed=0' if kwargs else ''})"
            assert_close(got, want, what, rtol=1e-4, atol=1e-6)
    for index, (a, b) in enumerate(zip(*trained)):
        if not np.array_equal(a, b):
            raise Mismatch(f"weight array {index} after train_xor_model(model, epochs=5, seed=0)",
                           "differs from the one after train_xor_model(model, epochs=5) on the same starting "
                           "model: the default seed is not 0, or the result depends on the random state before")
