"""Hidden checks of 03_backprop: seeded random inputs, compared with the reference.

Every backward pass is checked against a centred numerical gradient (h = 1e-5) computed in
float64 with the *reference* numerical_gradient on the *reference* forward function, so a
wrong student numerical_gradient or forward pass cannot hide a wrong backward pass.

Gradient tolerance: relative error max|analytic - numerical| / (max|analytic| + max|numerical|)
below 1e-7. The reference stays below 1e-9 on these inputs (rounding of about 1e-16 divided
by h, plus a truncation error of order h**2); any real mistake gives 1e-3 or more. The
elementwise rel_error of the notebook is not used here: entries that are tiny in both
gradients would turn rounding noise into large ratios.
"""
import math

import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_shape, call, without_overflow
from grader.weeks.week3.backprop_public import NET_PARTS, XOR_X, XOR_Y, running, train_on_xor, unpack, xor_net
from grader.weeks.week3.cases import case

pytestmark = pytest.mark.hidden

GRAD_TOL = 1e-7
GRAD_TOLERANCE = ("상대 오차 (relative error) 1e-07: max|받은 값 - 수치 기울기| / (max|받은 값| + max|수치 기울기|), "
                  "float64, h = 1e-5 의 중앙 차분 (centred difference)")
EXACT_TOLERANCE = "상대 오차 (relative error) 1e-07: max|받은 값 - 정확한 값| / (max|받은 값| + max|정확한 값|), float64"
AFFINE_SHAPES = [(2, 3, 4), (5, 4, 3), (3, 4, 4), (1, 6, 2)]     # (N, D, M); D == M once
ELEMENTWISE_SHAPES = [(4, 5), (10,), (2, 3, 4)]
CE_SHAPES = [(3, 4), (8, 10), (1, 3), (5, 2)]                     # (N, C)
NET_SHAPES = [(6, 5, 7, 4), (4, 3, 5, 3)]                         # (N, D, H, C)

DIGITS_BUDGET = dict(hidden_dim=64, weight_scale=0.1, lr=0.3, epochs=30, batch_size=50)


# ---- helpers -------------------------------------------------------------------------------

def shape_text(**arrays) -> str:
    return ", ".join(f"{name} {np.shape(value)}" for name, value in arrays.items())


def gradient_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    scale = max(1e-8, float(np.max(np.abs(analytic)) + np.max(np.abs(numerical))))
    return float(np.max(np.abs(analytic - numerical))) / scale


def assert_gradient(received, numerical, what: str, against: str = "수치 기울기 (numerical gradient)",
                    tolerance: str = GRAD_TOLERANCE) -> None:
    """Shape, finiteness, then the relative error against the numerical (or exact) gradient."""
    numerical = np.asarray(numerical, dtype=float)
    array = assert_shape(received, numerical.shape, what).astype(float)
    if not np.all(np.isfinite(array)):
        raise Mismatch(what, "nan 이나 inf 가 들어 있습니다", received=array)
    error = gradient_error(array, numerical)
    if error > GRAD_TOL:
        index = np.unravel_index(int(np.argmax(np.abs(array - numerical))), array.shape)
        where = f"원소 (element) [{', '.join(map(str, index))}]" if index else "값 (value)"
        raise Mismatch(what, f"{against} 에 대한 상대 오차 (relative error) 가 {error:.2e} 입니다 (가장 큰 차이는 {where})",
                       expected=numerical[index], received=array[index], tolerance=tolerance)


def numeric(ref, f, x, h=1e-5):
    """The reference centred difference of f at a copy of x."""
    return ref.numerical_gradient(f, np.array(x, dtype=float), h)


def assert_unchanged(after, before, what):
    assert_equal(np.asarray(after), np.asarray(before), f"{what} (입력 (input) 을 제자리에서 (in place) 바꾸면 안 됩니다)")


def away_from_zero(x, margin=1e-3):
    """x with entries too close to 0 (a ReLU kink) moved away."""
    return np.where(np.abs(x) < margin, np.sign(x + 1e-300) * 0.5, x)


# ---- affine --------------------------------------------------------------------------------

def affine_case(rng, N, D, M):
    return rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M), rng.normal(size=(N, M))


@pytest.mark.graded("affine_forward")
@pytest.mark.points(1)
@pytest.mark.hint("어떤 N, D, M 이든 out = x @ W + b 입니다.")
def test_affine_forward_random(sub, ref):
    """여러 모양 (shape) 의 무작위 입력 (random input) 에서 참조 구현 (reference) 과 같습니다"""
    rng = np.random.default_rng(3101)
    for N, D, M in AFFINE_SHAPES:
        x, W, b, _ = affine_case(rng, N, D, M)
        what = f"{shape_text(x=x, W=W, b=b)} 일 때 affine_forward(x, W, b) 의 out"
        out, _ = unpack(sub.affine_forward(x.copy(), W.copy(), b.copy()), ("out", "cache"), what)
        assert_close(out, ref.affine_forward(x, W, b)[0], what, rtol=1e-10, atol=1e-12)


