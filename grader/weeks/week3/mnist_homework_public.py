"""Public checks of 06_mnist_homework: fixed inputs, hard-coded expectations.

The ``accuracy`` checks train the student's model once (:func:`grader.core.model_eval.grade_model`)
and score it on a validation part of the student's own training data; the hidden module
scores the same trained model on the test part only the grader holds.
Keras is imported inside the checks only, so collecting these specs stays fast.
"""
import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape
from grader.weeks.week3.data.mnist import bundled_training_split, write_mnist_folder, write_mnist_npz
from grader.core.model_eval import grade_model, percent
from grader.weeks.week3.homework import TIERS, budget_for, data_kind, grading_plan
from grader.weeks.week3.cases import case
from grader.weeks.week3.keras_checks import built_model
from grader.core.keras_tools import keras_module, layers_of, watch_layer_class

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
        raise Mismatch(what, "두 값의 쌍 (pair) (x_train, y_train) 을 돌려줘야 합니다", received=out)
    x, y = out
    x = assert_shape(x, x_expected.shape, f"{what} 의 x_train")
    if x.dtype != np.uint8:
        raise Mismatch(f"{what} 의 x_train", f"날것 (raw) 그대로의 이미지, 곧 값이 0-255 인 자료형 (dtype) uint8 "
                       f"이어야 하는데 {x.dtype} 입니다 (여기서는 스케일링 (scaling) 이나 변환을 하지 마세요)",
                       received=x)
    y = assert_shape(y, y_expected.shape, f"{what} 의 y_train")
    assert_integer(y, f"{what} 의 y_train")
    assert_equal(x, x_expected, f"{what} 의 x_train")
    assert_equal(y.astype(np.int64), y_expected.astype(np.int64), f"{what} 의 y_train")


def model_of(sub):
    """What the student's build_model() returns, checked to be a model of Keras' own classes."""
    return built_model(sub.build_model, "build_model", keras_classes_only=True)


def probabilities(model, images: np.ndarray, what: str) -> np.ndarray:
    """The model's outputs on raw ``images``, checked to be (n, 10) probabilities."""
    try:
        out = np.asarray(model.predict(images, verbose=0), dtype=float)
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise Mismatch(what, f"모델이 모양 (shape) {images.shape} 의 날것 (raw) 이미지 (uint8 0-255) 를 받지 "
                       f"못합니다: {type(error).__name__}: {first[:200]}") from None
    assert_shape(out, (len(images), 10), f"{what} 의 출력 (output)")
    if np.any(out < 0) or not np.allclose(out.sum(axis=1), 1.0, rtol=1e-5, atol=1e-5):
        raise Mismatch(f"{what} 의 출력 (output)", "이미지마다 확률 (probability) 10 개 (0 이상, 합이 1) 가 "
                       "아닙니다: 마지막 층 (layer) 을 Dense(10, activation=\"softmax\") 로 하세요",
                       expected="합이 1 인 행 (row)", received=out.sum(axis=1))
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
        raise Mismatch(what, "model.fit 이 돌려주는 keras.callbacks.History 를 돌려줘야 합니다",
                       received=type(history).__name__)
    losses = history.history.get("loss", []) if isinstance(getattr(history, "history", None), dict) else []
    if not losses:
        raise Mismatch(what, "History 에 기록된 에포크 (epoch) 가 없습니다 (history.history['loss'] 가 비어 "
                       "있음): model.fit(x_train, y_train, epochs=..., ...) 을 부르고 그 결과를 돌려주세요")
    if getattr(history, "model", model) is not model:
        raise Mismatch(what, "다른 모델의 History 를 돌려주었습니다: 새 모델을 만들지 말고 받은 모델을 "
                       "학습시키세요")
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
        raise Mismatch("build_model() 과 train_model() 채점 (grading)", graded.error)
    return graded, data


def training_summary(graded, data) -> str:
    return (f"(채점기 (grader) 가 build_model() 을 train_model() 로 이미지 {len(data.x_fit):,} 장에 "
            f"{graded.seconds:.0f} 초 동안 학습시켰습니다. 시간 제한 (time budget) {data.budget:.0f} 초)")


# ---------------------------------------------------------------- load_mnist

