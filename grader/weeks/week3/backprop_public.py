"""Public checks of 03_backprop: fixed inputs, hard-coded expectations.

Gradients are compared in float64 with a relative tolerance of 1e-7 (an absolute 1e-12
for entries that should be 0): a correct backward pass is off by rounding only, about 1e-15.
"""
import contextlib
import math

import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_shape, call, show, without_overflow
from grader.core.submission import MachineryError, explain_error, quoting
from grader.weeks.week3.cases import case

RTOL, ATOL = 1e-7, 1e-12
TOLERANCE = dict(rtol=RTOL, atol=ATOL)

# affine: x (2, 3), W (3, 2), b (2,), dout (2, 2)
AFF_X = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 3.0]])
AFF_W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
AFF_B = np.array([0.05, -0.1])
AFF_DOUT = np.array([[1.0, -2.0], [0.5, 3.0]])
AFF_OUT = np.array([[1.25, -0.1], [-1.7, 1.2]])
AFF_DX = np.array([[0.5, -0.5, -1.7], [-0.55, 1.35, 1.55]])
AFF_DW = np.array([[1.25, -0.5], [1.5, -7.0], [0.5, 11.0]])
AFF_DB = np.array([1.5, 1.0])

# elementwise layers
RELU_X = np.array([[-2.0, -0.5, 0.0], [0.5, 3.0, -1e-3]])
RELU_DOUT = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
RELU_OUT = np.array([[0.0, 0.0, 0.0], [0.5, 3.0, 0.0]])
RELU_DX = np.array([[0.0, 0.0, 0.0], [4.0, 5.0, 0.0]])
SIG_X = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
SIG_DOUT = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
SIG_OUT = np.array([0.0, 0.11920292202211755, 0.5, 0.8807970779778823, 1.0])
SIG_DX = np.array([0.0, 0.209987170807013, 0.75, 0.41997434161402647, 0.0])
TANH_X = np.array([[-2.0, -0.5, 0.0], [0.5, 2.0, 20.0]])
TANH_DOUT = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
TANH_OUT = np.array([[-0.9640275800758169, -0.46211715726000974, 0.0],
                     [0.46211715726000974, 0.9640275800758169, 1.0]])
TANH_DX = np.array([[0.07065082485316443, 1.5728954659318548, 3.0],
                    [3.1457909318637096, 0.35325412426582214, 0.0]])

# softmax and cross-entropy
SM_Z = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]])
SM_P = np.array([[0.09003057317038046, 0.24472847105479764, 0.6652409557748218],
                 [0.12195165230972886, 0.33149896042409155, 0.5465493872661796]])
CE_SCORES = np.array([[1.0, 2.0, 0.5], [0.1, -0.3, 2.0], [0.0, 0.0, 0.0], [3.0, -1.0, 0.2]])
CE_Y = np.array([1, 2, 0, 0])
CE_LOSS = 0.46553444064240607
CE_DSCORES = np.array([[0.05780597440553726, -0.09286707019705939, 0.03506109579152212],
                       [0.029917853395169888, 0.02005453686513779, -0.0499723902603077],
                       [-0.16666666666666669, 0.08333333333333333, 0.08333333333333333],
                       [-0.018330974186543614, 0.004243166218504103, 0.014087807968039524]])

# numerical gradient of f(x) = sum(x**3): exactly 3 x**2 + h**2 for a centred difference
NG_X = np.array([[1.0, -2.0, 0.1], [0.5, 3.0, -0.7]])

# a fixed two-layer net: 3 inputs, 4 hidden units, 2 classes, 3 samples
NET_X = np.array([[1.0, -2.0, 0.5], [0.3, 0.8, -1.5], [-1.0, 0.0, 2.0]])
NET_Y = np.array([1, 0, 1])
NET_PARAMS = {
    "W1": np.array([[0.2, -0.4, 0.1, 0.5], [-0.3, 0.2, 0.6, -0.1], [0.4, 0.1, -0.2, 0.3]]),
    "b1": np.array([0.1, -0.1, 0.0, 0.2]),
    "W2": np.array([[0.5, -0.6], [-0.2, 0.3], [0.7, 0.1], [-0.4, 0.8]]),
    "b2": np.array([0.05, -0.05]),
}
NET_SCORES = np.array([[0.18, 0.13], [0.617, 0.031], [0.18, -0.08]])
NET_LOSS = 0.6641681159508454
NET_GRADS = {
    "W1": np.array([[-0.019117594950233574, 0.0941060486338382, -0.021453189926185206, 0.020855558127527568],
                    [-0.3758314240884209, 0.0, -0.05720850646982722, 0.4099979171873683],
                    [0.5080244700109933, -0.1882120972676764, 0.10726594963092603, -0.5542085127392655]]),
    "b1": np.array([0.3949490190386545, -0.0941060486338382, -0.07151063308728402, -0.4308534753148958]),
    "W2": np.array([[0.31966418013158393, -0.31966418013158393],
                    [0.09410604863383823, -0.09410604863383823],
                    [-0.09653935466783344, 0.09653935466783342],
                    [0.23583771794977654, -0.23583771794977654]]),
    "b2": np.array([0.23986017428360645, -0.2398601742836065]),
}

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])
XOR_BUDGET = dict(hidden_dim=32, weight_scale=1.0, lr=0.5, epochs=200, batch_size=4)   # section 12's


