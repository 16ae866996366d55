"""Public checks of 05_sign_language_mnist: fixed inputs, hard-coded expectations.

The loader is checked on small CSV files written into a temporary folder, well-formed and
malformed ones; every error message must name the file, the line and the problem.
Keras is imported inside the model checks only, so collecting these specs stays fast.
"""
import re

import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, call, show
from grader.weeks.week3.data.sign_mnist import HEADER
from grader.weeks.week3.keras_checks import built_model, require_compiled
from grader.core.keras_tools import keras_module, layers_of

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
        raise Mismatch(what, "두 값의 쌍 (pair) (X, y) 를 돌려줘야 합니다", received=out)
    return out, what


def check_arrays(X, y, X_expected, y_expected, what: str) -> None:
    X = assert_shape(X, X_expected.shape, f"{what} 의 X")
    if X.dtype != np.uint8:
        raise Mismatch(f"{what} 의 X", f"자료형 (dtype) 은 uint8 (픽셀 값 (pixel value) 0-255) 이어야 하는데 "
                       f"{X.dtype} 입니다", received=X)
    y = assert_shape(y, y_expected.shape, f"{what} 의 y")
    assert_integer(y, f"{what} 의 y")
    assert_equal(y.astype(np.int64), y_expected.astype(np.int64), f"{what} 의 y")
    assert_equal(X, X_expected, f"{what} 의 X (784 개 픽셀 (pixel) 을 한 행 (row) 씩 28x28 로 바꾼 것)")


def expect_error(sub, path, line: int | None, keyword: str, problem: str) -> None:
    """``load_sign_mnist(path)`` raises ValueError naming the file, ``line`` and ``keyword``.

    ``problem`` describes the file for the student (in Korean, a noun phrase such as "빈 파일").
    """
    what = f"load_sign_mnist({path.name!r}) ({problem})"
    try:
        sub.load_sign_mnist(str(path))
    except ValueError as error:
        message = str(error)
    except NotImplementedError:
        raise
    except Exception as error:
        raise Mismatch(what, f"ValueError 를 일으켜야 (raise) 합니다. 일어난 예외 (exception): "
                             f"{type(error).__name__}: {error}") from None
    else:
        raise Mismatch(what, "예외 없이 값을 돌려주었습니다: 파일 이름 (file name), 줄 번호 (line) 와 문제를 적은 "
                             "ValueError 를 일으켜야 (raise) 합니다")
    missing = []
    if path.name not in message:
        missing.append(f"파일 이름 (file name) {path.name!r}")
    if line is not None and not re.search(rf"\bline\s+{line}\b", message, flags=re.IGNORECASE):
        missing.append(f"'line {line}'")
    if keyword.lower() not in message.lower():
        missing.append(f"핵심 낱말 (keyword) {keyword!r}")
    if missing:
        raise Mismatch(what, f"오류 메시지 (error message) 에 다음이 없습니다: {', '.join(missing)}", received=message)


def model_of(sub):
    """What the student's build_sign_model() returns, checked to be a Keras model."""
    return built_model(sub.build_sign_model, "build_sign_model")


def ready_images(count: int, seed: int) -> np.ndarray:
    """``count`` preprocessed stand-in images: float32 (count, 28, 28, 1) in [0, 1]."""
    from grader.weeks.week3.data.sign_mnist import standin_arrays
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
        raise Mismatch(what, f"모델이 모양 (shape) {images.shape} 의 전처리된 이미지 (preprocessed images) 를 "
                       f"받지 못합니다: {type(error).__name__}: {first[:200]}") from None
    out = np.asarray(keras.ops.convert_to_numpy(out), dtype=float)
    assert_shape(out, (len(images), NUM_CLASSES), f"{what} 의 출력 (output)")
    if np.any(out < 0) or not np.allclose(out.sum(axis=1), 1.0, rtol=1e-5, atol=1e-5):
        raise Mismatch(f"{what} 의 출력 (output)", "이미지마다 확률 (probability) 25 개 (0 이상, 합이 1) 가 "
                       "아닙니다: 마지막 층 (layer) 을 Dense(25, activation=\"softmax\") 로 하세요",
                       received=out.sum(axis=1))
    return out


def cross_entropy(p: np.ndarray, labels) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(labels)), np.asarray(labels)], 1e-7, 1.0))))