@pytest.mark.graded("load_mnist")
@pytest.mark.timeout(30)
class TestLoadMnist:
    @pytest.mark.points(1)
    @pytest.mark.hint("MNIST_PATH 도 Keras 캐시 (cache) 도 파일을 주지 않으면 표의 세 번째 출처 (source) 가 "
                      "답입니다. 바꾸지 말고 그대로 넘기세요: 날것 (raw) uint8 이미지 (4000, 28, 28) 와 정수 "
                      "(integer) 정답 (label).")
    def test_bundled_digits(self, sub, monkeypatch, tmp_path):
        """MNIST_PATH 도 Keras 캐시 (cache) 도 없을 때: 묶음 (bundled) 훈련 숫자 4,000 장, 날것 (raw) 그대로"""
        point_data_at(monkeypatch, tmp_path)
        x, y = bundled_training_split()
        assert_equal(np.bincount(y, minlength=10), np.full(10, 400), "묶음 데이터 (bundled split) 의 숫자별 이미지 수")
        check_loaded(sub, x, y, "load_mnist() (MNIST_PATH 도 Keras 캐시 (cache) 도 없음)")

    @pytest.mark.points(1)
    @pytest.mark.hint("MNIST_PATH 의 파일은 Keras 의 mnist.npz 입니다. 그 읽기 함수 (reader) 는 배열 네 개를 훈련 "
                      "(train), 테스트 (test) 순서로 줍니다: 훈련 쌍만 바꾸지 말고 돌려주세요.")
    def test_npz_file(self, sub, monkeypatch, tmp_path):
        """MNIST_PATH 가 mnist.npz 파일을 가리킬 때: 그 훈련 데이터 (training split) (12 장), 날것 (raw) 그대로"""
        split = small_split(6, 12, 5)
        path = write_mnist_npz(tmp_path / "data" / "mnist.npz", *split)
        point_data_at(monkeypatch, tmp_path, mnist_path=path)
        check_loaded(sub, split[0], split[1], f"load_mnist() (MNIST_PATH={path.name})")

    @pytest.mark.points(1)
    @pytest.mark.hint("MNIST_PATH 는 IDX 파일이 든 폴더 (folder) 를 가리킬 수도 있고, 그때는 다른 읽기 함수 "
                      "(reader) 가 필요합니다. 읽기 전에 폴더인지 파일인지 가리고, 훈련 쌍을 돌려주세요.")
    def test_idx_folder(self, sub, monkeypatch, tmp_path):
        """MNIST_PATH 가 gzip 된 IDX 파일 네 개의 폴더 (folder) 를 가리킬 때: 그 훈련 데이터 (training split) (9 장)"""
        split = small_split(7, 9, 4)
        folder = write_mnist_folder(tmp_path / "idx", *split, gz=True)
        point_data_at(monkeypatch, tmp_path, mnist_path=folder)
        check_loaded(sub, split[0], split[1], "load_mnist() (MNIST_PATH 가 IDX 파일 폴더 (folder) 를 가리킴)")


# ---------------------------------------------------------------- build_model