def xor_net(two_layer_net):
    """``two_layer_net(2, hidden_dim, 2)`` (a TwoLayerNet class) as section 12 builds it for XOR."""
    b = XOR_BUDGET
    return two_layer_net(2, b["hidden_dim"], 2, weight_scale=b["weight_scale"], seed=0)


def train_on_xor(sub, net):
    """The student's train of ``net`` on the four XOR points with section 12's budget; the losses."""
    b = XOR_BUDGET
    return sub.train(net, XOR_X.copy(), XOR_Y.copy(), lr=b["lr"], epochs=b["epochs"], batch_size=b["batch_size"],
                     seed=0)


def unpack(result, names, what):
    """The parts of a returned tuple, e.g. (out, cache), or a Mismatch saying what came back."""
    if not isinstance(result, tuple) or len(result) != len(names):
        raise Mismatch(what, f"튜플 (tuple) ({', '.join(names)}) 을 돌려줘야 합니다", received=result)
    return result


def forward(fn, name, *args):
    """Call a forward function on copies of args; return (out, cache, how the call looks)."""
    what = call(name, *args)
    out, cache = unpack(fn(*(a.copy() for a in args)), ("out", "cache"), what)
    return out, cache, what


def backward(sub, layer, x, dout):
    """dx from the student's <layer>_backward, given the cache of the student's <layer>_forward."""
    _, cache, _ = forward(getattr(sub, f"{layer}_forward"), f"{layer}_forward", x)
    return (getattr(sub, f"{layer}_backward")(dout.copy(), cache),
            f"x = {x.tolist()} 일 때 {layer}_backward(dout={dout.tolist()}, cache) 의 dx")


def fixed_net(sub):
    """The student's TwoLayerNet(3, 4, 2) with the fixed parameters above."""
    net = sub.TwoLayerNet(3, 4, 2)
    for key, value in NET_PARAMS.items():
        net.params[key] = value.copy()
    return net


# ---- checks that run more than one of the student's functions ------------------------------
# The notebook has TwoLayerNet use the layer functions and train call sgd_step (and section 12
# trains the student's TwoLayerNet). When such a check fails, its message names those of the
# functions it runs that fail their own basic case below, so the student knows where to look.

def _affine_forward_ok(sub):
    assert_close(sub.affine_forward(AFF_X.copy(), AFF_W.copy(), AFF_B.copy())[0], AFF_OUT, "", **TOLERANCE)


def _affine_backward_ok(sub):
    got = sub.affine_backward(AFF_DOUT.copy(), sub.affine_forward(AFF_X.copy(), AFF_W.copy(), AFF_B.copy())[1])
    for value, expected in zip(got, (AFF_DX, AFF_DW, AFF_DB), strict=True):
        assert_close(value, expected, "", **TOLERANCE)


def _relu_forward_ok(sub):
    assert_close(sub.relu_forward(RELU_X.copy())[0], RELU_OUT, "", **TOLERANCE)


def _relu_backward_ok(sub):
    assert_close(sub.relu_backward(RELU_DOUT.copy(), sub.relu_forward(RELU_X.copy())[1]), RELU_DX, "", **TOLERANCE)


def _softmax_cross_entropy_ok(sub):
    loss, dscores = sub.softmax_cross_entropy(CE_SCORES.copy(), CE_Y.copy())
    assert_close(loss, CE_LOSS, "", **TOLERANCE)
    assert_close(dscores, CE_DSCORES, "", **TOLERANCE)


def _two_layer_net_ok(sub):
    loss, grads = fixed_net(sub).loss(NET_X.copy(), NET_Y.copy())
    assert_close(loss, NET_LOSS, "", **TOLERANCE)
    for key, expected in NET_GRADS.items():
        assert_close(grads[key], expected, "", **TOLERANCE)


def _sgd_step_ok(sub):
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]])}
    array = params["W"]
    sub.sgd_step(params, {"W": np.array([[10.0, 0.0], [-10.0, 5.0]])}, 0.1)
    assert_close(array, [[0.0, 2.0], [4.0, 3.5]], "", **TOLERANCE)


BASIC_CASES = {"affine_forward": _affine_forward_ok, "affine_backward": _affine_backward_ok,
               "relu_forward": _relu_forward_ok, "relu_backward": _relu_backward_ok,
               "softmax_cross_entropy": _softmax_cross_entropy_ok, "TwoLayerNet": _two_layer_net_ok,
               "sgd_step": _sgd_step_ok}
NET_PARTS = ("affine_forward", "relu_forward", "softmax_cross_entropy", "affine_backward", "relu_backward")