@pytest.mark.graded("affine_forward")
@pytest.mark.points(1)
@pytest.mark.hint("x, W, b 를 제자리에서 (in place) 바꾸지 말고 올바른 out 을 돌려주세요.")
def test_affine_forward_keeps_inputs(sub, ref):
    """x, W, b 를 바꾸지 않습니다 (그리고 올바른 out 을 돌려줍니다)"""
    x, W, b, _ = affine_case(np.random.default_rng(3102), 4, 3, 2)
    args = (x.copy(), W.copy(), b.copy())
    what = f"{shape_text(x=x, W=W, b=b)} 일 때 affine_forward(x, W, b) 의 out"
    out, _ = unpack(sub.affine_forward(*args), ("out", "cache"), what)
    assert_close(out, ref.affine_forward(x, W, b)[0], what, rtol=1e-10, atol=1e-12)
    for name, after, before in zip("xWb", args, (x, W, b)):
        assert_unchanged(after, before, f"affine_forward 후의 {name}")


def affine_gradients(sub, ref, seed):
    """For each shape: the student's (dx, dW, db), the numerical ones, and a description."""
    rng = np.random.default_rng(seed)
    for N, D, M in AFFINE_SHAPES:
        x, W, b, dout = affine_case(rng, N, D, M)
        _, cache = unpack(sub.affine_forward(x.copy(), W.copy(), b.copy()), ("out", "cache"), "affine_forward")
        what = f"{shape_text(x=x, W=W, b=b, dout=dout)} 일 때 affine_backward(dout, cache)"
        got = unpack(sub.affine_backward(dout.copy(), cache), ("dx", "dW", "db"), what)
        numerical = (numeric(ref, lambda v: np.sum(ref.affine_forward(v, W, b)[0] * dout), x),
                     numeric(ref, lambda v: np.sum(ref.affine_forward(x, v, b)[0] * dout), W),
                     numeric(ref, lambda v: np.sum(ref.affine_forward(x, W, v)[0] * dout), b))
        yield got, numerical, what


AFFINE_GRADIENT_CASES = [
    case(0, "dx", 3103, graded="affine_backward", id="dx",
         title="dx 가 수치 기울기 (numerical gradient) 와 같습니다 (여러 모양 (shape), float64)",
         hint="dx = dout @ W.T 이고, 모양 (shape) 은 (N, D) 입니다."),
    case(1, "dW", 3104, graded="affine_backward", id="dW",
         title="dW 가 수치 기울기 (numerical gradient) 와 같습니다 (여러 모양 (shape), float64)",
         hint="dW = x.T @ dout 이고, 모양 (shape) 은 (D, M) 입니다."),
    case(2, "db", 3105, graded="affine_backward", id="db",
         title="db 가 수치 기울기 (numerical gradient) 와 같습니다 (여러 모양 (shape), float64)",
         hint="b 는 배치 (batch) 의 모든 행 (row) 에 더해지므로, 그 기울기 (gradient) 는 모든 행의 dout 을 "
              "모읍니다. db 의 모양 (shape) 은 (M,) 입니다."),
]


@pytest.mark.parametrize("index, name, seed", AFFINE_GRADIENT_CASES)
def test_affine_backward_numerical(sub, ref, index, name, seed):
    """One of affine_backward's gradients against the numerical gradient (each row's title says which)."""
    for got, numerical, what in affine_gradients(sub, ref, seed):
        assert_gradient(got[index], numerical[index], f"{what} 의 {name}")


@pytest.mark.graded("affine_backward")
@pytest.mark.points(1)
@pytest.mark.hint("dout (과 cache 에 넣은 x, W, b) 을 제자리에서 (in place) 바꾸지 말고 올바른 dx, dW, db 를 "
                  "돌려주세요.")
def test_affine_backward_keeps_inputs(sub):
    """dout 과 cache 에 넣은 입력 (input) 을 바꾸지 않습니다 (그리고 올바른 dx, dW, db 를 돌려줍니다)"""
    x, W, b, dout = affine_case(np.random.default_rng(3106), 4, 3, 2)
    args = (x.copy(), W.copy(), b.copy())
    _, cache = unpack(sub.affine_forward(*args), ("out", "cache"), "affine_forward")
    dout_arg = dout.copy()
    what = f"{shape_text(x=x, W=W, b=b, dout=dout)} 일 때 affine_backward(dout, cache)"
    got = unpack(sub.affine_backward(dout_arg, cache), ("dx", "dW", "db"), what)
    for name, value, exact in zip(("dx", "dW", "db"), got, (dout @ W.T, x.T @ dout, dout.sum(axis=0))):
        assert_gradient(value, exact, f"{what} 의 {name}", against="정확한 기울기 (exact gradient)",
                        tolerance=EXACT_TOLERANCE)
    assert_unchanged(dout_arg, dout, "affine_backward 후의 dout")
    for name, after, before in zip("xWb", args, (x, W, b)):
        assert_unchanged(after, before, f"affine_forward 와 affine_backward 후의 {name}")


# ---- elementwise layers --------------------------------------------------------------------

LAYERS = {"relu": 1.0, "sigmoid": 3.0, "tanh": 2.0}    # layer -> scale of the random inputs


def layer_inputs(layer, rng, shape):
    x = rng.normal(size=shape) * LAYERS[layer]
    return away_from_zero(x) if layer == "relu" else x