@pytest.mark.graded("build_model")
@pytest.mark.timeout(KERAS_TIMEOUT)
class TestBuildModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("모델은 load_mnist 가 돌려준 그대로의 날것 (raw) 이미지, 곧 채널 축 (channel axis) 이 없는 "
                      "28 x 28 을 받고, 숫자마다 softmax 유닛 (unit) 하나로 끝납니다.")
    def test_raw_images_in_probabilities_out(self, sub):
        """모양 (shape) (28, 28) 의 날것 (raw) 이미지를 받아 이미지마다 확률 (probability) 10 개를 냄 (묶음 (bundled) 숫자 8 장)"""
        model = model_of(sub)
        inputs = getattr(model, "inputs", None) or []
        if len(inputs) == 1 and tuple(inputs[0].shape)[1:] != (28, 28):
            raise Mismatch("build_model() 의 입력 (input)", "날것 (raw) 이미지여야 합니다: "
                           "keras.Input(shape=(28, 28)) (채널 축 (channel axis) 은 모델 안에서 "
                           "Reshape((28, 28, 1)) 로 붙이세요)",
                           expected=(None, 28, 28), received=tuple(inputs[0].shape))
        x, _ = sample_images(8)
        probabilities(model, x, "build_model() (날것 (raw) 이미지 8 장)")

    @pytest.mark.points(1)
    @pytest.mark.hint("0-1 로의 스케일링 (scaling) 은 모델 앞의 단계가 아니라 모델의 층 (layer) 입니다: 배율 "
                      "(factor) 이 255 를 1 로 보내는 Rescaling 층.")
    def test_rescaling_inside(self, sub):
        """모델 안에서 픽셀 (pixel) 을 스케일링 (scaling): 0-255 를 약 0-1 로 바꾸는 Rescaling 층"""
        model = model_of(sub)
        layers = rescaling_layers(model)
        if not layers:
            raise Mismatch("build_model() 의 층 (layers)", "keras.layers.Rescaling 층이 없습니다: 전처리 "
                           "(preprocessing) 는 모델 안에 있어야 합니다",
                           received=[type(layer).__name__ for layer in model.layers])
        spans = [float(np.max(np.abs(np.asarray(layer.scale, dtype=float)))) * 255 for layer in layers]
        if not any(0.9 <= span <= 2.1 for span in spans):
            raise Mismatch("build_model() 의 Rescaling 층", "0-255 를 약 0-1 로 바꿔야 합니다 (scale=1/255)",
                           expected=1 / 255, received=spans[0] / 255)

    @pytest.mark.points(1)
    @pytest.mark.hint("정답 (label) 은 원-핫 (one-hot) 행이 아니라 정수 (integer) 0-9 입니다: 정수 정답용 교차 "
                      "엔트로피 (cross-entropy) (이름이 sparse_ 로 시작) 로 compile 하세요.")
    def test_loss(self, sub):
        """묶음 (bundled) 숫자 16 장: 정수 (integer) 정답의 sparse categorical 교차 엔트로피 (cross-entropy)"""
        model = model_of(sub)
        if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
            raise Mismatch("build_model()", "모델이 컴파일 (compile) 되지 않았습니다: 돌려주기 전에 "
                           "model.compile(optimizer=..., loss=..., metrics=[...]) 을 부르세요")
        x, y = sample_images(16)
        p = probabilities(model, x, "build_model() (날것 (raw) 이미지 16 장)")
        expected = float(-np.mean(np.log(np.clip(p[np.arange(16), y], 1e-7, 1.0))))
        try:
            results = model.evaluate(x, y, verbose=0, return_dict=True)
        except Exception as error:
            raise Mismatch("model.evaluate(x, y) (y 는 정수 (integer) 정답)", f"실패했습니다 "
                           f"({type(error).__name__}): 손실 (loss) 은 정수 정답을 받아야 합니다. "
                           f"sparse_categorical_crossentropy 를 쓰세요") from None
        loss = float(results["loss"])
        if not np.isclose(loss, expected, rtol=1e-3, atol=1e-5) and not (model.losses and loss > expected):
            raise Mismatch("build_model() 이 이미지 16 장에서 알려 준 손실 (loss)", "출력의 sparse categorical "
                           "교차 엔트로피 (cross-entropy) 가 아닙니다", expected=expected, received=loss,
                           tolerance="상대 (relative) 1e-3 (float32)")

    @pytest.mark.points(1)
    @pytest.mark.hint("Keras 기본 층 (built-in layers) 만 쓰세요 (Rescaling, Reshape, Conv2D, Dense, ...): Lambda "
                      "층과 직접 만든 클래스 (custom class) 는 안전 모드 (safe mode) 로 읽을 수 없습니다.")
    def test_loads_in_safe_mode(self, sub, tmp_path):
        """.keras 로 저장하고 safe_mode=True 로 다시 읽어도 묶음 (bundled) 숫자 8 장에서 같은 출력 (output)"""
        from grader.core.model_eval import SubmissionError, load_trained
        model = model_of(sub)
        x, _ = sample_images(8)
        before = probabilities(model, x, "build_model() (날것 (raw) 이미지 8 장)")
        path = tmp_path / "model.keras"
        model.save(path)
        try:
            loaded = load_trained(path)
        except SubmissionError as error:
            raise Mismatch("keras.models.load_model(path, safe_mode=True)", str(error)) from None
        assert_close(probabilities(loaded, x, "다시 읽은 모델 (reloaded model)"), before,
                     "안전 모드 (safe mode) 로 다시 읽은 모델의 출력 (output)", rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- train_model

@pytest.mark.graded("train_model")
@pytest.mark.timeout(KERAS_TIMEOUT)
class TestTrainModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("받은 모델을 받은 이미지로, 날것 (raw) 그대로 학습시키고 (스케일링 (rescaling) 은 모델이 "
                      "스스로 합니다), 진행 표시 (progress display) 는 끄고, fit 이 돌려주는 History 를 "
                      "돌려주세요.")
    def test_returns_history_of_raw_fit(self, sub):
        """받은 모델을 날것 (raw) 0-255 이미지 96 장으로 verbose=0 으로 학습 (fit) 한 History 를 돌려줌"""
        model = tiny_model(watch=True)
        x, y = sample_images(96)
        history = history_of(sub, model, x, y, "train_model(model, x_train, y_train) (이미지 96 장)")
        largest = model.watch.largest
        if largest != 255.0:
            raise Mismatch("학습 (training) 중에 모델이 본 가장 큰 픽셀 값 (pixel value)", "255 여야 합니다: "
                           "model.fit 에 날것 (raw) 이미지를 넘기세요 (스케일링은 모델이 스스로 합니다)",
                           expected=255.0, received=largest)
        verbose = (getattr(history, "params", None) or {}).get("verbose", 0)
        if verbose != 0:
            raise Mismatch("train_model 안 model.fit 의 verbose 설정", "0 이어야 합니다: 3 절은 진행 표시 "
                           "(progress display) 를 끄라고 합니다", expected=0, received=verbose)

    @pytest.mark.points(1)
    @pytest.mark.hint("인자 (argument) 로 받은 x_train 과 y_train 으로 여러 에포크 (epoch) 학습시키세요 "
                      "(train_model 안에서 데이터를 불러오지 마세요).")
    def test_learns_the_given_labels(self, sub):
        """모델이 받은 정답 (label) 을 배움 (여기서는 숫자 d 의 정답이 (d + 3) % 10)"""
        model = tiny_model(seed=1)
        x, digits = sample_images(128, offset=300)
        given = (digits + 3) % 10
        before = float(model.evaluate(x, given, verbose=0, return_dict=True)["loss"])
        history_of(sub, model, x, given, "train_model(model, x_train, y_train) (이미지 128 장)")
        after = float(model.evaluate(x, given, verbose=0, return_dict=True)["loss"])
        agree_given, agree_digit = accuracy_on(model, x, given), accuracy_on(model, x, digits)
        what = "train_model(model, x_train, y_train) 뒤의 모델"
        if not after < before:
            raise Mismatch(what, "훈련 이미지에서의 손실 (loss) 이 줄지 않았습니다", expected=f"< {before:.4f}",
                           received=after)
        if not (agree_given >= 0.3 and agree_given > agree_digit):
            raise Mismatch(what, f"훈련 이미지의 {agree_given:.0%} 에서 받은 정답 (label) 을, {agree_digit:.0%} 에서 "
                           f"진짜 숫자를 예측합니다: 받은 정답을 배우지 않았습니다",
                           expected="대부분 받은 정답", received=f"{agree_given:.0%}")


# ---------------------------------------------------------------- accuracy (trains the student's model)

VALIDATION_HINTS = (
    "기본부터 확인하세요: 모델 안의 Rescaling(1 / 255), 마지막의 Dense(10, softmax), "
    "sparse_categorical_crossentropy, 날것 (raw) 이미지로 여러 에포크 (epoch).",
    "2 절처럼 Dropout 이 있는 작은 합성곱 신경망 (CNN) (Conv2D + MaxPooling2D 를 두 번) 을 쓰고, 10 에포크 (epoch) "
    "이상 학습시키세요.",
)


def require_tier(scores, threshold: float, where: str, graded, data) -> None:
    """The accuracy in ``scores`` (one split's, of :func:`graded_model`) is at least ``threshold``;
    else a Mismatch on ``where`` with the split's report and how the training went."""
    if scores.accuracy < threshold:
        raise Mismatch(where, f"정확도 (accuracy) 가 {percent(threshold)} 미만입니다\n" + scores.report() + "\n"
                       + training_summary(graded, data))


VALIDATION_CASES = [case(threshold, graded="accuracy", id=str(index + 1), hint=VALIDATION_HINTS[index],
                         title=f"검증 데이터 (validation split) 정확도 (accuracy) {percent(threshold)} 이상")
                    for index, threshold in enumerate(TIERS[KIND][:2])]


@pytest.mark.parametrize("threshold", VALIDATION_CASES)
@pytest.mark.timeout(ACCURACY_TIMEOUT)
def test_validation_tier(sub, threshold):
    """One accuracy tier on the validation split (each row's title says which)."""
    graded, data = graded_model(sub)
    require_tier(graded.validation, threshold, f"검증 데이터 (validation split) (여러분이 가진 이미지 중 채점기 "
                 f"(grader) 가 떼어 둔 {len(data.x_val):,} 장)", graded, data)
