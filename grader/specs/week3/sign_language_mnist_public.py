"""Public checks of 05_sign_language_mnist: fixed inputs, hard-coded expectations.

The loader is checked on small CSV files written into a temporary folder, well-formed and
malformed ones; every error message must name the file, the line and the problem.
Keras is imported inside the model checks only, so collecting these specs stays fast.
"""
import re

import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, call, show
from grader.student.data.sign_mnist import HEADER
from grader.student.keras_tools import keras_module, layers_of

VALID_LABELS = tuple(k for k in range(25) if k != 9)
NUM_CLASSES = 25
KERAS_TIMEOUT = 60


# ---------------------------------------------------------------- helpers (spec-only)

def fixed_image(k: int) -> np.ndarray:
    """A recognisable 28x28 uint8 image: pixel i (row-major) is (7 * i + 31 * k) % 256."""
    return ((7 * np.arange(784) + 31 * k) % 256).astype(np.uint8).reshape(28, 28)


def csv_line(label, pixels) -> str:
    return ",".join([str(label)] + [str(int(v)) for v in np.ravel(pixels)])


def write_csv(folder, name: str, lines: list[str], newline_at_end: bool = True):
    """A CSV file made of ``lines`` (the header is not added here)."""
    path = folder / name
    path.write_text("\n".join(lines) + ("\n" if newline_at_end and lines else ""), encoding="utf-8")
    return path


def good_lines(labels) -> list[str]:
    return [csv_line(label, fixed_image(k)) for k, label in enumerate(labels)]


def loaded(sub, path):
    """``load_sign_mnist(path)``, checked to return a pair."""
    what = f"load_sign_mnist({path.name!r})"
    out = sub.load_sign_mnist(str(path))
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Mismatch(what, "expected a pair (X, y)", received=out)
    return out, what


def check_arrays(X, y, X_expected, y_expected, what: str) -> None:
    X = assert_shape(X, X_expected.shape, f"X from {what}")
    if X.dtype != np.uint8:
        raise Mismatch(f"X from {what}", f"expected dtype uint8 (pixel values 0-255), got {X.dtype}", received=X)
    y = assert_shape(y, y_expected.shape, f"y from {what}")
    assert_integer(y, f"y from {what}")
    assert_equal(y.astype(np.int64), y_expected.astype(np.int64), f"y from {what}")
    assert_equal(X, X_expected, f"X from {what} (784 pixels reshaped row by row into 28x28)")


def expect_error(sub, path, line: int | None, keyword: str, problem: str) -> None:
    """``load_sign_mnist(path)`` raises ValueError naming the file, ``line`` and ``keyword``."""
    what = f"load_sign_mnist({path.name!r}) on a file with {problem}"
    try:
        sub.load_sign_mnist(str(path))
    except ValueError as error:
        message = str(error)
    except NotImplementedError:
        raise
    except Exception as error:
        raise Mismatch(what, f"expected a ValueError, got {type(error).__name__}: {error}") from None
    else:
        raise Mismatch(what, "returned normally; expected a ValueError naming the file, the line and the problem")
    missing = []
    if path.name not in message:
        missing.append(f"the file name {path.name!r}")
    if line is not None and not re.search(rf"\bline\s+{line}\b", message, flags=re.IGNORECASE):
        missing.append(f"'line {line}'")
    if keyword.lower() not in message.lower():
        missing.append(f"the word {keyword!r}")
    if missing:
        raise Mismatch(what, f"the error message lacks {', '.join(missing)}", received=message)


def built_model(build):
    keras = keras_module()
    model = build()
    if not isinstance(model, keras.Model):
        raise Mismatch("build_sign_model()", "expected a Keras model (keras.Sequential([...]))",
                       received=type(model).__name__)
    return model


def ready_images(count: int, seed: int) -> np.ndarray:
    """``count`` preprocessed stand-in images: float32 (count, 28, 28, 1) in [0, 1]."""
    from grader.student.data.sign_mnist import standin_arrays
    x_train, y_train, _, _ = standin_arrays()
    rows = np.random.default_rng(seed).choice(len(x_train), size=count, replace=False)
    return (x_train[rows].astype(np.float32) / 255.0)[..., None], y_train[rows]


def one_hot(labels) -> np.ndarray:
    """Targets for the model checks (the grader's own, not a check of preprocess)."""
    return np.eye(NUM_CLASSES, dtype=np.float32)[np.asarray(labels)]