def forward_random(sub, ref, layer, seed):
    rng = np.random.default_rng(seed)
    fn = getattr(sub, f"{layer}_forward")
    for shape in ELEMENTWISE_SHAPES:
        x = layer_inputs(layer, rng, shape)
        what = f"x {shape} 일 때 {layer}_forward(x) 의 out"
        x_arg = x.copy()
        out, _ = unpack(fn(x_arg), ("out", "cache"), what)
        assert_close(out, getattr(ref, f"{layer}_forward")(x)[0], what, rtol=1e-10, atol=1e-12)
        assert_unchanged(x_arg, x, f"{layer}_forward(x) 후의 x")
    if layer == "tanh":             # the notebook asks for stability of the sigmoid only
        return
    large = np.array([[-800.0, -50.0, 0.0, 50.0, 800.0]])
    what = call(f"{layer}_forward", large)
    with without_overflow(what):
        out, _ = unpack(fn(large.copy()), ("out", "cache"), what)
    assert_close(out, getattr(ref, f"{layer}_forward")(large)[0], f"{what} 의 out", rtol=1e-10, atol=1e-12)


def backward_numerical(sub, ref, layer, seed):
    rng = np.random.default_rng(seed)
    forward, back = getattr(sub, f"{layer}_forward"), getattr(sub, f"{layer}_backward")
    ref_forward = getattr(ref, f"{layer}_forward")
    for shape in ELEMENTWISE_SHAPES:
        x = layer_inputs(layer, rng, shape)
        dout = rng.normal(size=shape)
        _, cache = unpack(forward(x.copy()), ("out", "cache"), f"{layer}_forward")
        dx = back(dout.copy(), cache)
        assert_gradient(dx, numeric(ref, lambda v: np.sum(ref_forward(v)[0] * dout), x),
                        f"x {shape} 일 때 {layer}_backward(dout, cache) 의 dx")


def keeps_inputs(sub, ref, layer, seed):
    rng = np.random.default_rng(seed)
    x, dout = layer_inputs(layer, rng, (3, 4)), rng.normal(size=(3, 4))
    x_arg, dout_arg = x.copy(), dout.copy()
    ref_forward = getattr(ref, f"{layer}_forward")
    _, cache = unpack(getattr(sub, f"{layer}_forward")(x_arg), ("out", "cache"), f"{layer}_forward")
    assert_unchanged(x_arg, x, f"{layer}_forward 후의 x")
    dx = getattr(sub, f"{layer}_backward")(dout_arg, cache)
    assert_gradient(dx, numeric(ref, lambda v: np.sum(ref_forward(v)[0] * dout), x),
                    f"x (3, 4) 일 때 {layer}_backward(dout, cache) 의 dx")
    assert_unchanged(dout_arg, dout, f"{layer}_backward 후의 dout")
    assert_unchanged(x_arg, x, f"{layer}_forward 와 {layer}_backward 후의 x")


def layer_param(test, layer, hint):
    return pytest.param(layer, marks=[pytest.mark.graded(f"{layer}_{test}"), pytest.mark.hint(hint)])


FORWARD_HINTS = {
    "relu": "어떤 모양 (shape) 의 배열 (array) 이든 원소별 (elementwise) 로 np.maximum(0, x) 입니다.",
    "sigmoid": "어떤 모양 (shape) 이든 원소별 (elementwise) 로 계산하세요. exp(-|x|) 를 쓰면 |x| 가 커도 "
               "오버플로 (overflow) 나 경고 (warning) 가 없습니다.",
    "tanh": "어떤 모양 (shape) 의 배열 (array) 이든 원소별 (elementwise) 로 np.tanh(x) 입니다.",
}
BACKWARD_HINTS = {
    "relu": "기울기 (gradient) 는 입력이 양수였던 곳 (x > 0) 에서만 통과하고, 나머지 (x = 0 포함) 에서는 0 입니다.",
    "sigmoid": "시그모이드 (sigmoid) 의 국소 기울기 (local gradient) 는 출력 (output) s 만으로 씁니다. "
               "거기에 dout 을 곱하세요.",
    "tanh": "tanh 의 국소 기울기 (local gradient) 는 x 가 아니라 out = tanh(x) 로 씁니다. 거기에 dout 을 곱하세요.",
}


@pytest.mark.parametrize("layer", [layer_param("forward", k, FORWARD_HINTS[k]) for k in LAYERS])
@pytest.mark.points(1)
def test_activation_forward_random(sub, ref, layer):
    """무작위 입력 (random input) 에서 참조 구현 (reference) 과 같고 x 는 그대로입니다. relu 와 sigmoid 는 x = -800, -50, 0, 50, 800 에서도 맞습니다 (sigmoid 는 오버플로 (overflow) 나 경고 (warning) 없이)"""
    forward_random(sub, ref, layer, 3110 + list(LAYERS).index(layer))


@pytest.mark.parametrize("layer", [layer_param("backward", k, BACKWARD_HINTS[k]) for k in LAYERS])
@pytest.mark.points(1)
def test_activation_backward_numerical(sub, ref, layer):
    """dx 가 수치 기울기 (numerical gradient) 와 같습니다 (여러 모양 (shape), float64)"""
    backward_numerical(sub, ref, layer, 3120 + list(LAYERS).index(layer))


@pytest.mark.parametrize("layer", [layer_param("backward", k, "x 나 dout 을 제자리에서 (in place) 바꾸지 말고 "
                                               "올바른 dx 를 돌려주세요: dx = dout * mask 는 새 배열 (array) 을 "
                                               "만들지만, dout[mask] = 0 은 그렇지 않습니다.")
                                   for k in LAYERS])
