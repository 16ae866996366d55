"""Public checks of 02_xor_mlp: fixed inputs, hard-coded expectations.

Keras is imported inside the Keras checks only, so collecting these specs stays fast.
"""

import numpy as np
import pytest

from grader.core.compare import (Mismatch, assert_close, assert_equal, assert_shape, builds_on, call, show,
                                    without_overflow)
from grader.core.submission import MissingDefinition
from grader.core.keras_tools import keras_module
from grader.weeks.week3.keras_checks import built_model, require_compiled

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
        raise Mismatch("XOR_WEIGHTS", "정의되지 않았습니다 (not defined): 아직 작성하지 않았거나 (not implemented yet), 그 셀 (cell) 에서 "
                       "오류 (error) 가 났습니다. 셀의 `raise NotImplementedError()` 를 딕셔너리 (dict) 로 바꾸고, "
                       "셀을 실행한 뒤, 철자 `XOR_WEIGHTS` 를 확인하세요.") from None


def to_numpy(value) -> np.ndarray:
    return np.asarray(keras_module().ops.convert_to_numpy(value), dtype=float)


def model_layers(model) -> list:
    """The model's layers without the input layer (which the functional API lists)."""
    keras = keras_module()
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def layer_summary(model) -> str:
    return "[" + ", ".join(f"{type(layer).__name__}({getattr(layer, 'units', '')})"
                           for layer in model_layers(model)) + "]"


def xor_model(build, **kwargs):
    """``build(**kwargs)`` (a build_xor_model), checked to be a Keras model that maps (4, 2) inputs to
    (4, 1); returns the model and how the call looks."""
    what = call("build_xor_model", **kwargs)
    model = built_model(build, "build_xor_model", **kwargs)
    out = to_numpy(model(XOR_X.astype("float32")))
    assert_shape(out, (4, 1), f"XOR 입력 네 개에 대한 {what} 의 출력 (output)")
    return model, what


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
        raise Mismatch(what, "Dense 층 (layer) 이 정확히 두 개여야 합니다", expected=f"[Dense({units}), Dense(1)]",
                       received=layer_summary(model))
    assert_equal([int(layer.units) for layer in layers], [units, 1], f"{what} 의 두 층 (layer) 의 유닛 수 (units)")


def build_probe(sub) -> None:
    """A short check of the student's build_xor_model (raises if the model is not as asked)."""
    model, what = xor_model(sub.build_xor_model)
    check_layers(model, what, 8)
    require_compiled(model, what)


def building_on_build(sub):
    """The public train_xor_model checks train the model the student's build_xor_model returns:
    name build_xor_model when that is what fails."""
    return builds_on("train_xor_model", {"build_xor_model": lambda: build_probe(sub)},
                     relation="그 함수가 돌려준 모델로 검사합니다 (is checked here on the model it returns)")


def check_xor_predictions(model, what: str) -> None:
    out = to_numpy(model(XOR_X.astype("float32")))
    assert_shape(out, (4, 1), f"{what} 뒤 모델의 출력 (output)")
    wrong = np.round(out) != XOR_LABELS
    if wrong.any():
        raise Mismatch(f"{what} 뒤의 모델", f"XOR 입력 4 개 중 {int(wrong.sum())} 개를 잘못 분류합니다 "
                       f"(misclassifies; 0/1 로 반올림한 (rounded) 출력은 [0, 1, 1, 0] 이어야 합니다)",
                       expected=XOR_LABELS.ravel(), received=out.ravel())


# ---------------------------------------------------------------- collapse_linear

