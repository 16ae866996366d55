"""Public checks of 03_backprop: fixed inputs, hard-coded expectations.

Gradients are compared in float64 with a relative tolerance of 1e-7 (an absolute 1e-12
for entries that should be 0): a correct backward pass is off by rounding only, about 1e-15.
"""
import contextlib
import math

import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_shape, call, show, without_overflow
from grader.student.submission import explain_error

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
XOR_BUDGET = dict(hidden_dim=32, weight_scale=1.0, lr=0.5, epochs=200, batch_size=4)


def unpack(result, names, what):
    """The parts of a returned tuple, e.g. (out, cache), or a Mismatch saying what came back."""
    if not isinstance(result, tuple) or len(result) != len(names):
        raise Mismatch(what, f"should return a tuple ({', '.join(names)})", received=result)
    return result


def forward(fn, name, *args):
    """Call a forward function on copies of args; return (out, cache, how the call looks)."""
    what = call(name, *args)
    out, cache = unpack(fn(*(a.copy() for a in args)), ("out", "cache"), what)
    return out, cache, what


def backward(sub, layer, x, dout):
    """dx from the student's <layer>_backward, given the cache of the student's <layer>_forward."""
    _, cache, _ = forward(getattr(sub, f"{layer}_forward"), f"{layer}_forward", x)
    return getattr(sub, f"{layer}_backward")(dout.copy(), cache), f"dx from {layer}_backward(dout={dout.tolist()}, cache) for x = {x.tolist()}"


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
# raised by the grading machinery (time limits, a stopped process), not by a wrong answer
_MACHINERY = {"DeadlineExceeded", "PeerGone", "ProtocolError", "TestTimeout", "StudentInterrupt", "SandboxFailure"}


def _fails_basic_case(sub, name) -> bool:
    try:
        BASIC_CASES[name](sub)
    except Exception as error:      # noqa: BLE001 (any error of the student's code is a failure)
        if type(error).__name__ in _MACHINERY:
            raise
        return True
    return False


@contextlib.contextmanager
def running(sub, *names):
    """A check that also runs the student's ``names``: on failure, name those that are wrong."""
    try:
        yield
    except Exception as error:
        if type(error).__name__ in _MACHINERY:
            raise
        wrong = [name for name in names if _fails_basic_case(sub, name)]
        if not wrong:
            raise
        first, *rest = explain_error(error).splitlines()
        them = "it" if len(wrong) == 1 else "them"
        note = (f"this check runs your {', '.join(wrong)}, which {'gives' if len(wrong) == 1 else 'give'} "
                f"wrong values on its own check: fix {them} first")
        raise AssertionError("\n".join([f"{first} ({note})", *rest])) from None


@pytest.mark.graded("affine_forward")
class TestAffineForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("out = x @ W + b: x is (N, D), W is (D, M), so no transpose is needed; b is added to every row.")
    def test_affine_forward_values(self, sub):
        """x (2, 3), W (3, 2), b (2,) give the right (2, 2) output"""
        out, _, what = forward(sub.affine_forward, "affine_forward", AFF_X, AFF_W, AFF_B)
        assert_close(out, AFF_OUT, f"out of {what}", **TOLERANCE)