@pytest.mark.points(1)
def test_activation_keeps_inputs(sub, ref, layer):
    """순전파 (forward) 와 역전파 (backward) 가 x 와 dout 을 바꾸지 않습니다 (그리고 dx 가 맞습니다)"""
    keeps_inputs(sub, ref, layer, 3130 + list(LAYERS).index(layer))


# ---- softmax and cross-entropy -------------------------------------------------------------

@pytest.mark.graded("softmax")
@pytest.mark.points(1)
@pytest.mark.hint("행 (row) 마다: 어떤 (N, C) 이든 최댓값 (max) 과 합 (sum) 은 axis=1 방향입니다 (keepdims=True).")
def test_softmax_random(sub, ref):
    """정사각형이거나 아닌 무작위 (N, C) 입력 (random input) 에서 참조 구현 (reference) 과 같습니다"""
    rng = np.random.default_rng(3140)
    for N, C in [(3, 4), (5, 5), (1, 6), (7, 2)]:
        z = rng.normal(size=(N, C)) * 3
        assert_close(sub.softmax(z.copy()), ref.softmax(z), f"z {z.shape} 일 때 softmax(z)", rtol=1e-9, atol=1e-15)


@pytest.mark.graded("softmax")
@pytest.mark.points(1)
@pytest.mark.hint("np.exp 전에 각 행 (row) 의 최댓값 (max) 을 빼세요. 그러면 +-1000 근처의 입력도 유한 (finite) 합니다.")
def test_softmax_survives_1e3(sub, ref):
    """1000 근처와 -1000 근처의 입력 (input), 멀리 떨어진 행 (row) (하나는 1000 근처, 하나는 -1000 근처) 에서도 유한 (finite) 하고 맞습니다"""
    rng = np.random.default_rng(3141)
    for offset in (1000.0, -1000.0):
        z = offset + rng.normal(size=(4, 6)) * 5
        assert_close(sub.softmax(z.copy()), ref.softmax(z), f"z 가 {offset:g} 근처일 때 softmax(z)",
                     rtol=1e-9, atol=1e-15)
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -999.0, -1001.0]])
    assert_close(sub.softmax(z.copy()), ref.softmax(z), call("softmax", z), rtol=1e-9, atol=1e-15)


@pytest.mark.graded("softmax")
@pytest.mark.points(1)
@pytest.mark.hint("z 를 바꾸지 말고 올바른 확률 (probability) 을 돌려주세요: z - z.max(...) 는 새 배열 (array) 을 "
                  "만들지만, z -= z.max(...) 는 호출한 쪽 (caller) 의 z 를 바꿉니다.")
def test_softmax_keeps_input(sub, ref):
    """z 를 바꾸지 않습니다 (그리고 올바른 확률 (probability) 을 돌려줍니다)"""
    z = np.random.default_rng(3142).normal(size=(3, 4)) * 10
    z_arg = z.copy()
    assert_close(sub.softmax(z_arg), ref.softmax(z), "z (3, 4) 일 때 softmax(z)", rtol=1e-9, atol=1e-15)
    assert_unchanged(z_arg, z, "softmax(z) 후의 z")


def ce_case(rng, N, C, scale=2.0):
    return rng.normal(size=(N, C)) * scale, rng.integers(0, C, size=N)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("loss = -mean(log softmax(scores)[i, y[i]]) 는 배치 (batch) 에 대해 평균 (mean) 낸 실수 (float) "
                  "하나입니다.")
def test_cross_entropy_loss_random(sub, ref):
    """무작위 배치 (random batch) 에서 손실 (loss) 이 참조 구현 (reference) 과 같습니다"""
    rng = np.random.default_rng(3150)
    for N, C in CE_SHAPES:
        scores, y = ce_case(rng, N, C)
        what = f"scores {scores.shape} 일 때 softmax_cross_entropy(scores, y) 의 loss"
        loss, _ = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        assert_close(loss, ref.softmax_cross_entropy(scores, y)[0], what, rtol=1e-9)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("dscores = (p - one_hot(y)) / N 은 *평균* 손실 (mean loss) 의 기울기 (gradient) 입니다.")
def test_cross_entropy_gradient_numerical(sub, ref):
    """dscores 가 손실 (loss) 의 수치 기울기 (numerical gradient) 와 같습니다 (여러 모양 (shape), float64)"""
    rng = np.random.default_rng(3151)
    for N, C in CE_SHAPES:
        scores, y = ce_case(rng, N, C)
        what = f"scores {scores.shape} 일 때 softmax_cross_entropy(scores, y) 의 dscores"
        _, dscores = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        assert_gradient(dscores, numeric(ref, lambda v: ref.softmax_cross_entropy(v, y)[0], scores), what)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("각 행 (row) 에서 그 행의 최댓값 (max) 을 빼세요 (또는 행마다 log-softmax 를 계산하세요). 그러면 "
                  "행들이 멀리 떨어져 있어도 큰 점수 (score) 가 유한한 (finite) 값을 냅니다. 같은 점수는 정확히 "
                  "ln(C) 여야 합니다.")