def dropout_layers(model) -> list:
    return layers_of(model, "Dropout")


# ---------------------------------------------------------------- load_sign_mnist

@pytest.mark.graded("load_sign_mnist")
@pytest.mark.timeout(30)
class TestLoadSignMnist:
    @pytest.mark.points(2)
    @pytest.mark.hint("머리글 (header) 은 이미지가 아닙니다. 나머지 줄에서 첫 값은 정답 번호 (label), 다음 784 개는 "
                      "한 행 (row) 씩 이어진 픽셀 (pixel) 입니다. 이미지들을 uint8 배열 하나로 모으되, 첫 축은 "
                      "이미지, 그 뒤는 28 x 28 이 되게 하세요.")
    def test_reads_a_small_file(self, sub, tmp_path):
        """이미지 4 장 파일 (정답 번호 (label) 0, 3, 10, 24): X 는 uint8 (4, 28, 28), y 는 정수 (integer) (4,)"""
        labels = [0, 3, 10, 24]
        path = write_csv(tmp_path, "small.csv", [HEADER, *good_lines(labels)])
        (X, y), what = loaded(sub, path)
        expected = np.stack([fixed_image(k) for k in range(4)])
        check_arrays(X, y, expected, np.array(labels), what)

    @pytest.mark.points(1)
    @pytest.mark.hint("줄을 보기 전에 파일부터 확인하세요: 비어 있으면 (empty) -> 'empty'. 첫 줄이 머리글 (header) "
                      "(label, 그다음 pixel1 부터 pixel784) 과 정확히 같지 않으면 -> 'line 1' 과 'header'. 값이 "
                      "785 개가 아니면 -> 그 줄 번호와 'columns'.")
    def test_structure_errors(self, sub, tmp_path):
        """빈 파일, 머리글 (header) 만, 머리글 없음, pixel0..pixel783 머리글, 짧은 줄: 각각 분명한 ValueError"""
        empty = tmp_path / "empty.csv"
        empty.write_text("", encoding="utf-8")
        expect_error(sub, empty, None, "empty", "줄이 하나도 없는 파일")
        expect_error(sub, write_csv(tmp_path, "header_only.csv", [HEADER]), None, "empty",
                     "머리글 (header) 만 있는 파일")
        lines = good_lines([0, 1])
        expect_error(sub, write_csv(tmp_path, "no_header.csv", lines), 1, "header", "머리글 (header) 이 없는 파일")
        zero_based = "label," + ",".join(f"pixel{i}" for i in range(784))
        expect_error(sub, write_csv(tmp_path, "pixel0_header.csv", [zero_based, *lines]), 1, "header",
                     "머리글 (header) 이 pixel1..pixel784 대신 pixel0..pixel783 인 파일")
        short = [HEADER, *good_lines([4]), lines[1].rsplit(",", 1)[0], *good_lines([5, 6])]
        expect_error(sub, write_csv(tmp_path, "short_line.csv", short), 3, "columns",
                     "3 번째 줄의 값이 784 개인 파일")

    @pytest.mark.points(1)
    @pytest.mark.hint("값마다 int(...) 로 바꾸세요 (실패하면 -> 'integer'). 정답 번호 (label) 는 0-24 이고 9 가 "
                      "아니어야 하며 (-> 'label'), 픽셀 (pixel) 은 0-255 여야 합니다 (-> '0-255'). 매번 줄 번호 "
                      "(line number) 를 적으세요.")
    def test_value_errors(self, sub, tmp_path):
        """픽셀 (pixel) 12.5 와 'abc', 정답 번호 (label) 9, 25, -1, 픽셀 256, -1, -3: 각각 분명한 ValueError"""
        def broken(name, line, label=None, pixel=None):
            rows = good_lines([0, 1, 2, 3])
            fields = rows[line - 2].split(",")
            if label is not None:
                fields[0] = str(label)
            if pixel is not None:
                fields[200] = str(pixel)
            rows[line - 2] = ",".join(fields)
            return write_csv(tmp_path, name, [HEADER, *rows])

        expect_error(sub, broken("fraction.csv", 2, pixel="12.5"), 2, "integer", "2 번째 줄에 픽셀 (pixel) 12.5")
        expect_error(sub, broken("word.csv", 5, pixel="abc"), 5, "integer", "5 번째 줄에 픽셀 (pixel) 'abc'")
        expect_error(sub, broken("label_j.csv", 4, label=9), 4, "label", "4 번째 줄에 정답 번호 (label) 9 (J)")
        expect_error(sub, broken("label_z.csv", 3, label=25), 3, "label", "3 번째 줄에 정답 번호 (label) 25 (Z)")
        expect_error(sub, broken("label_negative.csv", 2, label=-1), 2, "label", "2 번째 줄에 정답 번호 (label) -1")
        expect_error(sub, broken("bright.csv", 3, pixel=256), 3, "0-255", "3 번째 줄에 픽셀 (pixel) 256")
        expect_error(sub, broken("dark.csv", 5, pixel=-3), 5, "0-255", "5 번째 줄에 픽셀 (pixel) -3")
        expect_error(sub, broken("just_below.csv", 4, pixel=-1), 4, "0-255", "4 번째 줄에 픽셀 (pixel) -1")