@pytest.mark.graded("affine_backward")
class TestAffineBackward:
    def _grads(self, sub):
        _, cache, _ = forward(sub.affine_forward, "affine_forward", AFF_X, AFF_W, AFF_B)
        what = f"affine_backward(dout={AFF_DOUT.tolist()}, cache) for x (2, 3), W (3, 2), b (2,)"
        return unpack(sub.affine_backward(AFF_DOUT.copy(), cache), ("dx", "dW", "db"), what), what

    @pytest.mark.points(1)
    @pytest.mark.hint("dx must be (N, D): the only product of dout (N, M) and W (D, M) with that shape is dout @ W.T.")
    def test_affine_backward_dx(self, sub):
        """dx has the shape of x and the right values"""
        (dx, _, _), what = self._grads(sub)
        assert_close(dx, AFF_DX, f"dx from {what}", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("dW = x.T @ dout has the shape of W; db sums dout over the batch: dout.sum(axis=0).")
    def test_affine_backward_dW_db(self, sub):
        """dW and db have the shapes of W and b and the right values"""
        (_, dW, db), what = self._grads(sub)
        assert_close(dW, AFF_DW, f"dW from {what}", **TOLERANCE)
        assert_close(db, AFF_DB, f"db from {what}", **TOLERANCE)


@pytest.mark.graded("relu_forward")
class TestReluForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("Use np.maximum(0, x) (elementwise), not np.max (which reduces the array).")
    def test_relu_forward_values(self, sub):
        """negatives and 0 become 0, positives stay; the shape is kept"""
        out, _, what = forward(sub.relu_forward, "relu_forward", RELU_X)
        assert_close(out, RELU_OUT, f"out of {what}", **TOLERANCE)


@pytest.mark.graded("relu_backward")
class TestReluBackward:
    @pytest.mark.points(1)
    @pytest.mark.hint("dx = dout where x > 0, else 0 (also 0 at x == 0). Keep x in the cache, not out (out >= 0 is always true).")
    def test_relu_backward_values(self, sub):
        """passes dout only where x > 0 (0 at x = 0 and where x < 0)"""
        dx, what = backward(sub, "relu", RELU_X, RELU_DOUT)
        assert_close(dx, RELU_DX, what, **TOLERANCE)


@pytest.mark.graded("sigmoid_forward")
class TestSigmoidForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("Use exp(-|x|), which never overflows: 1 / (1 + e) where x >= 0, e / (1 + e) where x < 0.")
    def test_sigmoid_forward_values(self, sub):
        """right values, finite at x = -1000 and x = 1000, without overflow or a warning"""
        with without_overflow(call("sigmoid_forward", SIG_X)):
            out, _, what = forward(sub.sigmoid_forward, "sigmoid_forward", SIG_X)
        assert_close(out, SIG_OUT, f"out of {what}", **TOLERANCE)


@pytest.mark.graded("sigmoid_backward")
class TestSigmoidBackward:
    @pytest.mark.points(1)
    @pytest.mark.hint("dx is dout times the local gradient, and sigmoid's local gradient needs only the forward "
                      "output s: keep s in the cache.")
    def test_sigmoid_backward_values(self, sub):
        """dx = dout * s * (1 - s) at x = -1000, -2, 0, 2, 1000"""
        dx, what = backward(sub, "sigmoid", SIG_X, SIG_DOUT)
        assert_close(dx, SIG_DX, what, **TOLERANCE)


@pytest.mark.graded("tanh_forward")
class TestTanhForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("np.tanh(x) works elementwise on any shape.")
    def test_tanh_forward_values(self, sub):
        """right values for x (2, 3) from -2 to 20, shape kept"""
        out, _, what = forward(sub.tanh_forward, "tanh_forward", TANH_X)
        assert_close(out, TANH_OUT, f"out of {what}", **TOLERANCE)


@pytest.mark.graded("tanh_backward")
class TestTanhBackward:
    @pytest.mark.points(1)
    @pytest.mark.hint("The local gradient of tanh is written with the forward output out = tanh(x), not with x; "
                      "multiply it by dout.")
    def test_tanh_backward_values(self, sub):
        """dx = dout * (1 - tanh(x)**2) for x (2, 3) from -2 to 20"""
        dx, what = backward(sub, "tanh", TANH_X, TANH_DOUT)
        assert_close(dx, TANH_DX, what, **TOLERANCE)


@pytest.mark.graded("softmax")
class TestSoftmax:
    @pytest.mark.points(1)
    @pytest.mark.hint("Normalise each row: sum over axis=1 with keepdims=True, so that every row sums to 1.")
    def test_softmax_values(self, sub):
        """a (2, 3) input: each row becomes probabilities summing to 1"""
        z = SM_Z.copy()
        assert_close(sub.softmax(z), SM_P, call("softmax", SM_Z), **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("Subtract each row's own maximum before np.exp (keepdims=True keeps it broadcastable): "
                      "the result is the same, but exp never overflows.")
    def test_softmax_large_inputs(self, sub):
        """inputs near 1000 give finite probabilities (the same as for the inputs minus 1000)"""
        z = SM_Z + 1000.0
        assert_close(sub.softmax(z.copy()), SM_P, call("softmax", z), **TOLERANCE)


@pytest.mark.graded("softmax_cross_entropy")
class TestSoftmaxCrossEntropy:
    def _result(self, sub, scores, y):
        what = call("softmax_cross_entropy", scores, y)
        loss, dscores = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        return loss, dscores, what

    @pytest.mark.points(1)
    @pytest.mark.hint("loss = -mean(log p[i, y[i]]): average over the N rows, don't sum.")
    def test_cross_entropy_loss(self, sub):
        """the mean loss of 4 samples, 3 classes"""
        loss, _, what = self._result(sub, CE_SCORES, CE_Y)
        assert_close(loss, CE_LOSS, f"loss from {what}", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("dscores = (softmax(scores) - one_hot(y)) / N: subtract 1 at [i, y[i]], then divide by N.")
    def test_cross_entropy_gradient(self, sub):
        """dscores = (p - one_hot(y)) / N"""
        _, dscores, what = self._result(sub, CE_SCORES, CE_Y)
        assert_close(dscores, CE_DSCORES, f"dscores from {what}", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("Equal scores give p = 1/C for every class, so the loss is exactly ln(C).")
    def test_cross_entropy_uniform(self, sub):
        """equal scores (3 samples, 5 classes) give a loss of ln(5)"""
        scores, y = np.zeros((3, 5)), np.array([0, 4, 2])
        loss, _, what = self._result(sub, scores, y)
        assert_close(loss, math.log(5), f"loss from {what}", **TOLERANCE)


def cube_sum(x):
    return float(np.sum(x ** 3))


def cube_call(**kwargs) -> str:
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return f"numerical_gradient(f, x{extra}) with f(x) = sum(x**3), x = {show(NG_X, details=False)}"


@pytest.mark.graded("numerical_gradient")
class TestNumericalGradient:
    @pytest.mark.points(1)
    @pytest.mark.hint("Centred difference: (f(x + h e_i) - f(x - h e_i)) / (2 h) for every element i "
                      "(a one-sided difference is off by about h).")
    def test_numerical_gradient_centred(self, sub):
        """f(x) = sum(x**3) on a (2, 3) array gives 3 x**2 (centred difference)"""
        x = NG_X.copy()
        got = sub.numerical_gradient(cube_sum, x)
        assert_close(got, 3 * NG_X ** 2 + 1e-10, cube_call(), **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("Use the h you are given: for f = sum(x**3) a centred difference gives exactly 3 x**2 + h**2.")
    def test_numerical_gradient_uses_h(self, sub):
        """uses its h argument: h = 0.1 gives 3 x**2 + 0.01 for f(x) = sum(x**3)"""
        x = NG_X.copy()
        got = sub.numerical_gradient(cube_sum, x, h=0.1)
        assert_close(got, 3 * NG_X ** 2 + 0.01, cube_call(h=0.1), rtol=1e-9, atol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("Save old = x[ix], then set x[ix] = old + h, then old - h, and finally x[ix] = old again.")
    def test_numerical_gradient_restores_x(self, sub):
        """leaves x as it was (and returns the right gradient, f(x) = sum(x**3))"""
        x = NG_X.copy()
        got = sub.numerical_gradient(cube_sum, x)
        assert_close(got, 3 * NG_X ** 2 + 1e-10, cube_call(), **TOLERANCE)
        assert_close(x, NG_X, f"x after {cube_call()}", rtol=1e-12, atol=1e-15)

    @pytest.mark.points(1)
    @pytest.mark.hint("The default step is the one in the signature, h=1e-5: for f = sum(x**3) at x = 0 a centred "
                      "difference gives exactly h**2.")
    def test_numerical_gradient_default_h(self, sub):
        """without h, uses the default h = 1e-5: f(x) = sum(x**3) at x = 0 (2, 3) gives h**2 = 1e-10"""
        x = np.zeros((2, 3))
        got = sub.numerical_gradient(cube_sum, x)
        assert_close(got, np.full((2, 3), 1e-10), "numerical_gradient(f, x) with f(x) = sum(x**3), x = zeros (2, 3)",
                     rtol=1e-6, atol=0)


@pytest.mark.graded("rel_error")
class TestRelError:
    @pytest.mark.points(1)
    @pytest.mark.hint("Divide elementwise by np.maximum(1e-8, |a| + |b|), then take the max (not the mean).")
    def test_rel_error_max(self, sub):
        """is the largest elementwise relative error, not the mean"""
        a, b = np.array([1.0, 1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0, 3.0])
        assert_close(sub.rel_error(a, b), 0.5, call("rel_error", a, b), **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("The denominator is np.maximum(1e-8, |a| + |b|): elements that are 0 in both arrays give 0, not nan.")
    def test_rel_error_floor(self, sub):
        """uses the 1e-8 floor: zeros give 0, tiny values are measured against 1e-8"""
        zeros = np.zeros((2, 3))
        assert_close(sub.rel_error(zeros, zeros.copy()), 0.0, call("rel_error", zeros, zeros), **TOLERANCE)
        a, b = np.array([0.0, 1e-9]), np.array([0.0, 3e-9])
        assert_close(sub.rel_error(a, b), 0.2, "rel_error(a=[0, 1e-9], b=[0, 3e-9])", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("a and b may be plain numbers too: np.asarray turns a number into an array NumPy can work with.")
    def test_rel_error_numbers(self, sub):
        """plain numbers: rel_error(1.0, 3.0) = 0.5 and rel_error(-2.0, -2.0) = 0"""
        assert_close(sub.rel_error(1.0, 3.0), 0.5, "rel_error(1.0, 3.0)", **TOLERANCE)
        assert_close(sub.rel_error(-2.0, -2.0), 0.0, "rel_error(-2.0, -2.0)", **TOLERANCE)


@pytest.mark.graded("TwoLayerNet")
class TestTwoLayerNet:
    @pytest.mark.points(1)
    @pytest.mark.hint('params needs the keys "W1", "b1", "W2", "b2": W1 (input_dim, hidden_dim), '
                      'W2 (hidden_dim, output_dim), biases zero.')
    def test_net_params(self, sub):
        """params has W1 (4, 5), b1 (5,), W2 (5, 3), b2 (3,), biases zero"""
        net = sub.TwoLayerNet(4, 5, 3)
        params = net.params
        if not isinstance(params, dict) or set(params) != {"W1", "b1", "W2", "b2"}:
            raise Mismatch("TwoLayerNet(4, 5, 3).params", 'should be a dict with the keys "W1", "b1", "W2", "b2"',
                           received=sorted(params) if isinstance(params, dict) else params)
        for key, shape in {"W1": (4, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}.items():
            assert_shape(params[key], shape, f'TwoLayerNet(4, 5, 3).params["{key}"]')
        for key in ("b1", "b2"):
            assert_close(params[key], np.zeros_like(params[key]), f'TwoLayerNet(4, 5, 3).params["{key}"]')

    @pytest.mark.points(1)
    @pytest.mark.hint("Make rng = np.random.default_rng(seed) and draw W1, then W2, from it with "
                      "rng.standard_normal, times weight_scale.")
    def test_net_seeded(self, sub):
        """the same seed gives the same weights, another seed other weights; scale = weight_scale"""
        first, again = sub.TwoLayerNet(20, 30, 10, seed=3), sub.TwoLayerNet(20, 30, 10, seed=3)
        for key in ("W1", "W2"):
            assert_close(again.params[key], first.params[key],
                         f'params["{key}"] of a second TwoLayerNet(20, 30, 10, seed=3)', rtol=0)
        other = sub.TwoLayerNet(20, 30, 10, seed=4)
        if np.allclose(other.params["W1"], first.params["W1"]):
            raise Mismatch('params["W1"] of TwoLayerNet(20, 30, 10, seed=4)', "is the same as with seed=3; "
                           "the seed should decide the weights")
        std = float(np.std(sub.TwoLayerNet(20, 30, 10, weight_scale=0.5).params["W1"]))
        if not 0.4 < std < 0.6:
            raise Mismatch('np.std(params["W1"]) of TwoLayerNet(20, 30, 10, weight_scale=0.5)',
                           "should be about weight_scale", expected=0.5, received=std, tolerance="0.4 to 0.6")

    @pytest.mark.points(1)
    @pytest.mark.hint("Without y, return the scores of affine -> ReLU -> affine (no softmax), "
                      "computed from self.params.")
    def test_net_scores(self, sub):
        """loss(X) without y gives the scores (3, 2) of affine - ReLU - affine"""
        with running(sub, "affine_forward", "relu_forward"):
            net = fixed_net(sub)
            assert_close(net.loss(NET_X.copy()), NET_SCORES, "scores = net.loss(X) for the fixed net", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("With y: loss from softmax_cross_entropy(scores, y), then affine_backward, relu_backward, "
                      "affine_backward in reverse order; grads has the keys of params.")
    def test_net_loss_and_grads(self, sub):
        """loss(X, y) gives the loss and the gradient of every parameter"""
        with running(sub, *NET_PARTS):
            net = fixed_net(sub)
            what = "net.loss(X, y) for the fixed net"
            loss, grads = unpack(net.loss(NET_X.copy(), NET_Y.copy()), ("loss", "grads"), what)
            assert_close(loss, NET_LOSS, f"loss from {what}", **TOLERANCE)
            if not isinstance(grads, dict) or set(grads) != set(NET_GRADS):
                raise Mismatch(f"grads from {what}", 'should be a dict with the keys "W1", "b1", "W2", "b2"',
                               received=sorted(grads) if isinstance(grads, dict) else grads)
            for key, expected in NET_GRADS.items():
                assert_close(grads[key], expected, f'grads["{key}"] from {what}', **TOLERANCE)


@pytest.mark.graded("sgd_step")
class TestSgdStep:
    def _step(self, sub):
        params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}
        grads = {"W": np.array([[10.0, 0.0], [-10.0, 5.0]]), "b": np.array([1.0, 2.0])}
        arrays = dict(params)
        sub.sgd_step(params, grads, 0.1)
        return params, arrays

    @pytest.mark.points(1)
    @pytest.mark.hint("params[k] -= lr * grads[k] for every key (minus: go down the gradient).")
    def test_sgd_step_values(self, sub):
        """params[k] becomes params[k] - lr * grads[k]"""
        params, _ = self._step(sub)
        assert_close(params["W"], [[0.0, 2.0], [4.0, 3.5]], 'params["W"] after sgd_step(params, grads, lr=0.1)')
        assert_close(params["b"], [0.4, -0.7], 'params["b"] after sgd_step(params, grads, lr=0.1)')

    @pytest.mark.points(1)
    @pytest.mark.hint("Update the arrays in place with -=, so that whoever holds them (the network) sees the change.")
    def test_sgd_step_in_place(self, sub):
        """changes the arrays themselves (in place), not just the dict"""
        _, arrays = self._step(sub)
        assert_close(arrays["W"], [[0.0, 2.0], [4.0, 3.5]],
                     'the array that was params["W"] before sgd_step(params, grads, lr=0.1)')


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
    return net, losses, f"train(net, X, y, {', '.join(f'{k}={v}' for k, v in kwargs.items())}) with N = {n}"


def assert_order(sub, net, seed, what):
    """The samples net.loss saw during 2 epochs are ORDERS[seed]."""
    expected = np.array(ORDERS[seed])
    got = np.concatenate(net.batches) if net.batches else np.array([], dtype=int)
    if got.shape != expected.shape:
        raise Mismatch(f"samples seen by net.loss during {what}", f"expected every sample once per epoch "
                       f"({expected.size} in 2 epochs), got {got.size}", expected=expected, received=got)
    assert_equal(got, expected, f"order of the samples during {what}")


@pytest.mark.graded("train")
class TestTrain:
    @pytest.mark.points(1)
    @pytest.mark.hint("A batch starts at start = 0, batch_size, 2*batch_size, ... while start < N; keep the last, "
                      "smaller batch (10 samples in batches of 4 are 4 + 4 + 2) and call sgd_step after each one.")
    def test_train_batches(self, sub):
        """10 samples, batch_size 4: batches of 4, 4 and 2 in each epoch, sgd_step after each"""
        net, _, what = record_training(sub)
        sizes = [len(b) for b in net.batches]
        if sizes != [4, 4, 2, 4, 4, 2]:
            raise Mismatch(f"batch sizes seen by net.loss during {what}", "wrong batches (2 epochs of 4 + 4 + 2)",
                           expected=[4, 4, 2, 4, 4, 2], received=sizes)
        with running(sub, "sgd_step"):
            assert_close(net.params["w"], [-0.5 * 6], f'net.params["w"] after {what} (each step subtracts lr * 1)')

    @pytest.mark.points(1)
    @pytest.mark.hint("Make rng = np.random.default_rng(seed) once, before the first epoch, and take "
                      "order = rng.permutation(N) at the start of every epoch.")
    def test_train_shuffles(self, sub):
        """visits the samples in rng.permutation(N) order, a fresh permutation each epoch (seed=5)"""
        net, _, what = record_training(sub, seed=5)
        assert_order(sub, net, 5, what)

    @pytest.mark.points(1)
    @pytest.mark.hint("The default seed is the one in the signature, seed=0: called without seed, train must "
                      "shuffle exactly as with seed=0.")
    def test_train_default_seed(self, sub):
        """without seed, shuffles as with the default seed=0"""
        net, _, what = record_training(sub, default_seed=True)
        assert_order(sub, net, 0, f"{what} (default seed=0)")

    @pytest.mark.points(1)
    @pytest.mark.hint("Return a list with one float per epoch: np.mean of that epoch's mini-batch losses.")
    def test_train_epoch_losses(self, sub):
        """returns one loss per epoch: the mean of the mini-batch losses"""
        _, losses, what = record_training(sub, epochs=3)
        if not isinstance(losses, list):
            raise Mismatch(f"value returned by {what}", "should be a list", received=losses)
        assert_close(losses, [10 / 3] * 3, f"epoch losses from {what} (batch losses 4, 4, 2)", **TOLERANCE)

    @pytest.mark.points(1)
    @pytest.mark.hint("Index with the shuffled order (X[idx], y[idx]) instead of shuffling X and y in place.")
    def test_train_keeps_data(self, sub):
        """leaves X and y unchanged (and trains on every sample: batches of 3, 3, 3, 1 give epoch losses 2.5)"""
        X, y = np.arange(10, dtype=float).reshape(10, 1), np.arange(10)
        net = RecordingNet()
        what = "train(net, X, y, lr=0.1, epochs=2, batch_size=3, seed=1) with N = 10"
        with running(sub, "sgd_step"):
            losses = sub.train(net, X, y, lr=0.1, epochs=2, batch_size=3, seed=1)
        assert_close(losses, [2.5, 2.5], f"epoch losses from {what} (batch losses 3, 3, 3, 1)", **TOLERANCE)
        seen = np.sort(np.concatenate(net.batches)) if net.batches else np.array([], dtype=int)
        assert_equal(seen, np.repeat(np.arange(10), 2), f"labels seen by net.loss during {what}, sorted")
        assert_equal(X, np.arange(10, dtype=float).reshape(10, 1), "X after train")
        assert_equal(y, np.arange(10), "y after train")

    @pytest.mark.points(2)
    @pytest.mark.timeout(30)
    @pytest.mark.hint("As in section 12, this trains your TwoLayerNet with your train (and sgd_step): "
                      "make their other checks pass first; the budget is lr 0.5, 200 epochs, batch_size 4, seed 0.")
    def test_train_xor(self, sub):
        """trains your TwoLayerNet(2, 32, 2, weight_scale=1.0) on XOR with the stated budget: all 4 inputs right"""
        b = XOR_BUDGET
        with running(sub, "TwoLayerNet", "sgd_step"):
            net = sub.TwoLayerNet(2, b["hidden_dim"], 2, weight_scale=b["weight_scale"], seed=0)
            sub.train(net, XOR_X.copy(), XOR_Y.copy(), lr=b["lr"], epochs=b["epochs"], batch_size=b["batch_size"],
                      seed=0)
            predictions = np.asarray(net.loss(XOR_X.copy())).argmax(axis=1)
            assert_equal(predictions, XOR_Y, "net.loss(XOR_X).argmax(axis=1) after training on XOR")