def _fails_basic_case(sub, name) -> bool:
    try:
        BASIC_CASES[name](sub)
    except Exception as error:      # noqa: BLE001 (any error of the student's code is a failure)
        if isinstance(error, MachineryError):   # a time limit, a stopped process: not a wrong answer
            raise
        return True
    return False


@contextlib.contextmanager
def running(sub, *names):
    """A check that also runs the student's ``names``: on failure, name those that are wrong."""
    try:
        yield
    except Exception as error:
        if isinstance(error, MachineryError):   # a time limit, a stopped process: not a wrong answer
            raise
        wrong = [name for name in names if _fails_basic_case(sub, name)]
        if not wrong:
            raise
        first, *rest = explain_error(error).splitlines()
        them = "그 함수" if len(wrong) == 1 else "그 함수들"
        note = (f"이 검사 (check) 는 여러분의 {', '.join(wrong)} 도 실행하는데, {them}{'가' if len(wrong) == 1 else '이'} "
                f"자기 검사에서 틀린 값을 냅니다: 먼저 {them}{'를' if len(wrong) == 1 else '을'} 고치세요")
        raise quoting(AssertionError("\n".join([f"{first} ({note})", *rest])), error) from None


@pytest.mark.graded("affine_forward")
class TestAffineForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("out = x @ W + b: x 는 (N, D), W 는 (D, M) 이므로 전치 (transpose) 가 필요 없습니다. "
                      "b 는 모든 행 (row) 에 더해집니다.")
    def test_affine_forward_values(self, sub):
        """x (2, 3), W (3, 2), b (2,) 로 올바른 (2, 2) 출력 (output) 을 냅니다"""
        out, _, what = forward(sub.affine_forward, "affine_forward", AFF_X, AFF_W, AFF_B)
        assert_close(out, AFF_OUT, f"{what} 의 out", **TOLERANCE)


