"""Public checks of 02_xor_mlp: fixed inputs, hard-coded expectations.

Keras is imported inside the Keras checks only, so collecting these specs stays fast.
"""

import numpy as np
import pytest

from grader.student.compare import (Mismatch, assert_close, assert_equal, assert_shape, builds_on, call, show,
                                    without_overflow)
from grader.student.submission import MissingDefinition
from grader.student.keras_tools import keras_module

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([[0], [1], [1], [0]])
XOR_WEIGHT_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}
TRAIN_EPOCHS = 50       # XOR with Adam(0.05) and 8 ReLU units is solved well before this


# ---------------------------------------------------------------- helpers (spec-only)

def moderate_sigmoid(z):
    """The logistic function for the moderate inputs these checks use (|z| well below 700)."""
    return 1.0 / (1.0 + np.exp(-z))


# sigmoid([-2, 0.5, 3]), hard-coded.
SIGMOID_AT = {-2.0: 0.11920292202211755, 0.5: 0.6224593312018546, 3.0: 0.9525741268224334}


def guarded_sigmoid(sigmoid, z):
    """Call the student's sigmoid with floating-point overflow (or a warning) as a failure."""
    with without_overflow(call("sigmoid", z)):
        return sigmoid(z)


def sigmoid_probe(sub) -> None:
    """A short check of the student's sigmoid on hard-coded values (raises if it is wrong)."""
    z = np.array([0.0, np.log(3.0), -np.log(3.0)])
    assert_close(sub.sigmoid(z), [0.5, 0.75, 0.25], call("sigmoid", z), rtol=1e-9)


def building_on_sigmoid(sub):
    """mlp_forward uses the student's sigmoid, as the notebook asks: name it when it is wrong."""
    return builds_on("mlp_forward", {"sigmoid": lambda: sigmoid_probe(sub)})


def xor_weights(sub):
    """The student's XOR_WEIGHTS; when it is missing, say that it is probably not written yet."""
    try:
        return sub.XOR_WEIGHTS
    except MissingDefinition:
        raise Mismatch("XOR_WEIGHTS", "is not defined: not implemented yet, or its cell raised an error. "
                       "Replace `raise NotImplementedError()` in its cell with the dict, run the cell, "
                       "and check the spelling `XOR_WEIGHTS`.") from None


def to_numpy(value) -> np.ndarray:
    return np.asarray(keras_module().ops.convert_to_numpy(value), dtype=float)


def model_layers(model) -> list:
    """The model's layers without the input layer (which the functional API lists)."""
    keras = keras_module()
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def layer_summary(model) -> str:
    return "[" + ", ".join(f"{type(layer).__name__}({getattr(layer, 'units', '')})"
                           for layer in model_layers(model)) + "]"


def built_model(build, **kwargs):
    """``build(**kwargs)``, checked to be a Keras model that maps (4, 2) inputs to (4, 1)."""
    keras = keras_module()
    what = call("build_xor_model", **kwargs)
    model = build(**kwargs)
    if not isinstance(model, keras.Model):
        raise Mismatch(what, "expected a Keras model (keras.Sequential([...]))",
                       received=type(model).__name__)
    out = to_numpy(model(XOR_X.astype("float32")))
    assert_shape(out, (4, 1), f"the output of {what} on the four XOR inputs")
    return model, what


def require_compiled(model, what: str) -> None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise Mismatch(what, "the model is not compiled: call model.compile(optimizer=..., loss=..., "
                       "metrics=[...]) before returning it")


def evaluate(model) -> dict:
    return {k: float(to_numpy(v)) for k, v in
            model.evaluate(XOR_X, XOR_LABELS.astype(float), verbose=0, return_dict=True).items()}


def initial_weights(model) -> list:
    return [np.asarray(w) for w in model.get_weights()]


def check_layers(model, what: str, units: int) -> None:
    """Exactly two Dense layers, of ``units`` and 1 units."""
    keras = keras_module()
    layers = model_layers(model)
    if len(layers) != 2 or not all(isinstance(layer, keras.layers.Dense) for layer in layers):
        raise Mismatch(what, "expected exactly two Dense layers", expected=f"[Dense({units}), Dense(1)]",
                       received=layer_summary(model))
    assert_equal([int(layer.units) for layer in layers], [units, 1], f"units of the two layers of {what}")