# ---------------------------------------------------------------- letter

@pytest.mark.graded("letter")
class TestLetter:
    @pytest.mark.points(1)
    @pytest.mark.hint('정답 번호 (label) 는 알파벳 A-Z 전체에서 그 글자의 자리로, 0 부터 세고 빠진 J 뒤에서 번호를 '
                      '다시 매기지 않습니다: 0 은 "A", 8 은 "I", 10 은 "K". 글자들의 문자 코드 (character code) 는 '
                      '연속입니다.')
    def test_known_letters(self, sub):
        """정답 번호 (label) 0 -> A, 1 -> B, 8 -> I, 10 -> K, 11 -> L, 24 -> Y, 그리고 np.int64(13) -> N"""
        for label, expected in [(0, "A"), (1, "B"), (8, "I"), (10, "K"), (11, "L"), (24, "Y"),
                                (np.int64(13), "N")]:
            assert_equal(sub.letter(label), expected, call("letter", label))

    @pytest.mark.points(1)
    @pytest.mark.hint("여기서 글자는 9 를 뺀 0-24 뿐입니다: J (9) 와 Z (25) 는 나오지 않고, 0 보다 작거나 25 보다 "
                      "큰 수는 아예 글자가 아닙니다. 나머지에는 ValueError 를 일으키세요 (raise).")
    def test_invalid_labels(self, sub):
        """정답 번호 (label) 9 (J), 25 (Z), -1, 26: ValueError 를 일으킴"""
        for label in (9, 25, -1, 26):
            what = call("letter", label)
            try:
                out = sub.letter(label)
            except ValueError:
                continue
            except NotImplementedError:
                raise
            except Exception as error:
                raise Mismatch(what, f"ValueError 를 일으켜야 (raise) 합니다. 일어난 예외 (exception): "
                                     f"{type(error).__name__}: {error}") from None
            raise Mismatch(what, "ValueError 를 일으켜야 (raise) 합니다: 이 정답 번호 (label) 의 Sign-MNIST 글자는 "
                                 "없습니다", received=out)


# ---------------------------------------------------------------- preprocess

# Pixel values 51 * k (k = 0..5) in a fixed pattern, and what they are on the 0-1 scale (stated, not computed).
_LEVEL = (np.arange(2 * 28 * 28).reshape(2, 28, 28) * 5) % 6
SIX_LEVELS = np.array([0, 51, 102, 153, 204, 255], dtype=np.uint8)[_LEVEL]
SIX_LEVELS_SCALED = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])[_LEVEL][..., None]