def probabilities(model, images: np.ndarray, what: str, training: bool = False) -> np.ndarray:
    keras = keras_module()
    try:
        out = model(images, training=training)       # eager: no tf.function to trace for a few images
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise Mismatch(what, f"the model cannot take preprocessed images of shape {images.shape}: "
                       f"{type(error).__name__}: {first[:200]}") from None
    out = np.asarray(keras.ops.convert_to_numpy(out), dtype=float)
    assert_shape(out, (len(images), NUM_CLASSES), f"the output of {what}")
    if np.any(out < 0) or not np.allclose(out.sum(axis=1), 1.0, rtol=1e-5, atol=1e-5):
        raise Mismatch(f"the output of {what}", "is not 25 probabilities per image (non-negative, summing to 1): "
                       "end with Dense(25, activation=\"softmax\")", received=out.sum(axis=1))
    return out


def cross_entropy(p: np.ndarray, labels) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(labels)), np.asarray(labels)], 1e-7, 1.0))))


def require_compiled(model) -> None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise Mismatch("build_sign_model()", "the model is not compiled: call model.compile(optimizer=..., "
                       "loss=..., metrics=[...]) before returning it")


def dropout_layers(model) -> list:
    return layers_of(model, "Dropout")


# ---------------------------------------------------------------- load_sign_mnist

@pytest.mark.graded("load_sign_mnist")
@pytest.mark.timeout(30)
class TestLoadSignMnist:
    @pytest.mark.points(2)
    @pytest.mark.hint("The header is not an image. On every other line the first value is the label and the "
                      "next 784 are the pixels, row after row; collect the images into one uint8 array with an "
                      "image axis first and 28 x 28 after it.")
    def test_reads_a_small_file(self, sub, tmp_path):
        """a file of 4 images (labels 0, 3, 10, 24): X uint8 (4, 28, 28) and y integer (4,)"""
        labels = [0, 3, 10, 24]
        path = write_csv(tmp_path, "small.csv", [HEADER, *good_lines(labels)])
        (X, y), what = loaded(sub, path)
        expected = np.stack([fixed_image(k) for k in range(4)])
        check_arrays(X, y, expected, np.array(labels), what)

    @pytest.mark.points(1)
    @pytest.mark.hint("Check the file before the lines: empty -> 'empty'; first line not exactly the header "
                      "(label, then pixel1 to pixel784) -> 'line 1' and 'header'; not 785 values -> that line and "
                      "'columns'.")
    def test_structure_errors(self, sub, tmp_path):
        """an empty file, a header only, no header, a pixel0..pixel783 header, a short line: each a clear ValueError"""
        empty = tmp_path / "empty.csv"
        empty.write_text("", encoding="utf-8")
        expect_error(sub, empty, None, "empty", "no lines at all")
        expect_error(sub, write_csv(tmp_path, "header_only.csv", [HEADER]), None, "empty", "only the header")
        lines = good_lines([0, 1])
        expect_error(sub, write_csv(tmp_path, "no_header.csv", lines), 1, "header", "no header line")
        zero_based = "label," + ",".join(f"pixel{i}" for i in range(784))
        expect_error(sub, write_csv(tmp_path, "pixel0_header.csv", [zero_based, *lines]), 1, "header",
                     "a header naming pixel0..pixel783 instead of pixel1..pixel784")
        short = [HEADER, *good_lines([4]), lines[1].rsplit(",", 1)[0], *good_lines([5, 6])]
        expect_error(sub, write_csv(tmp_path, "short_line.csv", short), 3, "columns", "784 values on line 3")

    @pytest.mark.points(1)
    @pytest.mark.hint("Convert every value with int(...) (a failure -> 'integer'); a label must be 0-24 and not 9 "
                      "(-> 'label'); a pixel must be 0-255 (-> '0-255'); say the line number each time.")
    def test_value_errors(self, sub, tmp_path):
        """the pixels 12.5 and 'abc', labels 9, 25 and -1, and pixels 256, -1 and -3 each raise a clear ValueError"""
        def broken(name, line, label=None, pixel=None):
            rows = good_lines([0, 1, 2, 3])
            fields = rows[line - 2].split(",")
            if label is not None:
                fields[0] = str(label)
            if pixel is not None:
                fields[200] = str(pixel)
            rows[line - 2] = ",".join(fields)
            return write_csv(tmp_path, name, [HEADER, *rows])

        expect_error(sub, broken("fraction.csv", 2, pixel="12.5"), 2, "integer", "the pixel 12.5 on line 2")
        expect_error(sub, broken("word.csv", 5, pixel="abc"), 5, "integer", "the pixel 'abc' on line 5")
        expect_error(sub, broken("label_j.csv", 4, label=9), 4, "label", "label 9 (J) on line 4")
        expect_error(sub, broken("label_z.csv", 3, label=25), 3, "label", "label 25 (Z) on line 3")
        expect_error(sub, broken("label_negative.csv", 2, label=-1), 2, "label", "label -1 on line 2")
        expect_error(sub, broken("bright.csv", 3, pixel=256), 3, "0-255", "the pixel 256 on line 3")
        expect_error(sub, broken("dark.csv", 5, pixel=-3), 5, "0-255", "the pixel -3 on line 5")
        expect_error(sub, broken("just_below.csv", 4, pixel=-1), 4, "0-255", "the pixel -1 on line 4")