def build_probe(sub) -> None:
    """A short check of the student's build_xor_model (raises if the model is not as asked)."""
    model, what = built_model(sub.build_xor_model)
    check_layers(model, what, 8)
    require_compiled(model, what)


def building_on_build(sub):
    """The public train_xor_model checks train the model the student's build_xor_model returns:
    name build_xor_model when that is what fails."""
    return builds_on("train_xor_model", {"build_xor_model": lambda: build_probe(sub)},
                     relation="is checked here on the model it returns")


def check_xor_predictions(model, what: str) -> None:
    out = to_numpy(model(XOR_X.astype("float32")))
    assert_shape(out, (4, 1), f"the output of the model after {what}")
    wrong = np.round(out) != XOR_LABELS
    if wrong.any():
        raise Mismatch(f"the model after {what}", f"misclassifies {int(wrong.sum())} of the 4 XOR inputs "
                       f"(outputs rounded to 0/1 should be [0, 1, 1, 0])",
                       expected=XOR_LABELS.ravel(), received=out.ravel())


# ---------------------------------------------------------------- collapse_linear

@pytest.mark.graded("collapse_linear")
class TestCollapseLinear:
    @pytest.mark.points(1)
    @pytest.mark.hint("Order matters in a matrix product: the first layer's weights come first. The first bias "
                      "also passes through the second layer's weights (see the formula in section 1).")
    def test_small_example(self, sub):
        """a 2-3-2 example worked out by hand"""
        W1 = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
        b1 = np.array([1.0, 0.0, -2.0])
        W2 = np.array([[2.0, 1.0], [0.0, -1.0], [1.0, 1.0]])
        b2 = np.array([0.5, -1.0])
        what = call("collapse_linear", W1, b1, W2, b2)
        W, b = sub.collapse_linear(W1, b1, W2, b2)
        assert_close(W, [[2.0, -1.0], [3.0, 4.0]], f"W from {what}", rtol=1e-12)
        assert_close(b, [0.5, -2.0], f"b from {what}", rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("Expand (X @ W1 + b1) @ W2 + b2 and collect the terms that multiply X and those that don't.")
    def test_equals_two_layers(self, sub):
        """X @ W + b equals (X @ W1 + b1) @ W2 + b2 for (d, h, k) = (4, 3, 2), (1, 5, 1), (3, 1, 4)"""
        rng = np.random.default_rng(2020)
        for d, h, k in [(4, 3, 2), (1, 5, 1), (3, 1, 4)]:
            W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
            W2, b2 = rng.normal(size=(h, k)), rng.normal(size=k)
            X = rng.normal(size=(6, d))
            what = call("collapse_linear", W1, b1, W2, b2)
            W, b = sub.collapse_linear(W1, b1, W2, b2)
            assert_shape(W, (d, k), f"W from {what}")
            assert_shape(b, (k,), f"b from {what}")
            assert_close(X @ np.asarray(W) + np.asarray(b), (X @ W1 + b1) @ W2 + b2,
                         f"X @ W + b with (W, b) from {what}", rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- sigmoid

@pytest.mark.graded("sigmoid")
class TestSigmoid:
    @pytest.mark.points(1)
    @pytest.mark.hint("sigmoid(z) = 1 / (1 + exp(-z)): sigmoid(0) = 0.5, and large z gives values near 1.")
    def test_known_values(self, sub):
        """sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75, sigmoid(-ln 3) = 0.25, shape kept"""
        z = np.array([[0.0, np.log(3.0)], [-np.log(3.0), 0.0]])
        got = guarded_sigmoid(sub.sigmoid, z)
        assert_close(got, [[0.5, 0.75], [0.25, 0.5]], call("sigmoid", z), rtol=1e-12)

    @pytest.mark.points(2)
    @pytest.mark.hint("exp of a large positive number overflows: only ever take exp of -|z| (<= 0) and choose "
                      "the formula by the sign of z. np.where computes both branches, so neither may overflow.")
    def test_large_inputs(self, sub):
        """z = [-1000, -50, 50, 1000] and the numbers ±1000.0: no overflow or warning, exactly 0.0 and 1.0 at ±1000"""
        z = np.array([-1000.0, -50.0, 50.0, 1000.0])
        got = guarded_sigmoid(sub.sigmoid, z)
        assert_close(got, [0.0, 1.9287498479639178e-22, 1.0, 1.0], call("sigmoid", z), rtol=1e-9)
        assert_equal(np.asarray(got)[[0, 3]], np.array([0.0, 1.0]), f"the two ends of {call('sigmoid', z)}")
        for scalar, want in [(-1000.0, 0.0), (1000.0, 1.0)]:
            got = guarded_sigmoid(sub.sigmoid, scalar)
            assert_equal(float(np.asarray(got)), want, call("sigmoid", scalar))


# ---------------------------------------------------------------- mlp_forward

FORWARD_W1 = np.array([[1.5, -2.0, 0.5], [-1.0, 2.5, 1.0]])
FORWARD_B1 = np.array([0.25, -0.5, 1.0])
FORWARD_W2 = np.array([[2.0], [-1.5], [0.75]])
FORWARD_B2 = np.array([-0.5])
FORWARD_EXPECTED = np.array([[0.6471045263795313], [0.3730965737092849], [0.8459651371853592],
                             [0.6902875071968945]])


@pytest.mark.graded("mlp_forward")
class TestMlpForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("Keep the column: with W2 of shape (h, 1) the output layer already gives (n, 1); "
                      "don't ravel or squeeze it.")
    def test_output_shape(self, sub):
        """the 4 XOR inputs through a fixed 2-3-1 network give an output of shape (4, 1) with the right values"""
        what = call("mlp_forward", XOR_X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
        with building_on_sigmoid(sub):
            got = sub.mlp_forward(XOR_X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
            assert_shape(got, (4, 1), what)
            assert_close(got, FORWARD_EXPECTED, what, rtol=1e-9)

    @pytest.mark.points(2)
    @pytest.mark.hint("A sigmoid after each of the two layers, and both biases (the two steps of section 3); "
                      "if sigmoid's own check fails, fix sigmoid first.")
    def test_values(self, sub):
        """values on a fixed 2-3-1 network: the 4 XOR inputs, then the same inputs in reverse order"""
        with building_on_sigmoid(sub):
            for X, expected in [(XOR_X, FORWARD_EXPECTED), (XOR_X[::-1].copy(), FORWARD_EXPECTED[::-1])]:
                what = call("mlp_forward", X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
                got = sub.mlp_forward(X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
                assert_close(got, expected, what, rtol=1e-9)


# ---------------------------------------------------------------- XOR_WEIGHTS

@pytest.mark.graded("XOR_WEIGHTS")
class TestXorWeights:
    @pytest.mark.points(1)
    @pytest.mark.hint('XOR_WEIGHTS = {"W1": (2, 2) array, "b1": (2,), "W2": (2, 1), "b2": (1,)}; '
                      'write b2 as np.array([value]).')
    def test_keys_and_shapes(self, sub):
        """a dict with W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)"""
        weights = xor_weights(sub)
        if not isinstance(weights, dict):
            raise Mismatch("XOR_WEIGHTS", "expected a dict", received=type(weights).__name__)
        missing = [key for key in XOR_WEIGHT_SHAPES if key not in weights]
        if missing:
            raise Mismatch("XOR_WEIGHTS", f"missing key(s) {', '.join(map(repr, missing))}",
                           expected=sorted(XOR_WEIGHT_SHAPES), received=sorted(map(str, weights)))
        for key, shape in XOR_WEIGHT_SHAPES.items():
            assert_shape(weights[key], shape, f'XOR_WEIGHTS["{key}"]')

    @pytest.mark.points(2)
    @pytest.mark.hint("One hidden unit computes NAND, the other OR (a column of W1 each); the output unit ANDs "
                      "them. Use large weights (around 20) so each sigmoid acts like a step.")
    def test_solves_xor(self, sub):
        """rounds to XOR on all four inputs (checked with the grader's own forward pass)"""
        weights = xor_weights(sub)
        for key, shape in XOR_WEIGHT_SHAPES.items():
            assert_shape(weights.get(key) if isinstance(weights, dict) else None, shape, f'XOR_WEIGHTS["{key}"]')
        W1, b1, W2, b2 = (np.asarray(weights[key], dtype=float) for key in ("W1", "b1", "W2", "b2"))
        out = moderate_sigmoid(moderate_sigmoid(XOR_X @ W1 + b1) @ W2 + b2)
        what = "sigmoid(sigmoid(XOR_X @ W1 + b1) @ W2 + b2) with XOR_WEIGHTS"
        assert_shape(out, (4, 1), what)
        wrong = np.round(out) != XOR_LABELS
        if wrong.any():
            row = int(np.argwhere(wrong)[0][0])
            raise Mismatch(what, f"input {XOR_X[row].astype(int).tolist()} gives {out[row, 0]:.4f}, which rounds to "
                           f"{int(np.round(out[row, 0]))}, but XOR is {XOR_LABELS[row, 0]} "
                           f"({int(wrong.sum())} of 4 wrong)",
                           expected=XOR_LABELS.ravel(), received=out.ravel())


# ---------------------------------------------------------------- build_xor_model

@pytest.mark.graded("build_xor_model")
@pytest.mark.timeout(120)
class TestBuildXorModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("keras.Sequential([keras.Input(shape=(2,)), Dense(hidden_units, ...), Dense(1, ...)]): "
                      "exactly two Dense layers.")
    def test_layers(self, sub):
        """two Dense layers: hidden_units units (8 by default, then hidden_units=3), then 1 unit"""
        for kwargs, units in [({}, 8), ({"hidden_units": 3}, 3)]:
            model, what = built_model(sub.build_xor_model, **kwargs)
            check_layers(model, what, units)

    @pytest.mark.points(1)
    @pytest.mark.hint('Hidden layer activation="relu", output layer activation="sigmoid".')
    def test_activations(self, sub):
        """build_xor_model(): ReLU in the hidden layer, sigmoid at the output (on z = [-2, 0.5, 3])"""
        model, what = built_model(sub.build_xor_model)
        z = np.array([-2.0, 0.5, 3.0], dtype="float32")
        hidden, output = model_layers(model)[0], model_layers(model)[-1]
        for layer, name, expected in [(hidden, "hidden", np.maximum(z, 0)), (output, "output", np.array(list(SIGMOID_AT.values())))]:
            function = getattr(layer, "activation", None)
            got = to_numpy(function(z)) if function is not None else z
            assert_close(got, expected, f"the activation of the {name} layer of {what} "
                         f"({getattr(function, '__name__', function)}) on {show(z, details=False)}", rtol=1e-5)

    @pytest.mark.points(1)
    @pytest.mark.hint('model.compile(..., loss="binary_crossentropy", ...): the loss for a 0/1 target '
                      'with a sigmoid output.')
    def test_loss(self, sub):
        """build_xor_model() is compiled with the binary cross-entropy (its loss on the four XOR inputs)"""
        model, what = built_model(sub.build_xor_model)
        require_compiled(model, what)
        p = np.clip(to_numpy(model(XOR_X.astype("float32"))), 1e-7, 1 - 1e-7)
        bce = float(-np.mean(XOR_LABELS * np.log(p) + (1 - XOR_LABELS) * np.log(1 - p)))
        loss = evaluate(model)["loss"]
        if not np.isclose(loss, bce, rtol=1e-4):
            raise Mismatch(f"the loss that {what} reports on the XOR inputs",
                           "is not the binary cross-entropy of its outputs", expected=bce, received=loss,
                           tolerance="relative 1e-4 (float32)")

    @pytest.mark.points(1)
    @pytest.mark.hint('model.compile(..., metrics=["accuracy"]).')
    def test_accuracy_metric(self, sub):
        """build_xor_model() reports the accuracy metric (on the four XOR inputs)"""
        model, what = built_model(sub.build_xor_model)
        require_compiled(model, what)
        out = to_numpy(model(XOR_X.astype("float32")))
        results = evaluate(model)
        names = [name for name in results if name != "loss" and "acc" in name]
        if not names:
            raise Mismatch(f"model.evaluate of {what}", "reports no accuracy metric",
                           expected="loss and accuracy", received=sorted(results))
        expected = float(np.mean((out > 0.5) == XOR_LABELS))
        assert_close(results[names[0]], expected, f"the {names[0]} that {what} reports on the XOR inputs "
                     f"(share of outputs on the right side of 0.5)", rtol=1e-6)

    @pytest.mark.points(1)
    @pytest.mark.hint("optimizer=keras.optimizers.Adam(learning_rate=0.05); the string \"adam\" uses 0.001, "
                      "too slow for XOR.")
    def test_optimizer(self, sub):
        """build_xor_model() uses Adam with learning rate 0.05"""
        keras = keras_module()
        model, what = built_model(sub.build_xor_model)
        require_compiled(model, what)
        optimizer = model.optimizer
        if not isinstance(optimizer, keras.optimizers.Adam):
            raise Mismatch(f"the optimizer of {what}", "expected Adam", received=type(optimizer).__name__)
        assert_close(float(to_numpy(optimizer.learning_rate)), 0.05, f"the learning rate of {what}", rtol=1e-6)

    @pytest.mark.points(1)
    @pytest.mark.hint("Call keras.utils.set_random_seed(seed) as the first line, before creating any layer; "
                      "the default is seed=0.")
    def test_reproducible(self, sub):
        """build_xor_model() vs (hidden_units=8, seed=0): same two Dense layers and initial weights, any prior state"""
        keras = keras_module()
        keras.utils.set_random_seed(11)
        first, what_first = built_model(sub.build_xor_model)
        check_layers(first, what_first, 8)
        keras.utils.set_random_seed(22)
        second, what = built_model(sub.build_xor_model, hidden_units=8, seed=0)
        for index, (a, b) in enumerate(zip(initial_weights(second), initial_weights(first))):
            if a.shape != b.shape or not np.array_equal(a, b):
                raise Mismatch(f"initial weights of {what_first} and of {what}", f"differ (weight array {index}): "
                               f"the default seed is not 0, or the result depends on the random state before "
                               f"the call", expected=a, received=b)


# ---------------------------------------------------------------- train_xor_model

@pytest.mark.graded("train_xor_model")
@pytest.mark.timeout(120)
class TestTrainXorModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("Return what model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, verbose=0) returns; "
                      "pass epochs through. (Uses your build_xor_model.)")
    def test_returns_history(self, sub):
        """returns the History of model.fit, with one loss per epoch (a build_xor_model() model, epochs=3)"""
        keras = keras_module()
        with building_on_build(sub):
            model, _ = built_model(sub.build_xor_model)
            what = "train_xor_model(build_xor_model(), epochs=3)"
            history = sub.train_xor_model(model, epochs=3)
            if not isinstance(history, keras.callbacks.History):
                raise Mismatch(what, "expected the keras.callbacks.History that model.fit returns",
                               received=type(history).__name__)
            losses = history.history.get("loss", [])
            assert_equal(len(losses), 3, f"the number of epochs recorded in history.history['loss'] from {what}")

    @pytest.mark.points(2)
    @pytest.mark.hint("Fit on XOR_X and XOR_Y for `epochs` epochs. If this fails, check build_xor_model first "
                      "(this check trains the model your build_xor_model() returns).")
    def test_learns_xor(self, sub):
        """after train_xor_model(build_xor_model(), epochs=50) the model classifies the four XOR inputs"""
        with building_on_build(sub):
            model, _ = built_model(sub.build_xor_model)
            sub.train_xor_model(model, epochs=TRAIN_EPOCHS)
            check_xor_predictions(model, f"train_xor_model(build_xor_model(), epochs={TRAIN_EPOCHS})")