@pytest.mark.graded("preprocess")
class TestPreprocess:
    @pytest.mark.points(1)
    @pytest.mark.hint("가장 큰 픽셀 (pixel) 255 는 1.0 이, 0 은 0.0 이 되어야 하고 자료형 (dtype) 은 float32 "
                      "입니다. Conv2D 는 두 이미지 축 뒤에 길이 1 의 채널 축 (channel axis) 도 필요합니다.")
    def test_images(self, sub):
        """픽셀 (pixel) 0, 51, 102, 153, 204, 255 인 이미지 2 장 -> 0.0, 0.2, ..., 1.0 의 float32 (2, 28, 28, 1)"""
        what = "preprocess(X, y) (X 는 모양 (shape) (2, 28, 28), 픽셀 (pixel) 0, 51, ..., 255)"
        X_ready, _ = sub.preprocess(SIX_LEVELS.copy(), np.array([3, 10]))
        X_ready = assert_shape(X_ready, (2, 28, 28, 1), f"{what} 의 X_ready")
        if X_ready.dtype != np.float32:
            raise Mismatch(f"{what} 의 X_ready", f"자료형 (dtype) 은 float32 여야 하는데 {X_ready.dtype} 입니다")
        assert_close(X_ready, SIX_LEVELS_SCALED, f"{what} 의 X_ready", rtol=1e-6)

    @pytest.mark.points(1)
    @pytest.mark.hint("이미지마다 한 행 (row), 정답 번호 (label) 0-24 마다 한 열 (column) 입니다 (25 열, J 의 열 9 는 "
                      "늘 0). 한 행은 자기 정답 번호의 열만 1.0 이고 나머지는 모두 0.0 이며, 자료형 (dtype) 은 "
                      "float32 입니다.")
    def test_labels(self, sub):
        """정답 번호 (label) [0, 10, 24] -> 너비 25 의 float32 원-핫 (one-hot) 행 (row)"""
        y = np.array([0, 10, 24])
        what = f"preprocess(X, y) (y = {show(y, details=False)})"
        _, Y = sub.preprocess(np.stack([fixed_image(k) for k in range(3)]), y.copy())
        Y = assert_shape(Y, (3, NUM_CLASSES), f"{what} 의 Y_onehot")
        if Y.dtype != np.float32:
            raise Mismatch(f"{what} 의 Y_onehot", f"자료형 (dtype) 은 float32 여야 하는데 {Y.dtype} 입니다")
        expected = np.zeros((3, NUM_CLASSES))
        expected[0, 0] = expected[1, 10] = expected[2, 24] = 1.0    # row 0: label 0, row 1: label 10, row 2: label 24
        assert_equal(Y, expected, f"{what} 의 Y_onehot")


# ---------------------------------------------------------------- build_sign_model

