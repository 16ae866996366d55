"""Public checks of 06_mnist_homework: fixed inputs, hard-coded expectations.

The ``accuracy`` checks train the student's model once (:func:`grader.student.model_eval.grade_model`)
and score it on a validation part of the student's own training data; the hidden module
scores the same trained model on the test part only the grader holds.
Keras is imported inside the checks only, so collecting these specs stays fast.
"""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape
from grader.student.data.mnist import bundled_training_split, write_mnist_folder, write_mnist_npz
from grader.student.model_eval import TIERS, budget_for, data_kind, grade_model, grading_plan, percent
from grader.student.keras_tools import keras_module, layers_of, watch_layer_class

KIND = data_kind()
ACCURACY_TIMEOUT = budget_for(KIND) + 120      # training budget, plus saving and evaluating
KERAS_TIMEOUT = 60


# ---------------------------------------------------------------- helpers (spec-only)

def small_split(seed: int, n_train: int, n_test: int) -> tuple:
    """Random raw MNIST-like arrays: uint8 images (n, 28, 28) and uint8 labels 0-9."""
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, size=(n_train, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_train).astype(np.uint8),
            rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_test).astype(np.uint8))


def point_data_at(monkeypatch, tmp_path, mnist_path=None, cache_split=None):
    """Set MNIST_PATH (or remove it) and give Keras an empty home, or one whose cache holds ``cache_split``."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(home / ".keras"))
    if cache_split is not None:
        write_mnist_npz(home / ".keras" / "datasets" / "mnist.npz", *cache_split)
    if mnist_path is None:
        monkeypatch.delenv("MNIST_PATH", raising=False)
    else:
        monkeypatch.setenv("MNIST_PATH", str(mnist_path))


def check_loaded(sub, x_expected, y_expected, what: str) -> None:
    """``load_mnist()`` returns exactly (x_expected, y_expected): a pair, raw uint8 images, integer labels."""
    out = sub.load_mnist()
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Mismatch(what, "expected a pair (x_train, y_train)", received=out)
    x, y = out
    x = assert_shape(x, x_expected.shape, f"x_train from {what}")
    if x.dtype != np.uint8:
        raise Mismatch(f"x_train from {what}", f"expected the raw images, dtype uint8 with values 0-255, "
                       f"got dtype {x.dtype} (don't scale or convert them here)", received=x)
    y = assert_shape(y, y_expected.shape, f"y_train from {what}")
    assert_integer(y, f"y_train from {what}")
    assert_equal(x, x_expected, f"x_train from {what}")
    assert_equal(y.astype(np.int64), y_expected.astype(np.int64), f"y_train from {what}")


def built_model(build):
    """``build()``, checked to be a Keras model; returns it."""
    keras = keras_module()
    model = build()
    if not isinstance(model, keras.Model):
        raise Mismatch("build_model()", "expected a Keras model (keras.Sequential([...]))",
                       received=type(model).__name__)
    return model


def probabilities(model, images: np.ndarray, what: str) -> np.ndarray:
    """The model's outputs on raw ``images``, checked to be (n, 10) probabilities."""
    try:
        out = np.asarray(model.predict(images, verbose=0), dtype=float)
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise Mismatch(what, f"the model cannot take raw images of shape {images.shape} (uint8 0-255): "
                       f"{type(error).__name__}: {first[:200]}") from None
    assert_shape(out, (len(images), 10), f"the output of {what}")
    if np.any(out < 0) or not np.allclose(out.sum(axis=1), 1.0, rtol=1e-5, atol=1e-5):
        raise Mismatch(f"the output of {what}", "is not 10 probabilities per image (non-negative, summing "
                       "to 1): end with Dense(10, activation=\"softmax\")",
                       expected="rows summing to 1", received=out.sum(axis=1))
    return out


def rescaling_layers(model) -> list:
    return layers_of(model, "Rescaling")


