"""Hidden checks of 06_mnist_homework: seeded random files compared with the reference, and the
accuracy tiers on the test part that only the grader holds.

The tier checks score the model that the public ``accuracy`` checks trained (one training per
submission, :func:`grader.student.model_eval.grade_model`). Their messages (accuracy, confusion matrix,
most confused pairs on the hidden test part) reach the instructor's results only.
"""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_equal
from grader.student.data.mnist import write_mnist_folder, write_mnist_npz
from grader.student.model_eval import TIERS, percent
from grader.specs.week3.mnist_homework_public import (ACCURACY_TIMEOUT, KERAS_TIMEOUT, KIND, built_model, check_loaded,
                                                graded_model, history_of, point_data_at, sample_images, small_split,
                                                tiny_model, training_summary)

pytestmark = pytest.mark.hidden


@pytest.mark.graded("load_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("Read MNIST_PATH first, then Keras's cache, then the bundled digits, each time load_mnist() "
                  "is called.")
def test_resolution_order(sub, ref, monkeypatch, tmp_path):
    """MNIST_PATH wins over Keras's cache, the cache over the bundled digits"""
    given, cached = small_split(11, 7, 3), small_split(12, 5, 2)
    path = write_mnist_npz(tmp_path / "given.npz", *given)
    point_data_at(monkeypatch, tmp_path, mnist_path=path, cache_split=cached)
    check_loaded(sub, given[0], given[1], "load_mnist() with both MNIST_PATH and a Keras cache")
    monkeypatch.delenv("MNIST_PATH")
    x, y = ref.load_mnist()
    assert_equal(len(x), 5, "images in the reference's answer (the cache)")
    check_loaded(sub, x, y, "load_mnist() with a Keras cache and no MNIST_PATH")


@pytest.mark.graded("load_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("Any size of split, IDX files gzipped or not: return the training split, unchanged.")
def test_random_files(sub, ref, monkeypatch, tmp_path):
    """random npz files and plain IDX folders give the same as the reference"""
    rng = np.random.default_rng(2031)
    for case in range(3):
        split = small_split(int(rng.integers(1 << 30)), int(rng.integers(1, 30)), int(rng.integers(1, 10)))
        npz = write_mnist_npz(tmp_path / f"case{case}" / "mnist.npz", *split)
        folder = write_mnist_folder(tmp_path / f"case{case}" / "idx", *split, gz=bool(case % 2))
        for target in (npz, folder):
            point_data_at(monkeypatch, tmp_path, mnist_path=target)
            x, y = ref.load_mnist()
            check_loaded(sub, x, y, f"load_mnist() with MNIST_PATH naming a {'folder' if target == folder else 'file'}")


@pytest.mark.graded("build_model")
@pytest.mark.points(1)
@pytest.mark.timeout(KERAS_TIMEOUT)
@pytest.mark.hint("Create the layers and the model inside build_model(), so each call gives a new, untrained model.")
def test_new_model_each_call(sub):
    """each call returns a new model that shares no layer with the previous one"""
    first = built_model(sub.build_model)
    second = built_model(sub.build_model)
    shared = {id(layer) for layer in first.layers} & {id(layer) for layer in second.layers}
    if first is second or shared:
        raise Mismatch("two build_model() calls", "returned the same model or shared layers")


@pytest.mark.graded("train_model")
@pytest.mark.points(1)
@pytest.mark.timeout(KERAS_TIMEOUT)
@pytest.mark.hint("Fit on all the images you are given in every epoch (a validation_split of up to 20% is fine).")
def test_trains_on_the_given_images(sub):
    """every epoch sees at least 80% of the given images"""
    model = tiny_model(seed=2, watch=True)
    x, y = sample_images(100, offset=1000)
    history = history_of(sub, model, x, y, "train_model(model, x_train, y_train) with 100 images")
    epochs = len(history.history["loss"])
    per_epoch = model.watch.images / epochs
    if per_epoch < 0.8 * len(x):
        raise Mismatch("images the model saw per epoch", "too few: train on the x_train you were given",
                       expected=f">= {0.8 * len(x):.0f} of {len(x)}", received=per_epoch)


TIER_HINTS = (
    "The model must reach the first tier on digits it never saw: Rescaling inside, softmax output, "
    "raw images in train_model, several epochs.",
    "Try convolutions (Conv2D + MaxPooling2D) instead of only Dense layers, and Dropout against overfitting.",
    "A small CNN with Dropout and data augmentation (RandomTranslation), trained for 10-16 epochs with a "
    "shrinking learning rate, reaches this tier within the time budget.",
)


def _tier_check(tier_index: int, threshold: float):
    @pytest.mark.graded("accuracy")
    @pytest.mark.points(2)
    @pytest.mark.timeout(ACCURACY_TIMEOUT)
    @pytest.mark.hint(TIER_HINTS[tier_index])
    def check(sub):
        graded, data = graded_model(sub)
        test = graded.test
        if test.accuracy < threshold:
            raise Mismatch(f"the hidden test split ({data.source})", f"accuracy below {percent(threshold)}\n"
                           + test.report() + "\n" + training_summary(graded, data))

    check.__doc__ = f"accuracy on the hidden test split at least {percent(threshold)}"
    check.__name__ = f"test_test_tier_{tier_index + 1}"
    return check


for _index, _threshold in enumerate(TIERS[KIND]):
    globals()[f"test_test_tier_{_index + 1}"] = _tier_check(_index, _threshold)