@pytest.mark.graded("build_sign_model")
@pytest.mark.timeout(KERAS_TIMEOUT)
class TestBuildSignModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("모델은 preprocess 가 돌려주는 것, 곧 모양 (shape) (28, 28, 1) 의 이미지를 받고, 원-핫 "
                      "(one-hot) 열마다 유닛 (unit) 하나인 (25 개) softmax 층으로 끝납니다. 그래서 출력의 각 행은 "
                      "확률 (probability) 입니다.")
    def test_shapes(self, sub):
        """(28, 28, 1) 이미지를 받아 이미지마다 확률 (probability) 25 개를 냄 (대체 데이터 (stand-in) 이미지 6 장)"""
        model = model_of(sub)
        inputs = getattr(model, "inputs", None) or []
        if len(inputs) == 1 and tuple(inputs[0].shape)[1:] != (28, 28, 1):
            raise Mismatch("build_sign_model() 의 입력 (input)", "preprocess 가 주는 모양 (shape) 인 "
                           "keras.Input(shape=(28, 28, 1)) 이어야 합니다", expected=(None, 28, 28, 1),
                           received=tuple(inputs[0].shape))
        images, _ = ready_images(6, seed=1)
        probabilities(model, images, "build_sign_model() (전처리된 이미지 (preprocessed images) 6 장)")

    @pytest.mark.points(1)
    @pytest.mark.hint("정답이 원-핫 (one-hot) 행이므로 손실 (loss) 은 원-핫 정답용 교차 엔트로피 (cross-entropy) "
                      "입니다 (정수 정답용 sparse 가 아닙니다). compile 에 정확도 (accuracy) 지표 (metric) 도 "
                      "넣으세요.")
    def test_loss(self, sub):
        """대체 데이터 (stand-in) 이미지 16 장: 원-핫 (one-hot) 정답의 categorical 교차 엔트로피 (cross-entropy) 와 정확도 (accuracy) 지표"""
        model = model_of(sub)
        require_compiled(model, "build_sign_model()")
        images, labels = ready_images(16, seed=2)
        p = probabilities(model, images, "build_sign_model() (전처리된 이미지 (preprocessed images) 16 장)")
        expected = cross_entropy(p, labels)
        try:
            results = model.evaluate(images, one_hot(labels), verbose=0, return_dict=True)
            loss = float(results["loss"])
        except Exception as error:
            raise Mismatch("model.evaluate(X_ready, Y_onehot)", f"실패했습니다 ({type(error).__name__}): 손실 "
                           f"(loss) 은 원-핫 (one-hot) 정답을 받아야 합니다. categorical_crossentropy 를 "
                           f"쓰세요") from None
        if not np.isclose(loss, expected, rtol=1e-3, atol=1e-5):
            raise Mismatch("build_sign_model() 가 이미지 16 장에서 알려 준 손실 (loss)", "출력의 categorical "
                           "교차 엔트로피 (cross-entropy) 가 아닙니다", expected=expected, received=loss,
                           tolerance="상대 (relative) 1e-3 (float32)")
        reported = sorted(results)
        if "accuracy" not in reported:
            raise Mismatch("model.evaluate(X_ready, Y_onehot, return_dict=True)", "정확도 (accuracy) 를 알려 주지 "
                           "않습니다: 정확도 지표 (metric) 를 넣어 compile 하세요 (시연 (demo) 셀이 "
                           "history.history[\"accuracy\"] 를 읽습니다)",
                           expected="결과 안의 'accuracy'", received=reported)

    @pytest.mark.points(1)
    @pytest.mark.hint("비율 (rate) 이 0 과 1 사이 (0 과 1 은 빼고) 인 Dropout 층은 학습 (training) 때 입력의 "
                      "무작위 일부를 끄고, 추론 (inference) 때는 아무것도 끄지 않습니다. 비율이 0 이면 아무것도 "
                      "끄지 않습니다.")
    def test_dropout(self, sub):
        """Dropout 층이 있어 대체 데이터 (stand-in) 이미지 8 장의 출력을 학습 (training) 때만 바꿈"""
        model = model_of(sub)
        layers = dropout_layers(model)
        rates = [float(layer.rate) for layer in layers]
        if not any(0.0 < rate < 1.0 for rate in rates):
            raise Mismatch("build_sign_model() 의 층 (layers)", "비율 (rate) 이 0 과 1 사이인 "
                           "keras.layers.Dropout 이 필요합니다",
                           received=rates or [type(layer).__name__ for layer in model.layers])
        images, _ = ready_images(8, seed=3)
        first = probabilities(model, images, "build_sign_model() (추론 (inference))")
        again = probabilities(model, images, "build_sign_model() (추론 (inference), 두 번째)")
        assert_close(again, first, "같은 이미지의 두 예측 (prediction) (추론 때 드롭아웃 (dropout) 은 꺼짐)", rtol=1e-5)
        keras = keras_module()
        keras.utils.set_random_seed(4)
        training = probabilities(model, images, "build_sign_model() (training=True)", training=True)
        if np.allclose(training, first, rtol=1e-6, atol=1e-7):
            raise Mismatch("model(X, training=True)", "추론 (inference) 출력과 같습니다: 드롭아웃 (dropout) 이 "
                                                      "아무것도 끄지 않습니다")

    @pytest.mark.points(1)
    @pytest.mark.hint("실제로 한 걸음씩 나아가는 옵티마이저 (optimizer) (학습률 (learning rate) 이 0 보다 큼) 로 "
                      "compile 하세요. 그러면 같은 이미지로 몇 에포크 (epoch) 학습하면 손실 (loss) 이 줄어듭니다.")
    def test_training_lowers_loss(self, sub):
        """대체 데이터 (stand-in) 이미지 64 장으로 5 에포크 (epoch) 학습하면 손실 (loss) 이 줄어듦"""
        keras = keras_module()
        keras.utils.set_random_seed(0)
        model = model_of(sub)
        require_compiled(model, "build_sign_model()")
        images, labels = ready_images(64, seed=5)
        targets = one_hot(labels)
        before = float(model.evaluate(images, targets, verbose=0, return_dict=True)["loss"])
        model.fit(images, targets, epochs=5, batch_size=16, verbose=0)
        after = float(model.evaluate(images, targets, verbose=0, return_dict=True)["loss"])
        if not after < 0.9 * before:
            raise Mismatch("model.fit(..., epochs=5) 뒤 이미지 64 장의 손실 (loss)", "10% 만큼 줄지 않았습니다",
                           expected=f"< {0.9 * before:.4f} (학습 전 {before:.4f})", received=after)