# ---------------------------------------------------------------- letter

@pytest.mark.graded("letter")
class TestLetter:
    @pytest.mark.points(1)
    @pytest.mark.hint('A label is the position of its letter in the whole alphabet A-Z, counted from 0 and not '
                      'renumbered after the missing J: 0 is "A", 8 is "I", 10 is "K". Letters have consecutive '
                      'character codes.')
    def test_known_letters(self, sub):
        """0 -> A, 1 -> B, 8 -> I, 10 -> K, 11 -> L, 24 -> Y, and np.int64(13) -> N"""
        for label, expected in [(0, "A"), (1, "B"), (8, "I"), (10, "K"), (11, "L"), (24, "Y"),
                                (np.int64(13), "N")]:
            assert_equal(sub.letter(label), expected, call("letter", label))

    @pytest.mark.points(1)
    @pytest.mark.hint("Only 0-24 without 9 are letters here: J (9) and Z (25) never occur, and nothing below 0 "
                      "or above 25 is a letter at all. Raise ValueError for the others.")
    def test_invalid_labels(self, sub):
        """9 (J), 25 (Z), -1 and 26 raise ValueError"""
        for label in (9, 25, -1, 26):
            what = call("letter", label)
            try:
                out = sub.letter(label)
            except ValueError:
                continue
            except NotImplementedError:
                raise
            except Exception as error:
                raise Mismatch(what, f"expected a ValueError, got {type(error).__name__}: {error}") from None
            raise Mismatch(what, "should raise ValueError: no Sign-MNIST letter has this label", received=out)


# ---------------------------------------------------------------- preprocess

# Pixel values 51 * k (k = 0..5) in a fixed pattern, and what they are on the 0-1 scale (stated, not computed).
_LEVEL = (np.arange(2 * 28 * 28).reshape(2, 28, 28) * 5) % 6
SIX_LEVELS = np.array([0, 51, 102, 153, 204, 255], dtype=np.uint8)[_LEVEL]
SIX_LEVELS_SCALED = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])[_LEVEL][..., None]


@pytest.mark.graded("preprocess")
class TestPreprocess:
    @pytest.mark.points(1)
    @pytest.mark.hint("The largest pixel, 255, must become 1.0 and 0 stay 0.0, in float32; Conv2D also wants a "
                      "channel axis of length 1 after the two image axes.")
    def test_images(self, sub):
        """two images of pixels 0, 51, 102, 153, 204, 255 become float32 (2, 28, 28, 1) of 0.0, 0.2, ..., 1.0"""
        what = "preprocess(X, y) with X of shape (2, 28, 28), pixels 0, 51, ..., 255"
        X_ready, _ = sub.preprocess(SIX_LEVELS.copy(), np.array([3, 10]))
        X_ready = assert_shape(X_ready, (2, 28, 28, 1), f"X_ready from {what}")
        if X_ready.dtype != np.float32:
            raise Mismatch(f"X_ready from {what}", f"expected dtype float32, got {X_ready.dtype}")
        assert_close(X_ready, SIX_LEVELS_SCALED, f"X_ready from {what}", rtol=1e-6)

    @pytest.mark.points(1)
    @pytest.mark.hint("One row per image and one column per label 0-24 (25 columns; the J column 9 stays 0): "
                      "a row is all 0.0 except 1.0 in the column of its own label, in float32.")
    def test_labels(self, sub):
        """labels [0, 10, 24] become float32 one-hot rows of width 25"""
        y = np.array([0, 10, 24])
        what = f"preprocess(X, y) with y = {show(y, details=False)}"
        _, Y = sub.preprocess(np.stack([fixed_image(k) for k in range(3)]), y.copy())
        Y = assert_shape(Y, (3, NUM_CLASSES), f"Y_onehot from {what}")
        if Y.dtype != np.float32:
            raise Mismatch(f"Y_onehot from {what}", f"expected dtype float32, got {Y.dtype}")
        expected = np.zeros((3, NUM_CLASSES))
        expected[0, 0] = expected[1, 10] = expected[2, 24] = 1.0    # row 0: label 0, row 1: label 10, row 2: label 24
        assert_equal(Y, expected, f"Y_onehot from {what}")


# ---------------------------------------------------------------- build_sign_model