def sample_images(count: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` of the bundled training digits (every digit class), raw."""
    x, y = bundled_training_split()
    return x[offset:offset + count], y[offset:offset + count].astype(np.int64)


def tiny_model(seed: int = 0, watch: bool = False):
    """A small dense model the grader trusts: Rescaling, Flatten, Dense(10, softmax), Adam(0.01).

    With ``watch``, a first layer records, during training only, the largest input value and
    the number of images it saw (``model.watch.largest`` / ``model.watch.images``).
    """
    keras = keras_module()
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(28, 28))]
    watcher = None
    if watch:
        watcher = watch_layer_class()()
        layers.append(watcher)
    layers += [keras.layers.Rescaling(1 / 255), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.watch = watcher
    return model


def history_of(sub, model, x, y, what: str):
    """``train_model(model, x, y)``, checked to return the History of fitting that model."""
    keras = keras_module()
    history = sub.train_model(model, x, y)
    if not isinstance(history, keras.callbacks.History):
        raise Mismatch(what, "expected the keras.callbacks.History that model.fit returns",
                       received=type(history).__name__)
    losses = history.history.get("loss", []) if isinstance(getattr(history, "history", None), dict) else []
    if not losses:
        raise Mismatch(what, "the History records no epoch (history.history['loss'] is empty): "
                       "call model.fit(x_train, y_train, epochs=..., ...) and return what it returns")
    if getattr(history, "model", model) is not model:
        raise Mismatch(what, "returned the History of another model: train the model you were given, "
                       "don't build a new one")
    return history


def accuracy_on(model, x, y) -> float:
    return float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y))


def graded_model(sub):
    """The student's model, trained once by the grader (shared by the public and hidden checks)."""
    data = grading_plan()
    graded = grade_model(sub.build_model, sub.train_model, data)
    if graded.not_implemented:
        raise NotImplementedError()
    if graded.error:
        raise Mismatch("grading build_model() and train_model()", graded.error)
    return graded, data


def training_summary(graded, data) -> str:
    return (f"(the grader trained build_model() with train_model() on {len(data.x_fit):,} images "
            f"in {graded.seconds:.0f} s; budget {data.budget:.0f} s)")


# ---------------------------------------------------------------- load_mnist

@pytest.mark.graded("load_mnist")
@pytest.mark.timeout(30)
class TestLoadMnist:
    @pytest.mark.points(1)
    @pytest.mark.hint("When neither MNIST_PATH nor Keras's cache gives a file, the third source in the table is "
                      "the answer, passed on unchanged: raw uint8 images (4000, 28, 28) and integer labels.")
    def test_bundled_digits(self, sub, monkeypatch, tmp_path):
        """without MNIST_PATH or a Keras cache: the 4,000 bundled training digits, raw"""
        point_data_at(monkeypatch, tmp_path)
        x, y = bundled_training_split()
        assert_equal(np.bincount(y, minlength=10), np.full(10, 400), "images per digit in the bundled split")
        check_loaded(sub, x, y, "load_mnist() without MNIST_PATH and without a Keras cache")

    @pytest.mark.points(1)
    @pytest.mark.hint("A file in MNIST_PATH is a Keras mnist.npz; its reader gives four arrays, train before "
                      "test: return only the training pair, unchanged.")
    def test_npz_file(self, sub, monkeypatch, tmp_path):
        """MNIST_PATH naming an mnist.npz file: its training split (12 images), raw"""
        split = small_split(6, 12, 5)
        path = write_mnist_npz(tmp_path / "data" / "mnist.npz", *split)
        point_data_at(monkeypatch, tmp_path, mnist_path=path)
        check_loaded(sub, split[0], split[1], f"load_mnist() with MNIST_PATH={path.name}")

    @pytest.mark.points(1)
    @pytest.mark.hint("MNIST_PATH may also name a folder of IDX files, which needs the other reader: tell a "
                      "folder from a file before reading, and return the training pair.")
    def test_idx_folder(self, sub, monkeypatch, tmp_path):
        """MNIST_PATH naming a folder of four gzipped IDX files: its training split (9 images)"""
        split = small_split(7, 9, 4)
        folder = write_mnist_folder(tmp_path / "idx", *split, gz=True)
        point_data_at(monkeypatch, tmp_path, mnist_path=folder)
        check_loaded(sub, split[0], split[1], "load_mnist() with MNIST_PATH naming a folder of IDX files")


# ---------------------------------------------------------------- build_model

@pytest.mark.graded("build_model")
@pytest.mark.timeout(KERAS_TIMEOUT)
class TestBuildModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("The model receives the raw images exactly as load_mnist returns them, 28 x 28 with no "
                      "channel axis, and ends with one softmax unit per digit.")
    def test_raw_images_in_probabilities_out(self, sub):
        """takes raw images of shape (28, 28), gives 10 probabilities per image (8 bundled digits)"""
        model = built_model(sub.build_model)
        inputs = getattr(model, "inputs", None) or []
        if len(inputs) == 1 and tuple(inputs[0].shape)[1:] != (28, 28):
            raise Mismatch("the input of build_model()", "should be raw images: keras.Input(shape=(28, 28)) "
                           "(add the channel axis inside the model with Reshape((28, 28, 1)))",
                           expected=(None, 28, 28), received=tuple(inputs[0].shape))
        x, _ = sample_images(8)
        probabilities(model, x, "build_model() on 8 raw images")

    @pytest.mark.points(1)
    @pytest.mark.hint("The scaling to 0-1 is a layer of the model, not a step before it: a Rescaling layer "
                      "whose factor takes 255 to 1.")
    def test_rescaling_inside(self, sub):
        """scales the pixels inside the model: a Rescaling layer taking 0-255 to about 0-1"""
        model = built_model(sub.build_model)
        layers = rescaling_layers(model)
        if not layers:
            raise Mismatch("the layers of build_model()", "no keras.layers.Rescaling layer: preprocessing belongs "
                           "inside the model",
                           received=[type(layer).__name__ for layer in model.layers])
        spans = [float(np.max(np.abs(np.asarray(layer.scale, dtype=float)))) * 255 for layer in layers]
        if not any(0.9 <= span <= 2.1 for span in spans):
            raise Mismatch("the Rescaling layer of build_model()", "should map 0-255 to about 0-1 "
                           "(scale=1/255)", expected=1 / 255, received=spans[0] / 255)

    @pytest.mark.points(1)
    @pytest.mark.hint("The labels are integers 0-9, not one-hot rows: compile with the cross-entropy made for "
                      "integer labels (its name starts with sparse_).")
    def test_loss(self, sub):
        """on 16 bundled digits: the sparse categorical cross-entropy of integer labels"""
        model = built_model(sub.build_model)
        if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
            raise Mismatch("build_model()", "the model is not compiled: call model.compile(optimizer=..., "
                           "loss=..., metrics=[...]) before returning it")
        x, y = sample_images(16)
        p = probabilities(model, x, "build_model() on 16 raw images")
        expected = float(-np.mean(np.log(np.clip(p[np.arange(16), y], 1e-7, 1.0))))
        try:
            results = model.evaluate(x, y, verbose=0, return_dict=True)
        except Exception as error:
            raise Mismatch("model.evaluate(x, y) with integer labels y", f"failed ({type(error).__name__}): "
                           f"the loss must accept integer labels, use sparse_categorical_crossentropy") from None
        loss = float(results["loss"])
        if not np.isclose(loss, expected, rtol=1e-3, atol=1e-5) and not (model.losses and loss > expected):
            raise Mismatch("the loss that build_model() reports on 16 images", "is not the sparse categorical "
                           "cross-entropy of its outputs", expected=expected, received=loss,
                           tolerance="relative 1e-3 (float32)")

    @pytest.mark.points(1)
    @pytest.mark.hint("Use built-in layers only (Rescaling, Reshape, Conv2D, Dense, ...): Lambda layers and "
                      "custom classes cannot be loaded in safe mode.")
    def test_loads_in_safe_mode(self, sub, tmp_path):
        """saved as .keras and loaded with safe_mode=True, it gives the same outputs on 8 bundled digits"""
        from grader.student.model_eval import SubmissionError, load_trained
        model = built_model(sub.build_model)
        x, _ = sample_images(8)
        before = probabilities(model, x, "build_model() on 8 raw images")
        path = tmp_path / "model.keras"
        model.save(path)
        try:
            loaded = load_trained(path)
        except SubmissionError as error:
            raise Mismatch("keras.models.load_model(path, safe_mode=True)", str(error)) from None
        assert_close(probabilities(loaded, x, "the reloaded model"), before,
                     "outputs of the model reloaded in safe mode", rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- train_model

@pytest.mark.graded("train_model")
@pytest.mark.timeout(KERAS_TIMEOUT)
class TestTrainModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("Train the model you were given on the images you were given, raw (the model rescales "
                      "them itself), with the progress display switched off, and hand back what fit returns: "
                      "the History.")
    def test_returns_history_of_raw_fit(self, sub):
        """returns the History of fitting the given model on 96 raw 0-255 images, with verbose=0"""
        model = tiny_model(watch=True)
        x, y = sample_images(96)
        history = history_of(sub, model, x, y, "train_model(model, x_train, y_train) with 96 images")
        largest = model.watch.largest
        if largest != 255.0:
            raise Mismatch("the largest pixel value the model saw while training", "should be 255: pass the raw "
                           "images to model.fit (the model rescales them itself)", expected=255.0,
                           received=largest)
        verbose = (getattr(history, "params", None) or {}).get("verbose", 0)
        if verbose != 0:
            raise Mismatch("the verbose setting of model.fit in train_model", "should be 0: section 3 asks to "
                           "switch the progress display off", expected=0, received=verbose)

    @pytest.mark.points(1)
    @pytest.mark.hint("Train on the x_train and y_train arguments (don't load data inside train_model), "
                      "for several epochs.")
    def test_learns_the_given_labels(self, sub):
        """the model learns the labels it is given (here: each digit d labelled (d + 3) % 10)"""
        model = tiny_model(seed=1)
        x, digits = sample_images(128, offset=300)
        given = (digits + 3) % 10
        before = float(model.evaluate(x, given, verbose=0, return_dict=True)["loss"])
        history_of(sub, model, x, given, "train_model(model, x_train, y_train) with 128 images")
        after = float(model.evaluate(x, given, verbose=0, return_dict=True)["loss"])
        agree_given, agree_digit = accuracy_on(model, x, given), accuracy_on(model, x, digits)
        what = "the model after train_model(model, x_train, y_train)"
        if not after < before:
            raise Mismatch(what, "its loss on the training images did not go down", expected=f"< {before:.4f}",
                           received=after)
        if not (agree_given >= 0.3 and agree_given > agree_digit):
            raise Mismatch(what, f"predicts the labels it was given for {agree_given:.0%} of the training images "
                           f"and the true digits for {agree_digit:.0%}: it did not learn the given labels",
                           expected="mostly the given labels", received=f"{agree_given:.0%}")


# ---------------------------------------------------------------- accuracy (trains the student's model)

VALIDATION_HINTS = (
    "Check the basics: Rescaling(1 / 255) inside the model, Dense(10, softmax) at the end, "
    "sparse_categorical_crossentropy, and several epochs on the raw images.",
    "Use a small CNN (Conv2D + MaxPooling2D, twice) with Dropout, as in section 2, and train it for 10 epochs or more.",
)


def _validation_check(tier_index: int, threshold: float):
    @pytest.mark.graded("accuracy")
    @pytest.mark.points(1)
    @pytest.mark.timeout(ACCURACY_TIMEOUT)
    @pytest.mark.hint(VALIDATION_HINTS[tier_index])
    def check(sub):
        graded, data = graded_model(sub)
        validation = graded.validation
        if validation.accuracy < threshold:
            raise Mismatch(f"the validation split ({len(data.x_val):,} images you have, held out by the grader)",
                           f"accuracy below {percent(threshold)}\n" + validation.report() + "\n"
                           + training_summary(graded, data))

    check.__doc__ = f"accuracy on the validation split at least {percent(threshold)}"
    check.__name__ = f"test_validation_tier_{tier_index + 1}"
    return check


for _index, _threshold in enumerate(TIERS[KIND][:2]):
    globals()[f"test_validation_tier_{_index + 1}"] = _validation_check(_index, _threshold)