@pytest.mark.graded("collapse_linear")
class TestCollapseLinear:
    @pytest.mark.points(1)
    @pytest.mark.hint("행렬 곱 (matrix product) 은 순서가 중요합니다: 첫 층의 가중치 (weight) 가 먼저 옵니다. "
                      "첫 편향 (bias) 도 둘째 층의 가중치를 거칩니다 (1 절의 식을 보세요).")
    def test_small_example(self, sub):
        """손으로 계산한 2-3-2 예제 (example)"""
        W1 = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
        b1 = np.array([1.0, 0.0, -2.0])
        W2 = np.array([[2.0, 1.0], [0.0, -1.0], [1.0, 1.0]])
        b2 = np.array([0.5, -1.0])
        what = call("collapse_linear", W1, b1, W2, b2)
        W, b = sub.collapse_linear(W1, b1, W2, b2)
        assert_close(W, [[2.0, -1.0], [3.0, 4.0]], f"{what} 에서 나온 W", rtol=1e-12)
        assert_close(b, [0.5, -2.0], f"{what} 에서 나온 b", rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("(X @ W1 + b1) @ W2 + b2 를 전개 (expand) 해서, X 에 곱해지는 항 (term) 과 그렇지 않은 항을 "
                      "따로 모으세요.")
    def test_equals_two_layers(self, sub):
        """(d, h, k) = (4, 3, 2), (1, 5, 1), (3, 1, 4) 에서 X @ W + b 가 (X @ W1 + b1) @ W2 + b2 와 같습니다"""
        rng = np.random.default_rng(2020)
        for d, h, k in [(4, 3, 2), (1, 5, 1), (3, 1, 4)]:
            W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
            W2, b2 = rng.normal(size=(h, k)), rng.normal(size=k)
            X = rng.normal(size=(6, d))
            what = call("collapse_linear", W1, b1, W2, b2)
            W, b = sub.collapse_linear(W1, b1, W2, b2)
            assert_shape(W, (d, k), f"{what} 에서 나온 W")
            assert_shape(b, (k,), f"{what} 에서 나온 b")
            assert_close(X @ np.asarray(W) + np.asarray(b), (X @ W1 + b1) @ W2 + b2,
                         f"{what} 에서 나온 (W, b) 로 계산한 X @ W + b", rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- sigmoid

@pytest.mark.graded("sigmoid")
class TestSigmoid:
    @pytest.mark.points(1)
    @pytest.mark.hint("sigmoid(z) = 1 / (1 + exp(-z)) 입니다: sigmoid(0) = 0.5 이고, z 가 크면 1 에 가까운 값이 "
                      "나옵니다.")
    def test_known_values(self, sub):
        """sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75, sigmoid(-ln 3) = 0.25, 모양 (shape) 유지"""
        z = np.array([[0.0, np.log(3.0)], [-np.log(3.0), 0.0]])
        got = guarded_sigmoid(sub.sigmoid, z)
        assert_close(got, [[0.5, 0.75], [0.25, 0.5]], call("sigmoid", z), rtol=1e-12)

    @pytest.mark.points(2)
    @pytest.mark.hint("큰 양수의 exp 는 오버플로 (overflow) 합니다: exp 에는 언제나 -|z| (<= 0) 만 넣고, "
                      "z 의 부호 (sign) 에 따라 식을 고르세요. np.where 는 두 갈래 (branch) 를 모두 계산하므로, "
                      "어느 쪽도 오버플로하면 안 됩니다.")
    def test_large_inputs(self, sub):
        """z = [-1000, -50, 50, 1000] 과 숫자 ±1000.0: 오버플로 (overflow) 나 경고 (warning) 없이, ±1000 에서 정확히 0.0 과 1.0"""
        z = np.array([-1000.0, -50.0, 50.0, 1000.0])
        got = guarded_sigmoid(sub.sigmoid, z)
        assert_close(got, [0.0, 1.9287498479639178e-22, 1.0, 1.0], call("sigmoid", z), rtol=1e-9)
        assert_equal(np.asarray(got)[[0, 3]], np.array([0.0, 1.0]), f"{call('sigmoid', z)} 의 양 끝 (two ends)")
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
    @pytest.mark.hint("열 (column) 을 유지하세요: W2 의 모양 (shape) 이 (h, 1) 이면 출력층 (output layer) 이 "
                      "이미 (n, 1) 을 줍니다. ravel 이나 squeeze 로 줄이지 마세요.")
    def test_output_shape(self, sub):
        """고정된 2-3-1 네트워크 (network) 에 XOR 입력 4 개를 넣으면 모양 (shape) (4, 1) 의 맞는 값이 나옵니다"""
        what = call("mlp_forward", XOR_X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
        with building_on_sigmoid(sub):
            got = sub.mlp_forward(XOR_X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
            assert_shape(got, (4, 1), what)
            assert_close(got, FORWARD_EXPECTED, what, rtol=1e-9)

    @pytest.mark.points(2)
    @pytest.mark.hint("두 층 (layer) 마다 뒤에 시그모이드 (sigmoid) 를 두고, 편향 (bias) 도 둘 다 더하세요 "
                      "(3 절의 두 단계). sigmoid 자체의 검사가 실패하면 sigmoid 부터 고치세요.")
    def test_values(self, sub):
        """고정된 2-3-1 네트워크 (network) 의 값: XOR 입력 4 개, 그다음 같은 입력을 거꾸로 (reverse order)"""
        with building_on_sigmoid(sub):
            for X, expected in [(XOR_X, FORWARD_EXPECTED), (XOR_X[::-1].copy(), FORWARD_EXPECTED[::-1])]:
                what = call("mlp_forward", X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
                got = sub.mlp_forward(X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2)
                assert_close(got, expected, what, rtol=1e-9)


# ---------------------------------------------------------------- XOR_WEIGHTS

@pytest.mark.graded("XOR_WEIGHTS")
class TestXorWeights:
    @pytest.mark.points(1)
    @pytest.mark.hint('XOR_WEIGHTS = {"W1": (2, 2) 배열 (array), "b1": (2,), "W2": (2, 1), "b2": (1,)}; '
                      'b2 는 np.array([value]) 처럼 쓰세요.')
    def test_keys_and_shapes(self, sub):
        """W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,) 을 가진 딕셔너리 (dict)"""
        weights = xor_weights(sub)
        if not isinstance(weights, dict):
            raise Mismatch("XOR_WEIGHTS", "딕셔너리 (dict) 여야 합니다", received=type(weights).__name__)
        missing = [key for key in XOR_WEIGHT_SHAPES if key not in weights]
        if missing:
            raise Mismatch("XOR_WEIGHTS", f"키 (key) {', '.join(map(repr, missing))} 이(가) 없습니다 (missing)",
                           expected=sorted(XOR_WEIGHT_SHAPES), received=sorted(map(str, weights)))
        for key, shape in XOR_WEIGHT_SHAPES.items():
            assert_shape(weights[key], shape, f'XOR_WEIGHTS["{key}"]')

    @pytest.mark.points(2)
    @pytest.mark.hint("은닉 유닛 (hidden unit) 하나는 NAND, 다른 하나는 OR 을 계산하고 (W1 의 열 (column) 하나씩), "
                      "출력 유닛 (output unit) 이 둘을 AND 로 합칩니다. 가중치 (weight) 를 크게 (20 정도) 잡으면 "
                      "시그모이드가 계단 함수 (step function) 처럼 동작합니다.")
    def test_solves_xor(self, sub):
        """네 입력 모두에서 반올림 (round) 하면 XOR 입니다 (채점기 (grader) 의 순전파 (forward pass) 로 확인)"""
        weights = xor_weights(sub)
        for key, shape in XOR_WEIGHT_SHAPES.items():
            assert_shape(weights.get(key) if isinstance(weights, dict) else None, shape, f'XOR_WEIGHTS["{key}"]')
        W1, b1, W2, b2 = (np.asarray(weights[key], dtype=float) for key in ("W1", "b1", "W2", "b2"))
        out = moderate_sigmoid(moderate_sigmoid(XOR_X @ W1 + b1) @ W2 + b2)
        what = "XOR_WEIGHTS 로 계산한 sigmoid(sigmoid(XOR_X @ W1 + b1) @ W2 + b2)"
        assert_shape(out, (4, 1), what)
        wrong = np.round(out) != XOR_LABELS
        if wrong.any():
            row = int(np.argwhere(wrong)[0][0])
            raise Mismatch(what, f"입력 {XOR_X[row].astype(int).tolist()} 의 출력은 {out[row, 0]:.4f} 이고 반올림 "
                           f"(round) 하면 {int(np.round(out[row, 0]))} 이지만, XOR 은 {XOR_LABELS[row, 0]} 입니다 "
                           f"(4 개 중 {int(wrong.sum())} 개 틀림)",
                           expected=XOR_LABELS.ravel(), received=out.ravel())


# ---------------------------------------------------------------- build_xor_model

@pytest.mark.graded("build_xor_model")
@pytest.mark.timeout(120)
class TestBuildXorModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("keras.Sequential([keras.Input(shape=(2,)), Dense(hidden_units, ...), Dense(1, ...)]): "
                      "Dense 층 (layer) 은 정확히 두 개입니다.")
    def test_layers(self, sub):
        """Dense 층 (layer) 두 개: 유닛 (unit) hidden_units 개 (기본값 (default) 8, 그다음 hidden_units=3), 그다음 유닛 1 개"""
        for kwargs, units in [({}, 8), ({"hidden_units": 3}, 3)]:
            model, what = xor_model(sub.build_xor_model, **kwargs)
            check_layers(model, what, units)

    @pytest.mark.points(1)
    @pytest.mark.hint('은닉층 (hidden layer) 은 activation="relu", 출력층 (output layer) 은 activation="sigmoid" '
                      '입니다.')
    def test_activations(self, sub):
        """build_xor_model(): 은닉층 (hidden layer) 은 ReLU, 출력 (output) 은 sigmoid (z = [-2, 0.5, 3] 에서)"""
        model, what = xor_model(sub.build_xor_model)
        z = np.array([-2.0, 0.5, 3.0], dtype="float32")
        hidden, output = model_layers(model)[0], model_layers(model)[-1]
        for layer, name, expected in [(hidden, "은닉층 (hidden layer)", np.maximum(z, 0)),
                                      (output, "출력층 (output layer)", np.array(list(SIGMOID_AT.values())))]:
            function = getattr(layer, "activation", None)
            got = to_numpy(function(z)) if function is not None else z
            assert_close(got, expected, f"{show(z, details=False)} 에서 {what} 의 {name} 활성화 함수 (activation) "
                         f"({getattr(function, '__name__', function)})", rtol=1e-5)

    @pytest.mark.points(1)
    @pytest.mark.hint('model.compile(..., loss="binary_crossentropy", ...): 시그모이드 (sigmoid) 출력과 '
                      '0/1 타깃 (target) 에 맞는 손실 (loss) 입니다.')
    def test_loss(self, sub):
        """build_xor_model() 은 이진 교차 엔트로피 (binary cross-entropy) 로 컴파일 (compile) 됩니다 (XOR 입력 네 개에서의 손실 (loss))"""
        model, what = xor_model(sub.build_xor_model)
        require_compiled(model, what)
        p = np.clip(to_numpy(model(XOR_X.astype("float32"))), 1e-7, 1 - 1e-7)
        bce = float(-np.mean(XOR_LABELS * np.log(p) + (1 - XOR_LABELS) * np.log(1 - p)))
        loss = evaluate(model)["loss"]
        if not np.isclose(loss, bce, rtol=1e-4):
            raise Mismatch(f"{what} 이(가) XOR 입력에서 보고하는 손실 (loss)",
                           "출력의 이진 교차 엔트로피 (binary cross-entropy) 가 아닙니다", expected=bce, received=loss,
                           tolerance="상대 오차 (relative) 1e-4 (float32)")

    @pytest.mark.points(1)
    @pytest.mark.hint('정확도 (accuracy) 지표 (metric) 를 넣으세요: model.compile(..., metrics=["accuracy"]).')
    def test_accuracy_metric(self, sub):
        """build_xor_model() 이 정확도 (accuracy) 지표 (metric) 를 보고합니다 (XOR 입력 네 개에서)"""
        model, what = xor_model(sub.build_xor_model)
        require_compiled(model, what)
        out = to_numpy(model(XOR_X.astype("float32")))
        results = evaluate(model)
        names = [name for name in results if name != "loss" and "acc" in name]
        if not names:
            raise Mismatch(f"{what} 의 model.evaluate", "정확도 (accuracy) 지표 (metric) 를 보고하지 않습니다",
                           expected="loss 와 accuracy", received=sorted(results))
        expected = float(np.mean((out > 0.5) == XOR_LABELS))
        assert_close(results[names[0]], expected, f"{what} 이(가) XOR 입력에서 보고하는 {names[0]} "
                     f"(0.5 의 맞는 쪽에 있는 출력의 비율 (share))", rtol=1e-6)

    @pytest.mark.points(1)
    @pytest.mark.hint("optimizer=keras.optimizers.Adam(learning_rate=0.05) 입니다. 문자열 \"adam\" 은 "
                      "학습률 (learning rate) 0.001 을 써서 XOR 에는 너무 느립니다.")
    def test_optimizer(self, sub):
        """build_xor_model() 은 학습률 (learning rate) 0.05 인 Adam 을 씁니다"""
        keras = keras_module()
        model, what = xor_model(sub.build_xor_model)
        require_compiled(model, what)
        optimizer = model.optimizer
        if not isinstance(optimizer, keras.optimizers.Adam):
            raise Mismatch(f"{what} 의 옵티마이저 (optimizer)", "Adam 이어야 합니다", received=type(optimizer).__name__)
        assert_close(float(to_numpy(optimizer.learning_rate)), 0.05, f"{what} 의 학습률 (learning rate)", rtol=1e-6)

    @pytest.mark.points(1)
    @pytest.mark.hint("층 (layer) 을 만들기 전에, 첫 줄에서 keras.utils.set_random_seed(seed) 를 호출하세요. "
                      "기본값 (default) 은 seed=0 입니다.")
    def test_reproducible(self, sub):
        """build_xor_model() 과 (hidden_units=8, seed=0): 같은 Dense 층 두 개와 초기 가중치 (initial weights), 이전 난수 상태와 무관"""
        keras = keras_module()
        keras.utils.set_random_seed(11)
        first, what_first = xor_model(sub.build_xor_model)
        check_layers(first, what_first, 8)
        keras.utils.set_random_seed(22)
        second, what = xor_model(sub.build_xor_model, hidden_units=8, seed=0)
        for index, (a, b) in enumerate(zip(initial_weights(second), initial_weights(first))):
            if a.shape != b.shape or not np.array_equal(a, b):
                raise Mismatch(f"{what_first} 와 {what} 의 초기 가중치 (initial weights)", f"서로 다릅니다 "
                               f"(가중치 배열 (weight array) {index}): 기본 seed 가 0 이 아니거나, 결과가 호출 전의 "
                               f"난수 상태 (random state) 에 따라 달라집니다", expected=a, received=b)


# ---------------------------------------------------------------- train_xor_model

@pytest.mark.graded("train_xor_model")
@pytest.mark.timeout(120)
class TestTrainXorModel:
    @pytest.mark.points(1)
    @pytest.mark.hint("model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, verbose=0) 이 돌려주는 것을 그대로 "
                      "돌려주고, epochs 를 그대로 넘기세요. (여러분의 build_xor_model 을 사용합니다.)")
    def test_returns_history(self, sub):
        """model.fit 의 History 를 돌려주고, 에포크 (epoch) 마다 손실 (loss) 이 하나씩 있습니다 (build_xor_model() 의 모델, epochs=3)"""
        keras = keras_module()
        with building_on_build(sub):
            model, _ = xor_model(sub.build_xor_model)
            what = "train_xor_model(build_xor_model(), epochs=3)"
            history = sub.train_xor_model(model, epochs=3)
            if not isinstance(history, keras.callbacks.History):
                raise Mismatch(what, "model.fit 이 돌려주는 keras.callbacks.History 여야 합니다",
                               received=type(history).__name__)
            losses = history.history.get("loss", [])
            assert_equal(len(losses), 3, f"{what} 의 history.history['loss'] 에 기록된 에포크 (epoch) 수")

    @pytest.mark.points(2)
    @pytest.mark.hint("XOR_X 와 XOR_Y 로 `epochs` 에포크 (epoch) 동안 학습 (fit) 하세요. 실패하면 build_xor_model 을 "
                      "먼저 확인하세요 (이 검사는 여러분의 build_xor_model() 이 돌려준 모델을 학습합니다).")
    def test_learns_xor(self, sub):
        """train_xor_model(build_xor_model(), epochs=50) 뒤에 모델이 XOR 입력 네 개를 맞게 분류합니다"""
        with building_on_build(sub):
            model, _ = xor_model(sub.build_xor_model)
            sub.train_xor_model(model, epochs=TRAIN_EPOCHS)
            check_xor_predictions(model, f"train_xor_model(build_xor_model(), epochs={TRAIN_EPOCHS})")