def test_cross_entropy_large_and_uniform(sub, ref):
    """1000 근처의 점수 (score), 멀리 떨어진 행 (row) (1000, 0, -1000 근처), -360 에서 360 까지의 행에서도 유한 (finite) 하고 맞습니다. 같은 점수는 ln(C) 입니다"""
    rng = np.random.default_rng(3152)
    scores, y = ce_case(rng, 5, 4, scale=20.0)
    apart, y_apart = ce_case(rng, 3, 4, scale=2.0)
    apart += np.array([[1000.0], [0.0], [-1000.0]])
    # exp(-720) is still a (tiny) float, exp(720) is not: only a shift by the row's max stays finite
    spread, y_spread = np.array([[360.0, -360.0, 0.0, 2.0], [1.0, -2.0, 0.5, 0.0]]), np.array([0, 2])
    for scores, y, near in [(scores + 1000.0, y, "1000 근처일 때"),  # noqa: B020 (the list is built once, first)
                            (apart, y_apart, "행 (row) 마다 1000, 0, -1000 근처일 때"),
                            (spread, y_spread, "[[360, -360, 0, 2], [1, -2, 0.5, 0]] 일 때")]:
        what = f"scores 가 {near} softmax_cross_entropy(scores, y)"
        loss, dscores = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        ref_loss, ref_dscores = ref.softmax_cross_entropy(scores, y)
        assert_close(loss, ref_loss, f"{what} 의 loss", rtol=1e-9)
        assert_close(dscores, ref_dscores, f"{what} 의 dscores", rtol=1e-7, atol=1e-12)
    for C in (2, 7, 10):
        scores, y = np.full((6, C), 3.5), rng.integers(0, C, size=6)
        what = f"scores 가 모두 같고 C = {C} 일 때 softmax_cross_entropy(scores, y) 의 loss"
        loss, _ = unpack(sub.softmax_cross_entropy(scores, y), ("loss", "dscores"), what)
        assert_close(loss, math.log(C), what, rtol=1e-9)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("scores 나 y 를 제자리에서 (in place) 바꾸지 말고 올바른 loss 와 dscores 를 돌려주세요: "
                  "[i, y[i]] 에서 1 을 빼기 전에 복사 (copy) 하세요.")
def test_cross_entropy_keeps_inputs(sub, ref):
    """scores 와 y 를 바꾸지 않습니다 (그리고 올바른 loss 와 dscores 를 돌려줍니다)"""
    scores, y = ce_case(np.random.default_rng(3153), 4, 3)
    s_arg, y_arg = scores.copy(), y.copy()
    what = "scores (4, 3) 일 때 softmax_cross_entropy(scores, y)"
    loss, dscores = unpack(sub.softmax_cross_entropy(s_arg, y_arg), ("loss", "dscores"), what)
    ref_loss, ref_dscores = ref.softmax_cross_entropy(scores, y)
    assert_close(loss, ref_loss, f"{what} 의 loss", rtol=1e-9)
    assert_close(dscores, ref_dscores, f"{what} 의 dscores", rtol=1e-7, atol=1e-12)
    assert_unchanged(s_arg, scores, "softmax_cross_entropy 후의 scores")
    assert_unchanged(y_arg, y, "softmax_cross_entropy 후의 y")


# ---- numerical gradient and rel_error ------------------------------------------------------

def smooth_case(rng, shape):
    """f(x) = sum(c * sin(x)) + 0.5 * sum(d * x**3), its gradient, and a point."""
    c, d, x = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
    f = lambda v: float(np.sum(c * np.sin(v)) + 0.5 * np.sum(d * v ** 3))
    return f, (lambda v: c * np.cos(v) + 1.5 * d * v ** 2), x


@pytest.mark.graded("numerical_gradient")
@pytest.mark.points(1)
@pytest.mark.hint("어떤 모양 (shape) 이든 x 의 모든 인덱스 (index) 에서 중앙 차분 (centred difference) "
                  "(f(x + h e_i) - f(x - h e_i)) / (2h) 를 구하세요 (np.ndindex(x.shape)).")
def test_numerical_gradient_random(sub):
    """1, 2, 3 차원 (1-, 2-, 3-d) x 에서 매끄러운 함수 (smooth function) 의 참 기울기 (gradient) 와 같습니다"""
    rng = np.random.default_rng(3160)
    for shape in [(7,), (3, 4), (2, 3, 2)]:
        f, gradient, x = smooth_case(rng, shape)
        got = sub.numerical_gradient(f, x.copy())
        assert_gradient(got, gradient(x), f"x {shape}, 매끄러운 (smooth) f 일 때 numerical_gradient(f, x)",
                        against="정확한 기울기 (exact gradient)",
                        tolerance="상대 오차 (relative error) 1e-07: max|받은 값 - 정확한 값| / "
                                  "(max|받은 값| + max|정확한 값|). h = 1e-5 의 중앙 차분 (centred difference) 은 "
                                  "약 1e-10 만큼 어긋납니다")


@pytest.mark.graded("numerical_gradient")
@pytest.mark.points(1)
@pytest.mark.hint("인자 (argument) h 를 두 번의 계산과 2h 로 나누기 모두에 쓰세요.")
def test_numerical_gradient_step_size(sub, ref):
    """큰 h = 0.01 에서 참조 구현 (reference) 의 중앙 차분 (centred difference) 과 같습니다"""
    rng = np.random.default_rng(3161)
    f, _, x = smooth_case(rng, (3, 3))
    got = sub.numerical_gradient(f, x.copy(), h=0.01)
    assert_close(got, numeric(ref, f, x, h=0.01), "x (3, 3) 일 때 numerical_gradient(f, x, h=0.01)",
                 rtol=1e-7, atol=1e-9)


@pytest.mark.graded("numerical_gradient")
@pytest.mark.points(1)
@pytest.mark.hint("중앙 차분 (centred difference) 을 돌려주고, 다음 원소 (element) 로 넘어가기 전에 "
                  "각 원소를 되돌리세요 (x[ix] = old).")
