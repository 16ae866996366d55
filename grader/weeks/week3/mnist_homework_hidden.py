"""Hidden checks of 06_mnist_homework: seeded random files compared with the reference, and the
accuracy tiers on the test part that only the grader holds.

The tier checks score the model that the public ``accuracy`` checks trained (one training per
submission, :func:`grader.core.model_eval.grade_model`). Their messages (accuracy, confusion matrix,
most confused pairs on the hidden test part) reach the instructor's results only.
"""
import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_equal
from grader.weeks.week3.data.mnist import write_mnist_folder, write_mnist_npz
from grader.core.model_eval import percent
from grader.weeks.week3.homework import TIERS
from grader.weeks.week3.cases import case
from grader.weeks.week3.keras_checks import check_new_model_each_call
from grader.weeks.week3.mnist_homework_public import (ACCURACY_TIMEOUT, KERAS_TIMEOUT, KIND, check_loaded, graded_model,
                                                      history_of, model_of, point_data_at, require_tier, sample_images,
                                                      small_split, tiny_model)

pytestmark = pytest.mark.hidden


@pytest.mark.graded("load_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("load_mnist() 를 부를 때마다 MNIST_PATH, 그다음 Keras 캐시 (cache), 그다음 묶음 숫자 "
                  "(bundled digits) 의 순서로 찾으세요.")
def test_resolution_order(sub, ref, monkeypatch, tmp_path):
    """MNIST_PATH 가 Keras 캐시 (cache) 보다, 캐시가 묶음 숫자 (bundled digits) 보다 먼저"""
    given, cached = small_split(11, 7, 3), small_split(12, 5, 2)
    path = write_mnist_npz(tmp_path / "given.npz", *given)
    point_data_at(monkeypatch, tmp_path, mnist_path=path, cache_split=cached)
    check_loaded(sub, given[0], given[1], "load_mnist() (MNIST_PATH 와 Keras 캐시 (cache) 가 모두 있음)")
    monkeypatch.delenv("MNIST_PATH")
    x, y = ref.load_mnist()
    assert_equal(len(x), 5, "참조 구현 (reference) 이 돌려준 이미지 수 (캐시 (cache))")
    check_loaded(sub, x, y, "load_mnist() (Keras 캐시 (cache) 만 있고 MNIST_PATH 없음)")


@pytest.mark.graded("load_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("데이터가 몇 장이든, IDX 파일이 gzip 되었든 아니든: 훈련 데이터 (training split) 를 바꾸지 말고 "
                  "돌려주세요.")
def test_random_files(sub, ref, monkeypatch, tmp_path):
    """무작위 npz 파일과 IDX 폴더 (folder) (gzip 된 것과 안 된 것): 참조 구현 (reference) 과 같음"""
    rng = np.random.default_rng(2031)
    for trial in range(3):
        split = small_split(int(rng.integers(1 << 30)), int(rng.integers(1, 30)), int(rng.integers(1, 10)))
        npz = write_mnist_npz(tmp_path / f"case{trial}" / "mnist.npz", *split)
        folder = write_mnist_folder(tmp_path / f"case{trial}" / "idx", *split, gz=bool(trial % 2))
        for target in (npz, folder):
            point_data_at(monkeypatch, tmp_path, mnist_path=target)
            x, y = ref.load_mnist()
            kind = "폴더 (folder)" if target == folder else "파일 (file)"
            check_loaded(sub, x, y, f"load_mnist() (MNIST_PATH: {kind})")


@pytest.mark.graded("build_model")
@pytest.mark.points(1)
@pytest.mark.timeout(KERAS_TIMEOUT)
@pytest.mark.hint("층 (layer) 과 모델을 build_model() 안에서 만드세요. 그래야 부를 때마다 학습되지 않은 새 모델이 "
                  "나옵니다.")
def test_new_model_each_call(sub):
    """부를 때마다 새 모델: 앞 모델과 함께 쓰는 층 (layer) 이 없음"""
    check_new_model_each_call(lambda: model_of(sub), "build_model()")


@pytest.mark.graded("train_model")
@pytest.mark.points(1)
@pytest.mark.timeout(KERAS_TIMEOUT)
@pytest.mark.hint("에포크 (epoch) 마다 받은 이미지 전부로 학습 (fit) 하세요 (validation_split 은 20% 까지 "
                  "괜찮습니다).")
def test_trains_on_the_given_images(sub):
    """에포크 (epoch) 마다 받은 이미지의 80% 이상을 봄"""
    model = tiny_model(seed=2, watch=True)
    x, y = sample_images(100, offset=1000)
    history = history_of(sub, model, x, y, "train_model(model, x_train, y_train) (이미지 100 장)")
    epochs = len(history.history["loss"])
    per_epoch = model.watch.images / epochs
    if per_epoch < 0.8 * len(x):
        raise Mismatch("에포크 (epoch) 마다 모델이 본 이미지 수", "너무 적습니다: 받은 x_train 으로 학습시키세요",
                       expected=f">= {0.8 * len(x):.0f} ({len(x)} 장 중)", received=per_epoch)


TIER_HINTS = (
    "본 적 없는 숫자에서 첫 기준 (tier) 에 닿아야 합니다: 모델 안의 Rescaling, softmax 출력, train_model 에는 "
    "날것 (raw) 이미지, 여러 에포크 (epoch).",
    "Dense 층만 쓰지 말고 합성곱 (convolution) (Conv2D + MaxPooling2D) 을 써 보고, 과대적합 (overfitting) 을 막는 "
    "Dropout 도 넣어 보세요.",
    "Dropout 과 데이터 증강 (data augmentation) (RandomTranslation) 이 있는 작은 CNN 을 줄어드는 학습률 (learning "
    "rate) 로 10-16 에포크 (epoch) 학습시키면 시간 제한 (time budget) 안에 이 기준 (tier) 에 닿습니다.",
)


TIER_CASES = [case(threshold, graded="accuracy", points=2, id=str(index + 1), hint=TIER_HINTS[index],
                   title=f"숨겨진 테스트 데이터 (hidden test split) 정확도 (accuracy) {percent(threshold)} 이상")
              for index, threshold in enumerate(TIERS[KIND])]


@pytest.mark.parametrize("threshold", TIER_CASES)
@pytest.mark.timeout(ACCURACY_TIMEOUT)
def test_test_tier(sub, threshold):
    """One accuracy tier on the hidden test split (each row's title says which)."""
    graded, data = graded_model(sub)
    require_tier(graded.test, threshold, f"숨겨진 테스트 데이터 (hidden test split) ({data.source})", graded, data)