@pytest.mark.graded("affine_backward")
class TestAffineBackward:
    def _grads(self, sub):
        _, cache, _ = forward(sub.affine_forward, "affine_forward", AFF_X, AFF_W, AFF_B)
        what = f"x (2, 3), W (3, 2), b (2,) 일 때 affine_backward(dout={AFF_DOUT.tolist()}, cache)"
        return unpack(sub.affine_backward(AFF_DOUT.copy(), cache), ("dx", "dW", "db"), what), what

    @pytest.mark.points(1)
    @pytest.mark.hint("dx 는 (N, D) 여야 합니다: dout (N, M) 과 W (D, M) 으로 그 모양 (shape) 을 만드는 "
                      "곱은 dout @ W.T 하나뿐입니다.")
    def test_affine_backward_dx(self, sub):
        """dx 가 x 와 같은 모양 (shape) 이고 값 (value) 이 맞습니다"""
        (dx, _, _), what = self._grads(sub)
        assert_close(dx, AFF_DX, f"{what} 의 dx", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("dW = x.T @ dout 은 W 와 같은 모양 (shape) 입니다. db 는 dout 을 배치 (batch) 에 대해 "
                      "더합니다: dout.sum(axis=0).")
    def test_affine_backward_dW_db(self, sub):
        """dW 와 db 가 W, b 와 같은 모양 (shape) 이고 값 (value) 이 맞습니다"""
        (_, dW, db), what = self._grads(sub)
        assert_close(dW, AFF_DW, f"{what} 의 dW", **TOLERANCE)
        assert_close(db, AFF_DB, f"{what} 의 db", **TOLERANCE)


# layer -> (x, dout, expected out, expected dx)
ACTIVATIONS = {"relu": (RELU_X, RELU_DOUT, RELU_OUT, RELU_DX), "sigmoid": (SIG_X, SIG_DOUT, SIG_OUT, SIG_DX),
               "tanh": (TANH_X, TANH_DOUT, TANH_OUT, TANH_DX)}
ACTIVATION_CASES = [
    case("relu", "forward", graded="relu_forward",
         title="음수와 0 은 0 이 되고 양수는 그대로입니다. 모양 (shape) 은 유지됩니다",
         hint="ReLU 는 원소마다 (elementwise) max(0, x) 입니다: 출력은 x 와 모양 (shape) 이 같고, 배열 전체를 값 하나로 줄이지 않습니다."),
    case("relu", "backward", graded="relu_backward",
         title="x > 0 인 곳에서만 dout 을 통과시킵니다 (x = 0 과 x < 0 에서는 0)",
         hint="x > 0 인 곳은 dx = dout, 나머지는 0 입니다 (x == 0 에서도 0). cache 에는 out 이 아니라 "
              "x 를 넣으세요 (out >= 0 은 항상 참입니다)."),
    case("sigmoid", "forward", graded="sigmoid_forward",
         title="값이 맞고, x = -1000 과 x = 1000 에서도 오버플로 (overflow) 나 경고 (warning) 없이 유한 (finite) 합니다",
         hint="절대 넘치지 (overflow) 않는 exp(-|x|) 를 e 라 하면: x >= 0 에서는 1 / (1 + e), "
              "x < 0 에서는 e / (1 + e) 입니다."),
    case("sigmoid", "backward", graded="sigmoid_backward",
         title="x = -1000, -2, 0, 2, 1000 에서 dx = dout * s * (1 - s) 입니다",
         hint="dx 는 dout 곱하기 국소 기울기 (local gradient) 입니다. 시그모이드 (sigmoid) 의 국소 기울기는 "
              "순전파 출력 (forward output) s 만 있으면 됩니다: cache 에 s 를 넣어 두세요."),
    case("tanh", "forward", graded="tanh_forward",
         title="-2 에서 20 까지의 x (2, 3) 에서 값이 맞고 모양 (shape) 이 유지됩니다",
         hint="np.tanh(x) 는 어떤 모양 (shape) 이든 원소별 (elementwise) 로 계산합니다."),
    case("tanh", "backward", graded="tanh_backward",
         title="-2 에서 20 까지의 x (2, 3) 에서 dx = dout * (1 - tanh(x)**2) 입니다",
         hint="tanh 의 국소 기울기 (local gradient) 는 x 가 아니라 순전파 출력 (forward output) "
              "out = tanh(x) 로 씁니다. 거기에 dout 을 곱하세요."),
]


@pytest.mark.parametrize("layer, direction", ACTIVATION_CASES)
def test_activation_values(sub, layer, direction):
    """The fixed case of one activation layer's forward or backward pass (each row's title says which)."""
    x, dout, out_expected, dx_expected = ACTIVATIONS[layer]
    if direction == "backward":
        dx, what = backward(sub, layer, x, dout)
        assert_close(dx, dx_expected, what, **TOLERANCE)
        return
    name = f"{layer}_forward"
    # only the sigmoid's inputs are large enough to overflow a naive exp
    with without_overflow(call(name, x)) if layer == "sigmoid" else contextlib.nullcontext():
        out, _, what = forward(getattr(sub, name), name, x)
    assert_close(out, out_expected, f"{what} 의 out", **TOLERANCE)


@pytest.mark.graded("softmax")
class TestSoftmax:
    @pytest.mark.points(1)
    @pytest.mark.hint("각 행 (row) 을 정규화 (normalise) 하세요: keepdims=True 로 axis=1 에 대해 더하면 "
                      "모든 행의 합이 1 이 됩니다.")
    def test_softmax_values(self, sub):
        """(2, 3) 입력 (input): 각 행 (row) 이 합이 1 인 확률 (probability) 이 됩니다"""
        z = SM_Z.copy()
        assert_close(sub.softmax(z), SM_P, call("softmax", SM_Z), **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("np.exp 전에 각 행 (row) 에서 그 행의 최댓값 (maximum) 을 빼세요 (keepdims=True 면 "
                      "브로드캐스팅 (broadcasting) 됩니다): 결과는 같고, exp 는 절대 넘치지 (overflow) 않습니다.")
    def test_softmax_large_inputs(self, sub):
        """1000 근처의 입력 (input) 도 유한한 (finite) 확률을 냅니다 (입력에서 1000 을 뺀 것과 같은 값)"""
        z = SM_Z + 1000.0
        assert_close(sub.softmax(z.copy()), SM_P, call("softmax", z), **TOLERANCE)


@pytest.mark.graded("softmax_cross_entropy")
class TestSoftmaxCrossEntropy:
    def _result(self, sub, scores, y):
        what = call("softmax_cross_entropy", scores, y)
        loss, dscores = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        return loss, dscores, what

    @pytest.mark.points(1)
    @pytest.mark.hint("loss = -mean(log p[i, y[i]]): N 개의 행 (row) 을 더하지 말고 평균 (mean) 을 내세요.")
    def test_cross_entropy_loss(self, sub):
        """샘플 (sample) 4 개, 클래스 (class) 3 개의 평균 손실 (mean loss)"""
        loss, _, what = self._result(sub, CE_SCORES, CE_Y)
        assert_close(loss, CE_LOSS, f"{what} 의 loss", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("dscores = (softmax(scores) - one_hot(y)) / N: [i, y[i]] 에서 1 을 뺀 뒤 N 으로 나누세요.")
    def test_cross_entropy_gradient(self, sub):
        """샘플 (sample) 4 개, 클래스 (class) 3 개의 기울기 (gradient) dscores = (p - one_hot(y)) / N"""
        _, dscores, what = self._result(sub, CE_SCORES, CE_Y)
        assert_close(dscores, CE_DSCORES, f"{what} 의 dscores", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("점수 (score) 가 모두 같으면 모든 클래스 (class) 에서 p = 1/C 이므로 손실 (loss) 은 정확히 ln(C) 입니다.")
    def test_cross_entropy_uniform(self, sub):
        """모두 같은 점수 (score) (샘플 3 개, 클래스 5 개) 의 손실 (loss) 은 ln(5) 입니다"""
        scores, y = np.zeros((3, 5)), np.array([0, 4, 2])
        loss, _, what = self._result(sub, scores, y)
        assert_close(loss, math.log(5), f"{what} 의 loss", **TOLERANCE)


def cube_sum(x):
    return float(np.sum(x ** 3))


def cube_call(**kwargs) -> str:
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return f"f(x) = sum(x**3), x = {show(NG_X, details=False)} 일 때 numerical_gradient(f, x{extra})"


@pytest.mark.graded("numerical_gradient")
class TestNumericalGradient:
    @pytest.mark.points(1)
    @pytest.mark.hint("중앙 차분 (centred difference): 모든 원소 (element) i 에 대해 (f(x + h e_i) - f(x - h e_i)) / (2 h) "
                      "입니다 (한쪽 차분 (one-sided difference) 은 약 h 만큼 어긋납니다).")
    def test_numerical_gradient_centred(self, sub):
        """(2, 3) 배열 (array) 에서 f(x) = sum(x**3) 이면 3 x**2 입니다 (중앙 차분, centred difference)"""
        x = NG_X.copy()
        got = sub.numerical_gradient(cube_sum, x)
        assert_close(got, 3 * NG_X ** 2 + 1e-10, cube_call(), **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("인자로 받은 h 를 쓰세요: f = sum(x**3) 의 중앙 차분 (centred difference) 은 정확히 3 x**2 + h**2 입니다.")
    def test_numerical_gradient_uses_h(self, sub):
        """인자 (argument) h 를 씁니다: f(x) = sum(x**3) 에서 h = 0.1 이면 3 x**2 + 0.01 입니다"""
        x = NG_X.copy()
        got = sub.numerical_gradient(cube_sum, x, h=0.1)
        assert_close(got, 3 * NG_X ** 2 + 0.01, cube_call(h=0.1), rtol=1e-9, atol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("old = x[ix] 를 저장하고, x[ix] = old + h, 다음에 old - h 로 바꾼 뒤, 마지막에 다시 x[ix] = old 로 "
                      "되돌리세요.")
    def test_numerical_gradient_restores_x(self, sub):
        """x 를 처음 그대로 둡니다 (그리고 올바른 기울기 (gradient) 를 돌려줍니다, f(x) = sum(x**3))"""
        x = NG_X.copy()
        got = sub.numerical_gradient(cube_sum, x)
        assert_close(got, 3 * NG_X ** 2 + 1e-10, cube_call(), **TOLERANCE)
        assert_close(x, NG_X, f"{cube_call()} 호출 후의 x", rtol=1e-12, atol=1e-15)

    @pytest.mark.points(1)
    @pytest.mark.hint("기본 간격 (default step) 은 함수 정의 (signature) 에 있는 h=1e-5 입니다: f = sum(x**3) 의 "
                      "x = 0 에서 중앙 차분 (centred difference) 은 정확히 h**2 입니다.")
    def test_numerical_gradient_default_h(self, sub):
        """h 없이 부르면 기본값 (default) h = 1e-5 를 씁니다: x = 0 (2, 3) 에서 f(x) = sum(x**3) 이면 h**2 = 1e-10"""
        x = np.zeros((2, 3))
        got = sub.numerical_gradient(cube_sum, x)
        assert_close(got, np.full((2, 3), 1e-10), "f(x) = sum(x**3), x = zeros (2, 3) 일 때 numerical_gradient(f, x)",
                     rtol=1e-6, atol=0)


@pytest.mark.graded("rel_error")
class TestRelError:
    @pytest.mark.points(1)
    @pytest.mark.hint("원소별 (elementwise) 로 np.maximum(1e-8, |a| + |b|) 로 나눈 뒤, 평균 (mean) 이 아니라 "
                      "최댓값 (max) 을 고르세요.")
    def test_rel_error_max(self, sub):
        """평균 (mean) 이 아니라 원소별 상대 오차 (relative error) 의 최댓값 (max) 입니다"""
        a, b = np.array([1.0, 1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0, 3.0])
        assert_close(sub.rel_error(a, b), 0.5, call("rel_error", a, b), **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("분모 (denominator) 는 np.maximum(1e-8, |a| + |b|) 입니다: 두 배열 (array) 에서 모두 0 인 원소는 "
                      "nan 이 아니라 0 이 됩니다.")
    def test_rel_error_floor(self, sub):
        """1e-8 하한 (floor) 을 씁니다: 0 끼리는 0 이고, 아주 작은 값은 1e-8 에 대해 잽니다"""
        zeros = np.zeros((2, 3))
        assert_close(sub.rel_error(zeros, zeros.copy()), 0.0, call("rel_error", zeros, zeros), **TOLERANCE)
        a, b = np.array([0.0, 1e-9]), np.array([0.0, 3e-9])
        assert_close(sub.rel_error(a, b), 0.2, "rel_error(a=[0, 1e-9], b=[0, 3e-9])", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("a 와 b 는 그냥 숫자 (number) 일 수도 있습니다: np.asarray 는 숫자를 NumPy 가 다룰 수 있는 "
                      "배열 (array) 로 바꿉니다.")
    def test_rel_error_numbers(self, sub):
        """그냥 숫자 (number): rel_error(1.0, 3.0) = 0.5, rel_error(-2.0, -2.0) = 0"""
        assert_close(sub.rel_error(1.0, 3.0), 0.5, "rel_error(1.0, 3.0)", **TOLERANCE)
        assert_close(sub.rel_error(-2.0, -2.0), 0.0, "rel_error(-2.0, -2.0)", **TOLERANCE)


@pytest.mark.graded("TwoLayerNet")
class TestTwoLayerNet:
    @pytest.mark.points(1)
    @pytest.mark.hint('params 에는 키 (key) "W1", "b1", "W2", "b2" 가 있어야 합니다: W1 (input_dim, hidden_dim), '
                      'W2 (hidden_dim, output_dim), 편향 (bias) 은 0 입니다.')
    def test_net_params(self, sub):
        """params 에 W1 (4, 5), b1 (5,), W2 (5, 3), b2 (3,) 가 있고 편향 (bias) 은 0 입니다"""
        net = sub.TwoLayerNet(4, 5, 3)
        params = net.params
        if not isinstance(params, dict) or set(params) != {"W1", "b1", "W2", "b2"}:
            raise Mismatch("TwoLayerNet(4, 5, 3).params", '키 (key) "W1", "b1", "W2", "b2" 를 가진 딕셔너리 (dict) 여야 합니다',
                           received=sorted(params) if isinstance(params, dict) else params)
        for key, shape in {"W1": (4, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}.items():
            assert_shape(params[key], shape, f'TwoLayerNet(4, 5, 3).params["{key}"]')
        for key in ("b1", "b2"):
            assert_close(params[key], np.zeros_like(params[key]), f'TwoLayerNet(4, 5, 3).params["{key}"]')

    @pytest.mark.points(1)
    @pytest.mark.hint("rng = np.random.default_rng(seed) 를 만들고, 그 rng 의 rng.standard_normal 로 W1, 다음에 W2 를 "
                      "뽑아 weight_scale 을 곱하세요.")
    def test_net_seeded(self, sub):
        """같은 시드 (seed) 는 같은 가중치 (weight), 다른 시드는 다른 가중치를 줍니다. 크기 (scale) = weight_scale"""
        first, again = sub.TwoLayerNet(20, 30, 10, seed=3), sub.TwoLayerNet(20, 30, 10, seed=3)
        for key in ("W1", "W2"):
            assert_close(again.params[key], first.params[key],
                         f'두 번째 TwoLayerNet(20, 30, 10, seed=3) 의 params["{key}"]', rtol=0)
        other = sub.TwoLayerNet(20, 30, 10, seed=4)
        if np.allclose(other.params["W1"], first.params["W1"]):
            raise Mismatch('TwoLayerNet(20, 30, 10, seed=4) 의 params["W1"]', "seed=3 일 때와 같습니다: "
                           "시드 (seed) 가 가중치 (weight) 를 정해야 합니다")
        std = float(np.std(sub.TwoLayerNet(20, 30, 10, weight_scale=0.5).params["W1"]))
        if not 0.4 < std < 0.6:
            raise Mismatch('TwoLayerNet(20, 30, 10, weight_scale=0.5) 의 np.std(params["W1"])',
                           "weight_scale 과 비슷해야 합니다", expected=0.5, received=std, tolerance="0.4 ~ 0.6")

    @pytest.mark.points(1)
    @pytest.mark.hint("y 가 없으면 self.params 로 계산한 affine -> ReLU -> affine 의 점수 (scores) 를 "
                      "돌려주세요 (softmax 없이).")
    def test_net_scores(self, sub):
        """y 없이 부른 loss(X) 는 affine - ReLU - affine 의 점수 (scores) (3, 2) 를 돌려줍니다"""
        with running(sub, "affine_forward", "relu_forward"):
            net = fixed_net(sub)
            assert_close(net.loss(NET_X.copy()), NET_SCORES, "고정된 신경망 (fixed net) 으로 계산한 scores = net.loss(X)", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("y 가 있으면: softmax_cross_entropy(scores, y) 로 손실 (loss) 을 구하고, 거꾸로 (reverse order) "
                      "affine_backward, relu_backward, affine_backward 를 부르세요. grads 는 params 와 같은 키 (key) 를 "
                      "가집니다.")
    def test_net_loss_and_grads(self, sub):
        """loss(X, y) 는 손실 (loss) 과 모든 파라미터 (parameter) 의 기울기 (gradient) 를 돌려줍니다"""
        with running(sub, *NET_PARTS):
            net = fixed_net(sub)
            what = "고정된 신경망 (fixed net) 으로 부른 net.loss(X, y)"
            loss, grads = unpack(net.loss(NET_X.copy(), NET_Y.copy()), ("loss", "grads"), what)
            assert_close(loss, NET_LOSS, f"{what} 의 loss", **TOLERANCE)
            if not isinstance(grads, dict) or set(grads) != set(NET_GRADS):
                raise Mismatch(f"{what} 의 grads", '키 (key) "W1", "b1", "W2", "b2" 를 가진 딕셔너리 (dict) 여야 합니다',
                               received=sorted(grads) if isinstance(grads, dict) else grads)
            for key, expected in NET_GRADS.items():
                assert_close(grads[key], expected, f'{what} 의 grads["{key}"]', **TOLERANCE)


@pytest.mark.graded("sgd_step")
class TestSgdStep:
    def _step(self, sub):
        params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}
        grads = {"W": np.array([[10.0, 0.0], [-10.0, 5.0]]), "b": np.array([1.0, 2.0])}
        arrays = dict(params)
        sub.sgd_step(params, grads, 0.1)
        return params, arrays

    @pytest.mark.points(1)
    @pytest.mark.hint("모든 키 (key) 에 대해 params[k] -= lr * grads[k] 입니다 (빼기: 기울기 (gradient) 를 따라 내려갑니다).")
    def test_sgd_step_values(self, sub):
        """params[k] 가 params[k] - lr * grads[k] 로 바뀝니다"""
        params, _ = self._step(sub)
        assert_close(params["W"], [[0.0, 2.0], [4.0, 3.5]], 'sgd_step(params, grads, lr=0.1) 후의 params["W"]')
        assert_close(params["b"], [0.4, -0.7], 'sgd_step(params, grads, lr=0.1) 후의 params["b"]')

    @pytest.mark.points(1)
    @pytest.mark.hint("-= 로 배열 (array) 을 제자리에서 (in place) 갱신하세요. 그래야 그 배열을 가진 쪽 (신경망, network) 이 "
                      "바뀐 값을 봅니다.")
    def test_sgd_step_in_place(self, sub):
        """딕셔너리 (dict) 만이 아니라 배열 (array) 자체를 제자리에서 (in place) 바꿉니다"""
        _, arrays = self._step(sub)
        assert_close(arrays["W"], [[0.0, 2.0], [4.0, 3.5]],
                     'sgd_step(params, grads, lr=0.1) 전에 params["W"] 였던 배열 (array)')


class RecordingNet:
    """A stand-in network: records the labels of every batch; loss = batch size, gradient 1."""

    def __init__(self):
        self.params = {"w": np.zeros(1)}
        self.batches = []

    def loss(self, X, y=None):
        self.batches.append(np.asarray(y).copy())
        return float(len(y)), {"w": np.ones(1)}


# the orders train must visit 10 samples in: rng = np.random.default_rng(seed), then
# rng.permutation(10) at the start of each of 2 epochs
ORDERS = {5: [7, 6, 1, 3, 2, 4, 0, 9, 5, 8] + [9, 6, 3, 7, 1, 0, 8, 4, 5, 2],
          0: [4, 6, 2, 7, 3, 5, 9, 0, 8, 1] + [2, 9, 3, 6, 0, 4, 8, 7, 5, 1]}


def record_training(sub, n=10, batch_size=4, epochs=2, seed=0, lr=0.5, default_seed=False):
    X, y = np.arange(n, dtype=float).reshape(n, 1), np.arange(n)
    net = RecordingNet()
    kwargs = dict(lr=lr, epochs=epochs, batch_size=batch_size) | ({} if default_seed else dict(seed=seed))
    with running(sub, "sgd_step"):
        losses = sub.train(net, X, y, **kwargs)
    return net, losses, f"N = {n} 일 때 train(net, X, y, {', '.join(f'{k}={v}' for k, v in kwargs.items())})"


def assert_order(sub, net, seed, what):
    """The samples net.loss saw during 2 epochs are ORDERS[seed]."""
    expected = np.array(ORDERS[seed])
    got = np.concatenate(net.batches) if net.batches else np.array([], dtype=int)
    if got.shape != expected.shape:
        raise Mismatch(f"{what} 동안 net.loss 가 본 샘플 (sample)", f"에포크 (epoch) 마다 모든 샘플을 한 번씩 "
                       f"봐야 하는데 (2 에포크에 {expected.size} 개), {got.size} 개를 봤습니다",
                       expected=expected, received=got)
    assert_equal(got, expected, f"{what} 동안의 샘플 순서 (order)")


@pytest.mark.graded("train")
class TestTrain:
    @pytest.mark.points(1)
    @pytest.mark.hint("배치 (batch) 는 start < N 인 동안 start = 0, batch_size, 2*batch_size, ... 에서 시작합니다. "
                      "마지막의 작은 배치도 버리지 마세요 (샘플 10 개를 4 개씩 나누면 4 + 4 + 2). "
                      "배치마다 sgd_step 을 부르세요.")
    def test_train_batches(self, sub):
        """샘플 (sample) 10 개, batch_size 4: 에포크 (epoch) 마다 4, 4, 2 개의 배치 (batch), 배치마다 sgd_step"""
        net, _, what = record_training(sub)
        sizes = [len(b) for b in net.batches]
        if sizes != [4, 4, 2, 4, 4, 2]:
            raise Mismatch(f"{what} 동안 net.loss 가 본 배치 크기 (batch size)",
                           "배치 (batch) 가 틀렸습니다 (2 에포크 (epoch), 에포크마다 4 + 4 + 2)",
                           expected=[4, 4, 2, 4, 4, 2], received=sizes)
        with running(sub, "sgd_step"):
            assert_close(net.params["w"], [-0.5 * 6], f'{what} 후의 net.params["w"] (갱신 (step) 마다 lr * 1 을 뺍니다)')

    @pytest.mark.points(1)
    @pytest.mark.hint("첫 에포크 (epoch) 전에 rng = np.random.default_rng(seed) 를 한 번만 만들고, "
                      "에포크마다 시작할 때 order = rng.permutation(N) 을 구하세요.")
    def test_train_shuffles(self, sub):
        """샘플 (sample) 을 rng.permutation(N) 순서로 보고, 에포크 (epoch) 마다 새 순열 (permutation) 을 씁니다 (seed=5)"""
        net, _, what = record_training(sub, seed=5)
        assert_order(sub, net, 5, what)

    @pytest.mark.points(1)
    @pytest.mark.hint("기본 시드 (default seed) 는 함수 정의 (signature) 에 있는 seed=0 입니다: seed 없이 부르면 "
                      "train 은 seed=0 일 때와 똑같이 섞어야 (shuffle) 합니다.")
    def test_train_default_seed(self, sub):
        """seed 없이 부르면 기본값 (default) seed=0 일 때와 똑같이 섞습니다 (shuffle)"""
        net, _, what = record_training(sub, default_seed=True)
        assert_order(sub, net, 0, f"{what} (기본값 (default) seed=0)")

    @pytest.mark.points(1)
    @pytest.mark.hint("에포크 (epoch) 마다 실수 (float) 하나를 담은 리스트 (list) 를 돌려주세요: 그 에포크의 "
                      "미니배치 손실 (mini-batch loss) 들의 np.mean 입니다.")
    def test_train_epoch_losses(self, sub):
        """에포크 (epoch) 마다 손실 (loss) 하나를 돌려줍니다: 미니배치 손실 (mini-batch loss) 들의 평균 (mean)"""
        _, losses, what = record_training(sub, epochs=3)
        if not isinstance(losses, list):
            raise Mismatch(f"{what} 의 반환값 (return value)", "리스트 (list) 여야 합니다", received=losses)
        assert_close(losses, [10 / 3] * 3, f"{what} 의 에포크 손실 (epoch loss) (배치 손실 4, 4, 2)", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("X 와 y 를 제자리에서 (in place) 섞지 말고, 섞은 순서로 인덱싱 (indexing) 하세요 (X[idx], y[idx]).")
    def test_train_keeps_data(self, sub):
        """X 와 y 를 바꾸지 않습니다 (그리고 모든 샘플 (sample) 로 학습합니다: 배치 3, 3, 3, 1 이면 에포크 손실 (epoch loss) 2.5)"""
        X, y = np.arange(10, dtype=float).reshape(10, 1), np.arange(10)
        net = RecordingNet()
        what = "N = 10 일 때 train(net, X, y, lr=0.1, epochs=2, batch_size=3, seed=1)"
        with running(sub, "sgd_step"):
            losses = sub.train(net, X, y, lr=0.1, epochs=2, batch_size=3, seed=1)
        assert_close(losses, [2.5, 2.5], f"{what} 의 에포크 손실 (epoch loss) (배치 손실 3, 3, 3, 1)", **TOLERANCE)
        seen = np.sort(np.concatenate(net.batches)) if net.batches else np.array([], dtype=int)
        assert_equal(seen, np.repeat(np.arange(10), 2), f"{what} 동안 net.loss 가 본 라벨 (label), 정렬 (sorted)")
        assert_equal(X, np.arange(10, dtype=float).reshape(10, 1), "train 후의 X")
        assert_equal(y, np.arange(10), "train 후의 y")

    @pytest.mark.points(2)
    @pytest.mark.timeout(30)
    @pytest.mark.hint("12 절 (section 12) 처럼, 이 검사 (check) 는 여러분의 train (과 sgd_step) 으로 여러분의 "
                      "TwoLayerNet 을 학습합니다: 먼저 그 함수들의 다른 검사를 통과시키세요. 예산 (budget) 은 "
                      "lr 0.5, 200 에포크 (epoch), batch_size 4, seed 0 입니다.")
    def test_train_xor(self, sub):
        """정해진 예산 (budget) 으로 여러분의 TwoLayerNet(2, 32, 2, weight_scale=1.0) 을 XOR 에 학습하면 입력 (input) 4 개가 모두 맞습니다"""
        with running(sub, "TwoLayerNet", "sgd_step"):
            net = xor_net(sub.TwoLayerNet)
            train_on_xor(sub, net)
            predictions = np.asarray(net.loss(XOR_X.copy())).argmax(axis=1)
            assert_equal(predictions, XOR_Y, "XOR 학습 후의 net.loss(XOR_X).argmax(axis=1)")