def test_numerical_gradient_restores_x_3d(sub, ref):
    """3 차원 (3-d) x 를 처음 그대로 둡니다 (그리고 올바른 기울기 (gradient) 를 돌려줍니다)"""
    rng = np.random.default_rng(3162)
    f, _, x = smooth_case(rng, (2, 3, 2))
    x_arg = x.copy()
    got = sub.numerical_gradient(f, x_arg)
    assert_close(got, numeric(ref, f, x), "x (2, 3, 2), 매끄러운 (smooth) f 일 때 numerical_gradient(f, x)",
                 rtol=1e-7, atol=1e-9)
    assert_close(x_arg, x, "numerical_gradient(f, x) 후의 x", rtol=1e-12, atol=1e-15)


@pytest.mark.graded("rel_error")
@pytest.mark.points(1)
@pytest.mark.hint("원소 (element) 별 |a - b| / np.maximum(1e-8, |a| + |b|) 의 최댓값 (max) 을 실수 (float) 하나로 "
                  "돌려주세요. a 와 b 는 바뀌면 안 됩니다.")
def test_rel_error_random(sub, ref):
    """0 과 아주 작은 값이 섞인 무작위 배열 (random array) 에서 참조 구현 (reference) 과 같고, a 와 b 는 그대로입니다"""
    rng = np.random.default_rng(3170)
    for shape in [(5,), (3, 4), (2, 2, 3)]:
        a = rng.normal(size=shape)
        b = a + rng.normal(size=shape) * rng.choice([1e-9, 1e-3, 1.0])
        zero = rng.random(shape) < 0.3
        a[zero], b[zero] = 0.0, 0.0
        tiny = rng.random(shape) < 0.2
        a[tiny], b[tiny] = a[tiny] * 1e-10, b[tiny] * 1e-10
        a_arg, b_arg = a.copy(), b.copy()
        assert_close(sub.rel_error(a_arg, b_arg), ref.rel_error(a, b), f"모양 (shape) {shape} 일 때 rel_error(a, b)",
                     rtol=1e-9)
        assert_unchanged(a_arg, a, "rel_error(a, b) 후의 a")
        assert_unchanged(b_arg, b, "rel_error(a, b) 후의 b")


# ---- the two-layer net ---------------------------------------------------------------------

def net_case(rng, N, D, H, C):
    params = {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
              "W2": rng.normal(size=(H, C)), "b2": rng.normal(size=C)}
    return params, rng.normal(size=(N, D)), rng.integers(0, C, size=N)


def student_net(sub, params):
    D, H = params["W1"].shape
    net = sub.TwoLayerNet(D, H, params["W2"].shape[1])
    for key, value in params.items():
        net.params[key] = value.copy()
    return net


def reference_net(ref, params):
    D, H = params["W1"].shape
    net = ref.TwoLayerNet(D, H, params["W2"].shape[1])
    net.params = {key: value.copy() for key, value in params.items()}
    return net


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("rng = np.random.default_rng(seed); 먼저 W1 = weight_scale * rng.standard_normal((D, H)), "
                  "다음에 W2 를 같은 방법으로 만드세요. 편향 (bias) 은 np.zeros 입니다.")
def test_net_init_matches_reference(sub, ref):
    """초기 파라미터 (initial parameter) 가 정해진 방법 (시드 (seed), 순서, weight_scale) 을 따릅니다: 기본값 (default) weight_scale=1e-2, seed=0, 그리고 0.3, seed=11"""
    for args, kwargs in [((4, 6, 3), {}), ((3, 5, 2), dict(weight_scale=0.3, seed=11))]:
        got, expected = sub.TwoLayerNet(*args, **kwargs).params, ref.TwoLayerNet(*args, **kwargs).params
        for key in expected:
            if key not in got:
                raise Mismatch(f"TwoLayerNet{args}.params", f'키 (key) "{key}" 가 없습니다', received=sorted(got))
            assert_close(got[key], expected[key], f'{call("TwoLayerNet", *args, **kwargs)} 의 params["{key}"]',
                         rtol=1e-12)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("점수 (scores) 는 현재 self.params 로 계산한 affine -> ReLU -> affine 입니다 (softmax 없이). "
                  "TwoLayerNet 이 여러분의 층 함수 (layer function) 를 쓴다면, 먼저 그 검사들을 통과시키세요.")
def test_net_scores_random(sub, ref):
    """무작위 파라미터 (random parameter) 에서 loss(X) 가 참조 구현 (reference) 의 점수 (scores) 와 같습니다"""
    rng = np.random.default_rng(3180)
    for N, D, H, C in NET_SHAPES:
        params, X, _ = net_case(rng, N, D, H, C)
        with running(sub, "affine_forward", "relu_forward"):
            assert_close(student_net(sub, params).loss(X.copy()), reference_net(ref, params).loss(X),
                         f"X {X.shape}, H = {H}, C = {C} 일 때 scores = net.loss(X)", rtol=1e-9, atol=1e-12)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("손실 (loss) 은 점수 (scores) 의 softmax_cross_entropy, 즉 배치 (batch) 에 대한 평균 (mean) 입니다. "
                  "TwoLayerNet 이 여러분의 층 함수 (layer function) 를 쓴다면, 먼저 그 검사들을 통과시키세요.")