@pytest.mark.graded("build_sign_model")
@pytest.mark.timeout(KERAS_TIMEOUT)
class TestBuildSignModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("The model takes what preprocess returns, one image of shape (28, 28, 1), and ends with a "
                      "softmax layer of one unit per one-hot column (25), so each output row is probabilities.")
    def test_shapes(self, sub):
        """takes (28, 28, 1) images, gives 25 probabilities per image (6 stand-in images)"""
        model = built_model(sub.build_sign_model)
        inputs = getattr(model, "inputs", None) or []
        if len(inputs) == 1 and tuple(inputs[0].shape)[1:] != (28, 28, 1):
            raise Mismatch("the input of build_sign_model()", "should be keras.Input(shape=(28, 28, 1)), "
                           "the shape preprocess gives", expected=(None, 28, 28, 1), received=tuple(inputs[0].shape))
        images, _ = ready_images(6, seed=1)
        probabilities(model, images, "build_sign_model() on 6 preprocessed images")

    @pytest.mark.points(1)
    @pytest.mark.hint("The labels are one-hot rows, so the loss is the cross-entropy for one-hot targets (not the "
                      "sparse one for integer labels); ask compile for the accuracy metric too.")
    def test_loss(self, sub):
        """on 16 stand-in images: the categorical cross-entropy of one-hot labels, and the accuracy metric"""
        model = built_model(sub.build_sign_model)
        require_compiled(model)
        images, labels = ready_images(16, seed=2)
        p = probabilities(model, images, "build_sign_model() on 16 preprocessed images")
        expected = cross_entropy(p, labels)
        try:
            results = model.evaluate(images, one_hot(labels), verbose=0, return_dict=True)
            loss = float(results["loss"])
        except Exception as error:
            raise Mismatch("model.evaluate(X_ready, Y_onehot)", f"failed ({type(error).__name__}): the loss must "
                           f"take one-hot labels, use categorical_crossentropy") from None
        if not np.isclose(loss, expected, rtol=1e-3, atol=1e-5):
            raise Mismatch("the loss that build_sign_model() reports on 16 images", "is not the categorical "
                           "cross-entropy of its outputs", expected=expected, received=loss,
                           tolerance="relative 1e-3 (float32)")
        reported = sorted(results)
        if "accuracy" not in reported:
            raise Mismatch("model.evaluate(X_ready, Y_onehot, return_dict=True)", "reports no accuracy: compile "
                           "with the accuracy metric (the demo reads history.history[\"accuracy\"])",
                           expected="'accuracy' among the results", received=reported)

    @pytest.mark.points(1)
    @pytest.mark.hint("A Dropout layer with a rate strictly between 0 and 1 switches off a random part of its "
                      "inputs while training and nothing at inference; a rate of 0 drops nothing.")
    def test_dropout(self, sub):
        """has a Dropout layer that changes the outputs of 8 stand-in images in training only"""
        model = built_model(sub.build_sign_model)
        layers = dropout_layers(model)
        rates = [float(layer.rate) for layer in layers]
        if not any(0.0 < rate < 1.0 for rate in rates):
            raise Mismatch("the layers of build_sign_model()", "need a keras.layers.Dropout with a rate between "
                           "0 and 1", received=rates or [type(layer).__name__ for layer in model.layers])
        images, _ = ready_images(8, seed=3)
        first = probabilities(model, images, "build_sign_model() (inference)")
        again = probabilities(model, images, "build_sign_model() (inference, again)")
        assert_close(again, first, "two predictions of the same images (dropout is off at inference)", rtol=1e-5)
        keras = keras_module()
        keras.utils.set_random_seed(4)
        training = probabilities(model, images, "build_sign_model() with training=True", training=True)
        if np.allclose(training, first, rtol=1e-6, atol=1e-7):
            raise Mismatch("model(X, training=True)", "equals the inference output: dropout never drops anything")

    @pytest.mark.points(1)
    @pytest.mark.hint("Compile with an optimizer that actually takes steps (a learning rate above 0): then a few "
                      "epochs on the same images lower the loss.")
    def test_training_lowers_loss(self, sub):
        """5 epochs on 64 stand-in images lower the loss"""
        keras = keras_module()
        keras.utils.set_random_seed(0)
        model = built_model(sub.build_sign_model)
        require_compiled(model)
        images, labels = ready_images(64, seed=5)
        targets = one_hot(labels)
        before = float(model.evaluate(images, targets, verbose=0, return_dict=True)["loss"])
        model.fit(images, targets, epochs=5, batch_size=16, verbose=0)
        after = float(model.evaluate(images, targets, verbose=0, return_dict=True)["loss"])
        if not after < 0.9 * before:
            raise Mismatch("the loss on 64 images after model.fit(..., epochs=5)", "did not go down by 10%",
                           expected=f"< {0.9 * before:.4f} (it was {before:.4f})", received=after)