def test_net_loss_random(sub, ref):
    """무작위 파라미터 (random parameter) 에서 loss(X, y) 가 참조 구현 (reference) 의 손실 (loss) 과 같습니다"""
    rng = np.random.default_rng(3181)
    for N, D, H, C in NET_SHAPES:
        params, X, y = net_case(rng, N, D, H, C)
        what = f"X {X.shape}, H = {H}, C = {C} 일 때 net.loss(X, y) 의 loss"
        with running(sub, *NET_PARTS):
            loss, _ = unpack(student_net(sub, params).loss(X.copy(), y.copy()), ("loss", "grads"), what)
            assert_close(loss, reference_net(ref, params).loss(X, y)[0], what, rtol=1e-9)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(2)
@pytest.mark.hint("역전파 (backward) 는 거꾸로 (reverse order): affine_backward (W2, b2), relu_backward, "
                  "affine_backward (W1, b1). grads[k] 는 params[k] 와 같은 모양 (shape) 입니다. 층 함수 "
                  "(layer function) 가 자기 검사에서 틀리면 먼저 그것을 고치세요.")
def test_net_gradients_numerical(sub, ref):
    """모든 기울기 (gradient) 가 손실 (loss) 의 수치 기울기 (numerical gradient) 와 같습니다 (float64)"""
    rng = np.random.default_rng(3182)
    for N, D, H, C in NET_SHAPES:
        params, X, y = net_case(rng, N, D, H, C)
        what = f"X {X.shape}, H = {H}, C = {C} 일 때 net.loss(X, y)"
        with running(sub, *NET_PARTS):
            _, grads = unpack(student_net(sub, params).loss(X.copy(), y.copy()), ("loss", "grads"), what)
            if not isinstance(grads, dict):
                raise Mismatch(f"{what} 의 grads", "params 와 같은 키 (key) 를 가진 딕셔너리 (dict) 여야 합니다",
                               received=grads)
            for key in ("W1", "b1", "W2", "b2"):
                if key not in grads:
                    raise Mismatch(f"{what} 의 grads", f'키 (key) "{key}" 가 없습니다', received=sorted(grads))

                def loss_with(value, key=key):
                    return reference_net(ref, {**params, key: value}).loss(X, y)[0]

                assert_gradient(grads[key], numeric(ref, loss_with, params[key]), f'{what} 의 grads["{key}"]')


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("가중치 (weight) 가 작으면 모든 점수 (score) 가 거의 0 이라, softmax 가 각 클래스 (class) 에 "
                  "약 1/C 를 주고 손실 (loss) 은 약 ln(C) 입니다.")
def test_net_initial_loss_is_ln_c(sub):
    """가중치 (weight) 가 작은 새 신경망 (network) 의 손실 (loss) 은 ln(C) 에 가깝습니다"""
    rng = np.random.default_rng(3183)
    for N, D, H, C in [(20, 8, 10, 3), (50, 64, 32, 10)]:
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        net = sub.TwoLayerNet(D, H, C, weight_scale=1e-3, seed=int(rng.integers(100)))
        what = f"무작위 샘플 (random sample) {N} 개에서 TwoLayerNet({D}, {H}, {C}, weight_scale=1e-3) 의 첫 손실 (initial loss)"
        with running(sub, *NET_PARTS):
            loss, _ = unpack(net.loss(X, y), ("loss", "grads"), what)
            assert_close(loss, math.log(C), what, rtol=1e-3)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("net.loss 는 X 나 y 를 제자리에서 (in place) 바꾸지 않고 올바른 손실 (loss) 을 돌려줘야 합니다.")
def test_net_keeps_inputs(sub, ref):
    """loss(X, y) 가 X 와 y 를 바꾸지 않습니다 (그리고 올바른 손실 (loss) 을 돌려줍니다)"""
    rng = np.random.default_rng(3184)
    params, X, y = net_case(rng, 5, 4, 6, 3)
    X_arg, y_arg = X.copy(), y.copy()
    what = "X (5, 4), H = 6, C = 3 일 때 net.loss(X, y) 의 loss"
    with running(sub, *NET_PARTS):
        loss, _ = unpack(student_net(sub, params).loss(X_arg, y_arg), ("loss", "grads"), what)
        assert_close(loss, reference_net(ref, params).loss(X, y)[0], what, rtol=1e-9)
    assert_unchanged(X_arg, X, "net.loss(X, y) 후의 X")
    assert_unchanged(y_arg, y, "net.loss(X, y) 후의 y")


# ---- SGD and training ----------------------------------------------------------------------

@pytest.mark.graded("sgd_step")
@pytest.mark.points(1)
@pytest.mark.hint("각 파라미터 (parameter) 는 자기 기울기 (gradient) 의 반대 방향으로 lr 크기만큼 움직이며, "
                  "params 딕셔너리 (dict) 안에서 제자리에서 (in place) 바뀝니다 (신경망이 그 배열을 가지고 있습니다). "
                  "grads 는 그대로 두고, 아무것도 돌려주지 마세요 (None).")
def test_sgd_step_random(sub, ref):
    """무작위 파라미터 (random parameter) 에서 참조 구현 (reference) 과 같고, 제자리에서 (in place) 바꾸며, grads 는 그대로, None 을 돌려줍니다"""
    rng = np.random.default_rng(3190)
    params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=3), "gamma": rng.normal(size=(2, 2, 2))}
    grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
    expected = {key: value.copy() for key, value in params.items()}
    ref.sgd_step(expected, grads, 0.05)
    arrays, grads_before = dict(params), {key: value.copy() for key, value in grads.items()}
    returned = sub.sgd_step(params, grads, 0.05)
    for key in expected:
        assert_close(arrays[key], expected[key], f'sgd_step(params, grads, lr=0.05) 후의 배열 (array) params["{key}"]',
                     rtol=1e-12, atol=1e-15)
        assert_unchanged(grads[key], grads_before[key], f'sgd_step 후의 grads["{key}"]')
    if returned is not None:
        raise Mismatch("sgd_step(params, grads, lr=0.05) 의 반환값 (return value)",
                       "None 이어야 합니다: sgd_step 은 params 를 제자리에서 (in place) 바꾸고 아무것도 돌려주지 않습니다",
                       received=returned)


def train_both(sub, ref, N, D, H, C, batch_size, epochs, seed, lr=0.2):
    """The same reference net trained by the student's train and by the reference train."""
    rng = np.random.default_rng(3200 + seed)
    X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
    mine, theirs = ref.TwoLayerNet(D, H, C, weight_scale=0.5, seed=seed), ref.TwoLayerNet(D, H, C, weight_scale=0.5, seed=seed)
    kwargs = dict(lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
    losses = sub.train(mine, X.copy(), y.copy(), **kwargs)
    expected = ref.train(theirs, X, y, **kwargs)
    return losses, expected, mine, theirs, f"N = {N} 일 때 train(net, X, y, {', '.join(f'{k}={v}' for k, v in kwargs.items())})"


@pytest.mark.graded("train")
@pytest.mark.points(2)
@pytest.mark.hint("11 절 (section 11) 을 정확히 따르세요: rng = default_rng(seed) 는 한 번, 에포크 (epoch) 마다 "
                  "order = rng.permutation(N), start = 0, batch_size, 2*batch_size, ... 마다 배치 (batch) "
                  "order[start:start + batch_size] (마지막 배치는 더 작음), 에포크 손실 (epoch loss) = 배치 손실들의 np.mean.")
def test_train_matches_reference(sub, ref):
    """에포크 손실 (epoch loss) 과 마지막 가중치 (weight) 가 참조 구현 (reference) 과 같습니다 (N 이 batch_size 의 배수가 아닐 때도)"""
    for N, D, H, C, batch_size, epochs, seed in [(23, 4, 6, 3, 5, 4, 0), (17, 3, 5, 2, 4, 3, 7), (12, 5, 4, 4, 12, 2, 2)]:
        with running(sub, "sgd_step"):
            losses, expected, mine, theirs, what = train_both(sub, ref, N, D, H, C, batch_size, epochs, seed)
            if not isinstance(losses, list):
                raise Mismatch(f"{what} 의 반환값 (return value)", "실수 (float) 의 리스트 (list) 여야 합니다", received=losses)
            assert_close(losses, expected, f"{what} 의 에포크 손실 (epoch loss)", rtol=1e-9)
            for key in theirs.params:
                assert_close(mine.params[key], theirs.params[key], f'{what} 후의 net.params["{key}"]', rtol=1e-9,
                             atol=1e-12)


@pytest.mark.graded("train")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("train 은 .params 와 .loss 가 있는 어떤 신경망 (network) 이든 학습시켜야 합니다: 샘플 4 개로 "
                  "lr 0.5, 200 에포크 (epoch) 면 XOR 을 배웁니다.")
def test_train_xor_with_reference_net(sub, ref):
    """정해진 예산 (budget) 으로 기준 (reference) TwoLayerNet 을 XOR 에서 100% 가 되도록 학습합니다"""
    net = xor_net(ref.TwoLayerNet)
    with running(sub, "sgd_step"):
        train_on_xor(sub, net)
        assert_equal(net.loss(XOR_X).argmax(axis=1), XOR_Y, "train 후 XOR 에 대한 예측 (prediction)")


@pytest.mark.graded("train")
@pytest.mark.points(2)
@pytest.mark.timeout(45)
@pytest.mark.hint("12 절 (section 12) 의 예산 (budget) (hidden 64, weight_scale 0.1, lr 0.3, 30 에포크 (epoch), "
                  "batch_size 50, seed 0) 이면 올바른 train 은 digits 에서 시험 정확도 (test accuracy) 약 97% 에 "
                  "이릅니다.")
def test_train_digits_accuracy(sub, ref):
    """정해진 예산 (budget) 으로 scikit-learn 의 digits 에서 시험 정확도 (test accuracy) 95% 이상에 이릅니다"""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(digits.data / 16.0, digits.target, test_size=0.25,
                                                        random_state=0, stratify=digits.target)
    b = DIGITS_BUDGET
    net = ref.TwoLayerNet(64, b["hidden_dim"], 10, weight_scale=b["weight_scale"], seed=0)
    with running(sub, "sgd_step"):
        sub.train(net, X_train, y_train, lr=b["lr"], epochs=b["epochs"], batch_size=b["batch_size"], seed=0)
        accuracy = float(np.mean(net.loss(X_test).argmax(axis=1) == y_test))
        if accuracy < 0.95:
            raise Mismatch("정해진 예산 (budget) 으로 train 한 뒤 digits 의 시험 정확도 (test accuracy)",
                           "95% 보다 낮습니다",
                           expected=">= 0.95", received=round(accuracy, 4))
