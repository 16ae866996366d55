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

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_shape, call, without_overflow
from grader.specs.week3.backprop_public import NET_PARTS, running

pytestmark = pytest.mark.hidden

GRAD_TOL = 1e-7
GRAD_TOLERANCE = ("relative 1e-07: max|analytic - numerical| / (max|analytic| + max|numerical|), "
                  "float64, centred difference with h = 1e-5")
EXACT_TOLERANCE = "relative 1e-07: max|received - exact| / (max|received| + max|exact|), float64"
AFFINE_SHAPES = [(2, 3, 4), (5, 4, 3), (3, 4, 4), (1, 6, 2)]     # (N, D, M); D == M once
ELEMENTWISE_SHAPES = [(4, 5), (10,), (2, 3, 4)]
CE_SHAPES = [(3, 4), (8, 10), (1, 3), (5, 2)]                     # (N, C)
NET_SHAPES = [(6, 5, 7, 4), (4, 3, 5, 3)]                         # (N, D, H, C)

DIGITS_BUDGET = dict(hidden_dim=64, weight_scale=0.1, lr=0.3, epochs=30, batch_size=50)
XOR_BUDGET = dict(hidden_dim=32, weight_scale=1.0, lr=0.5, epochs=200, batch_size=4)
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])


# ---- helpers -------------------------------------------------------------------------------

def shape_text(**arrays) -> str:
    return ", ".join(f"{name} {np.shape(value)}" for name, value in arrays.items())


def unpack(result, names, what):
    if not isinstance(result, tuple) or len(result) != len(names):
        raise Mismatch(what, f"should return a tuple ({', '.join(names)})", received=result)
    return result


def gradient_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    scale = max(1e-8, float(np.max(np.abs(analytic)) + np.max(np.abs(numerical))))
    return float(np.max(np.abs(analytic - numerical))) / scale


def assert_gradient(received, numerical, what: str, against: str = "the numerical gradient",
                    tolerance: str = GRAD_TOLERANCE) -> None:
    """Shape, finiteness, then the relative error against the numerical (or exact) gradient."""
    numerical = np.asarray(numerical, dtype=float)
    array = assert_shape(received, numerical.shape, what).astype(float)
    if not np.all(np.isfinite(array)):
        raise Mismatch(what, "contains nan or inf", received=array)
    error = gradient_error(array, numerical)
    if error > GRAD_TOL:
        index = np.unravel_index(int(np.argmax(np.abs(array - numerical))), array.shape)
        where = f"element [{', '.join(map(str, index))}]" if index else "value"
        raise Mismatch(what, f"relative error {error:.2e} against {against} (largest difference at {where})",
                       expected=numerical[index], received=array[index], tolerance=tolerance)


def numeric(ref, f, x, h=1e-5):
    """The reference centred difference of f at a copy of x."""
    return ref.numerical_gradient(f, np.array(x, dtype=float), h)


def assert_unchanged(after, before, what):
    assert_equal(np.asarray(after), np.asarray(before), f"{what} (inputs must not be changed in place)")


def away_from_zero(x, margin=1e-3):
    """x with entries too close to 0 (a ReLU kink) moved away."""
    return np.where(np.abs(x) < margin, np.sign(x + 1e-300) * 0.5, x)


# ---- affine --------------------------------------------------------------------------------

def affine_case(rng, N, D, M):
    return rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M), rng.normal(size=(N, M))


@pytest.mark.graded("affine_forward")
@pytest.mark.points(1)
@pytest.mark.hint("out = x @ W + b for any N, D, M.")
def test_affine_forward_random(sub, ref):
    """matches the reference on random inputs of several shapes"""
    rng = np.random.default_rng(3101)
    for N, D, M in AFFINE_SHAPES:
        x, W, b, _ = affine_case(rng, N, D, M)
        what = f"out of affine_forward(x, W, b) with {shape_text(x=x, W=W, b=b)}"
        out, _ = unpack(sub.affine_forward(x.copy(), W.copy(), b.copy()), ("out", "cache"), what)
        assert_close(out, ref.affine_forward(x, W, b)[0], what, rtol=1e-10, atol=1e-12)


@pytest.mark.graded("affine_forward")
@pytest.mark.points(1)
@pytest.mark.hint("Return the right out without changing x, W or b in place.")
def test_affine_forward_keeps_inputs(sub, ref):
    """leaves x, W and b unchanged (and returns the right out)"""
    x, W, b, _ = affine_case(np.random.default_rng(3102), 4, 3, 2)
    args = (x.copy(), W.copy(), b.copy())
    what = f"out of affine_forward(x, W, b) with {shape_text(x=x, W=W, b=b)}"
    out, _ = unpack(sub.affine_forward(*args), ("out", "cache"), what)
    assert_close(out, ref.affine_forward(x, W, b)[0], what, rtol=1e-10, atol=1e-12)
    for name, after, before in zip("xWb", args, (x, W, b)):
        assert_unchanged(after, before, f"{name} after affine_forward")


def affine_gradients(sub, ref, seed):
    """For each shape: the student's (dx, dW, db), the numerical ones, and a description."""
    rng = np.random.default_rng(seed)
    for N, D, M in AFFINE_SHAPES:
        x, W, b, dout = affine_case(rng, N, D, M)
        _, cache = unpack(sub.affine_forward(x.copy(), W.copy(), b.copy()), ("out", "cache"), "affine_forward")
        what = f"affine_backward(dout, cache) with {shape_text(x=x, W=W, b=b, dout=dout)}"
        got = unpack(sub.affine_backward(dout.copy(), cache), ("dx", "dW", "db"), what)
        numerical = (numeric(ref, lambda v: np.sum(ref.affine_forward(v, W, b)[0] * dout), x),
                     numeric(ref, lambda v: np.sum(ref.affine_forward(x, v, b)[0] * dout), W),
                     numeric(ref, lambda v: np.sum(ref.affine_forward(x, W, v)[0] * dout), b))
        yield got, numerical, what


@pytest.mark.graded("affine_backward")
@pytest.mark.points(1)
@pytest.mark.hint("dx = dout @ W.T, shape (N, D).")
def test_affine_backward_dx_numerical(sub, ref):
    """dx matches the numerical gradient (several shapes, float64)"""
    for got, numerical, what in affine_gradients(sub, ref, 3103):
        assert_gradient(got[0], numerical[0], f"dx from {what}")


@pytest.mark.graded("affine_backward")
@pytest.mark.points(1)
@pytest.mark.hint("dW = x.T @ dout, shape (D, M).")
def test_affine_backward_dW_numerical(sub, ref):
    """dW matches the numerical gradient (several shapes, float64)"""
    for got, numerical, what in affine_gradients(sub, ref, 3104):
        assert_gradient(got[1], numerical[1], f"dW from {what}")


@pytest.mark.graded("affine_backward")
@pytest.mark.points(1)
@pytest.mark.hint("b is added to every row of the batch, so its gradient collects dout from every row; "
                  "db has shape (M,).")
def test_affine_backward_db_numerical(sub, ref):
    """db matches the numerical gradient (several shapes, float64)"""
    for got, numerical, what in affine_gradients(sub, ref, 3105):
        assert_gradient(got[2], numerical[2], f"db from {what}")


@pytest.mark.graded("affine_backward")
@pytest.mark.points(1)
@pytest.mark.hint("Return the right dx, dW, db without changing dout (or the cached x, W, b) in place.")
def test_affine_backward_keeps_inputs(sub):
    """leaves dout and the cached inputs unchanged (and returns the right dx, dW, db)"""
    x, W, b, dout = affine_case(np.random.default_rng(3106), 4, 3, 2)
    args = (x.copy(), W.copy(), b.copy())
    _, cache = unpack(sub.affine_forward(*args), ("out", "cache"), "affine_forward")
    dout_arg = dout.copy()
    what = f"affine_backward(dout, cache) with {shape_text(x=x, W=W, b=b, dout=dout)}"
    got = unpack(sub.affine_backward(dout_arg, cache), ("dx", "dW", "db"), what)
    for name, value, exact in zip(("dx", "dW", "db"), got, (dout @ W.T, x.T @ dout, dout.sum(axis=0))):
        assert_gradient(value, exact, f"{name} from {what}", against="the exact gradient", tolerance=EXACT_TOLERANCE)
    assert_unchanged(dout_arg, dout, "dout after affine_backward")
    for name, after, before in zip("xWb", args, (x, W, b)):
        assert_unchanged(after, before, f"{name} after affine_forward and affine_backward")


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
        what = f"out of {layer}_forward(x) with x {shape}"
        x_arg = x.copy()
        out, _ = unpack(fn(x_arg), ("out", "cache"), what)
        assert_close(out, getattr(ref, f"{layer}_forward")(x)[0], what, rtol=1e-10, atol=1e-12)
        assert_unchanged(x_arg, x, f"x after {layer}_forward(x)")
    if layer == "tanh":             # the notebook asks for stability of the sigmoid only
        return
    large = np.array([[-800.0, -50.0, 0.0, 50.0, 800.0]])
    what = call(f"{layer}_forward", large)
    with without_overflow(what):
        out, _ = unpack(fn(large.copy()), ("out", "cache"), what)
    assert_close(out, getattr(ref, f"{layer}_forward")(large)[0], f"out of {what}", rtol=1e-10, atol=1e-12)


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
                        f"dx from {layer}_backward(dout, cache) with x {shape}")


def keeps_inputs(sub, ref, layer, seed):
    rng = np.random.default_rng(seed)
    x, dout = layer_inputs(layer, rng, (3, 4)), rng.normal(size=(3, 4))
    x_arg, dout_arg = x.copy(), dout.copy()
    ref_forward = getattr(ref, f"{layer}_forward")
    _, cache = unpack(getattr(sub, f"{layer}_forward")(x_arg), ("out", "cache"), f"{layer}_forward")
    assert_unchanged(x_arg, x, f"x after {layer}_forward")
    dx = getattr(sub, f"{layer}_backward")(dout_arg, cache)
    assert_gradient(dx, numeric(ref, lambda v: np.sum(ref_forward(v)[0] * dout), x),
                    f"dx from {layer}_backward(dout, cache) with x (3, 4)")
    assert_unchanged(dout_arg, dout, f"dout after {layer}_backward")
    assert_unchanged(x_arg, x, f"x after {layer}_forward and {layer}_backward")


def layer_param(test, layer, hint):
    return pytest.param(layer, marks=[pytest.mark.graded(f"{layer}_{test}"), pytest.mark.hint(hint)])


FORWARD_HINTS = {
    "relu": "np.maximum(0, x), elementwise, for arrays of any shape.",
    "sigmoid": "Elementwise for any shape; use exp(-|x|) so that large |x| neither overflows nor warns.",
    "tanh": "np.tanh(x), elementwise, for arrays of any shape.",
}
BACKWARD_HINTS = {
    "relu": "The gradient passes only where the input was positive (x > 0), and is 0 elsewhere, x = 0 included.",
    "sigmoid": "The local gradient of the sigmoid is written with its output s alone; multiply it by dout.",
    "tanh": "The local gradient of tanh is written with out = tanh(x) (not with x); multiply it by dout.",
}


@pytest.mark.parametrize("layer", [layer_param("forward", k, FORWARD_HINTS[k]) for k in LAYERS])
@pytest.mark.points(1)
def test_activation_forward_random(sub, ref, layer):
    """matches the reference on random inputs, x unchanged; relu and sigmoid also at x = -800, -50, 0, 50, 800 (sigmoid without overflow or a warning)"""
    forward_random(sub, ref, layer, 3110 + list(LAYERS).index(layer))


@pytest.mark.parametrize("layer", [layer_param("backward", k, BACKWARD_HINTS[k]) for k in LAYERS])
@pytest.mark.points(1)
def test_activation_backward_numerical(sub, ref, layer):
    """dx matches the numerical gradient (several shapes, float64)"""
    backward_numerical(sub, ref, layer, 3120 + list(LAYERS).index(layer))


@pytest.mark.parametrize("layer", [layer_param("backward", k, "Return the right dx without changing x or dout in "
                                               "place: dx = dout * mask makes a new array, dout[mask] = 0 does not.")
                                   for k in LAYERS])
@pytest.mark.points(1)
def test_activation_keeps_inputs(sub, ref, layer):
    """forward and backward leave x and dout unchanged (and dx is right)"""
    keeps_inputs(sub, ref, layer, 3130 + list(LAYERS).index(layer))


# ---- softmax and cross-entropy -------------------------------------------------------------

@pytest.mark.graded("softmax")
@pytest.mark.points(1)
@pytest.mark.hint("Row-wise: the max and the sum run over axis=1 (keepdims=True), for any (N, C).")
def test_softmax_random(sub, ref):
    """matches the reference on random (N, C) inputs, square and not"""
    rng = np.random.default_rng(3140)
    for N, C in [(3, 4), (5, 5), (1, 6), (7, 2)]:
        z = rng.normal(size=(N, C)) * 3
        assert_close(sub.softmax(z.copy()), ref.softmax(z), f"softmax(z) with z {z.shape}", rtol=1e-9, atol=1e-15)


@pytest.mark.graded("softmax")
@pytest.mark.points(1)
@pytest.mark.hint("Subtract each row's max before np.exp; then inputs near +-1000 stay finite.")
def test_softmax_survives_1e3(sub, ref):
    """finite and right for inputs near 1000 and near -1000, and for rows far apart (one near 1000, one near -1000)"""
    rng = np.random.default_rng(3141)
    for offset in (1000.0, -1000.0):
        z = offset + rng.normal(size=(4, 6)) * 5
        assert_close(sub.softmax(z.copy()), ref.softmax(z), f"softmax(z) with z near {offset:g}",
                     rtol=1e-9, atol=1e-15)
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -999.0, -1001.0]])
    assert_close(sub.softmax(z.copy()), ref.softmax(z), call("softmax", z), rtol=1e-9, atol=1e-15)


@pytest.mark.graded("softmax")
@pytest.mark.points(1)
@pytest.mark.hint("Return the right probabilities without changing z: z - z.max(...) makes a new array, "
                  "z -= z.max(...) changes the caller's z.")
def test_softmax_keeps_input(sub, ref):
    """leaves z unchanged (and returns the right probabilities)"""
    z = np.random.default_rng(3142).normal(size=(3, 4)) * 10
    z_arg = z.copy()
    assert_close(sub.softmax(z_arg), ref.softmax(z), "softmax(z) with z (3, 4)", rtol=1e-9, atol=1e-15)
    assert_unchanged(z_arg, z, "z after softmax(z)")


def ce_case(rng, N, C, scale=2.0):
    return rng.normal(size=(N, C)) * scale, rng.integers(0, C, size=N)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("loss = -mean(log softmax(scores)[i, y[i]]), a single float averaged over the batch.")
def test_cross_entropy_loss_random(sub, ref):
    """the loss matches the reference on random batches"""
    rng = np.random.default_rng(3150)
    for N, C in CE_SHAPES:
        scores, y = ce_case(rng, N, C)
        what = f"loss from softmax_cross_entropy(scores, y) with scores {scores.shape}"
        loss, _ = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        assert_close(loss, ref.softmax_cross_entropy(scores, y)[0], what, rtol=1e-9)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("dscores = (p - one_hot(y)) / N, the gradient of the *mean* loss.")
def test_cross_entropy_gradient_numerical(sub, ref):
    """dscores matches the numerical gradient of the loss (several shapes, float64)"""
    rng = np.random.default_rng(3151)
    for N, C in CE_SHAPES:
        scores, y = ce_case(rng, N, C)
        what = f"dscores from softmax_cross_entropy(scores, y) with scores {scores.shape}"
        _, dscores = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        assert_gradient(dscores, numeric(ref, lambda v: ref.softmax_cross_entropy(v, y)[0], scores), what)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("Shift each row by its own max (or compute log-softmax row by row) so large scores give finite "
                  "values, even when rows are far apart; equal scores must give exactly ln(C).")
def test_cross_entropy_large_and_uniform(sub, ref):
    """finite and right for scores near 1000, rows far apart (near 1000, 0, -1000), a row from -360 to 360; equal scores give ln(C)"""
    rng = np.random.default_rng(3152)
    scores, y = ce_case(rng, 5, 4, scale=20.0)
    apart, y_apart = ce_case(rng, 3, 4, scale=2.0)
    apart += np.array([[1000.0], [0.0], [-1000.0]])
    # exp(-720) is still a (tiny) float, exp(720) is not: only a shift by the row's max stays finite
    spread, y_spread = np.array([[360.0, -360.0, 0.0, 2.0], [1.0, -2.0, 0.5, 0.0]]), np.array([0, 2])
    for scores, y, near in [(scores + 1000.0, y, "near 1000"), (apart, y_apart, "in rows near 1000, 0 and -1000"),
                            (spread, y_spread, "[[360, -360, 0, 2], [1, -2, 0.5, 0]]")]:
        what = f"softmax_cross_entropy(scores, y) with scores {near}"
        loss, dscores = unpack(sub.softmax_cross_entropy(scores.copy(), y.copy()), ("loss", "dscores"), what)
        ref_loss, ref_dscores = ref.softmax_cross_entropy(scores, y)
        assert_close(loss, ref_loss, f"loss from {what}", rtol=1e-9)
        assert_close(dscores, ref_dscores, f"dscores from {what}", rtol=1e-7, atol=1e-12)
    for C in (2, 7, 10):
        scores, y = np.full((6, C), 3.5), rng.integers(0, C, size=6)
        what = f"loss from softmax_cross_entropy(scores, y) with equal scores, C = {C}"
        loss, _ = unpack(sub.softmax_cross_entropy(scores, y), ("loss", "dscores"), what)
        assert_close(loss, math.log(C), what, rtol=1e-9)


@pytest.mark.graded("softmax_cross_entropy")
@pytest.mark.points(1)
@pytest.mark.hint("Return the right loss and dscores without changing scores or y in place: copy before you "
                  "subtract 1 at [i, y[i]].")
def test_cross_entropy_keeps_inputs(sub, ref):
    """leaves scores and y unchanged (and returns the right loss and dscores)"""
    scores, y = ce_case(np.random.default_rng(3153), 4, 3)
    s_arg, y_arg = scores.copy(), y.copy()
    what = "softmax_cross_entropy(scores, y) with scores (4, 3)"
    loss, dscores = unpack(sub.softmax_cross_entropy(s_arg, y_arg), ("loss", "dscores"), what)
    ref_loss, ref_dscores = ref.softmax_cross_entropy(scores, y)
    assert_close(loss, ref_loss, f"loss from {what}", rtol=1e-9)
    assert_close(dscores, ref_dscores, f"dscores from {what}", rtol=1e-7, atol=1e-12)
    assert_unchanged(s_arg, scores, "scores after softmax_cross_entropy")
    assert_unchanged(y_arg, y, "y after softmax_cross_entropy")


# ---- numerical gradient and rel_error ------------------------------------------------------

def smooth_case(rng, shape):
    """f(x) = sum(c * sin(x)) + 0.5 * sum(d * x**3), its gradient, and a point."""
    c, d, x = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
    f = lambda v: float(np.sum(c * np.sin(v)) + 0.5 * np.sum(d * v ** 3))
    return f, (lambda v: c * np.cos(v) + 1.5 * d * v ** 2), x


@pytest.mark.graded("numerical_gradient")
@pytest.mark.points(1)
@pytest.mark.hint("A centred difference (f(x + h e_i) - f(x - h e_i)) / (2h) for every index of x, any shape "
                  "(np.ndindex(x.shape)).")
def test_numerical_gradient_random(sub):
    """matches the true gradient of a smooth function, for 1-, 2- and 3-d x"""
    rng = np.random.default_rng(3160)
    for shape in [(7,), (3, 4), (2, 3, 2)]:
        f, gradient, x = smooth_case(rng, shape)
        got = sub.numerical_gradient(f, x.copy())
        assert_gradient(got, gradient(x), f"numerical_gradient(f, x) with x {shape}, f smooth",
                        against="the exact gradient",
                        tolerance="relative 1e-07: max|received - exact| / (max|received| + max|exact|); "
                                  "a centred difference with h = 1e-5 is off by about 1e-10")


@pytest.mark.graded("numerical_gradient")
@pytest.mark.points(1)
@pytest.mark.hint("Use the h argument in both evaluations and in the division by 2h.")
def test_numerical_gradient_step_size(sub, ref):
    """with a large h = 0.01, matches the reference centred difference"""
    rng = np.random.default_rng(3161)
    f, _, x = smooth_case(rng, (3, 3))
    got = sub.numerical_gradient(f, x.copy(), h=0.01)
    assert_close(got, numeric(ref, f, x, h=0.01), "numerical_gradient(f, x, h=0.01) with x (3, 3)",
                 rtol=1e-7, atol=1e-9)


@pytest.mark.graded("numerical_gradient")
@pytest.mark.points(1)
@pytest.mark.hint("Return the centred differences and restore every element (x[ix] = old) before moving on "
                  "to the next one.")
def test_numerical_gradient_restores_x_3d(sub, ref):
    """leaves a 3-d x as it was (and returns the right gradient)"""
    rng = np.random.default_rng(3162)
    f, _, x = smooth_case(rng, (2, 3, 2))
    x_arg = x.copy()
    got = sub.numerical_gradient(f, x_arg)
    assert_close(got, numeric(ref, f, x), "numerical_gradient(f, x) with x (2, 3, 2), f smooth", rtol=1e-7, atol=1e-9)
    assert_close(x_arg, x, "x after numerical_gradient(f, x)", rtol=1e-12, atol=1e-15)


@pytest.mark.graded("rel_error")
@pytest.mark.points(1)
@pytest.mark.hint("max over elements of |a - b| / np.maximum(1e-8, |a| + |b|), returned as one float; "
                  "a and b must not change.")
def test_rel_error_random(sub, ref):
    """matches the reference on random arrays with some zeros and tiny entries; a and b unchanged"""
    rng = np.random.default_rng(3170)
    for shape in [(5,), (3, 4), (2, 2, 3)]:
        a = rng.normal(size=shape)
        b = a + rng.normal(size=shape) * rng.choice([1e-9, 1e-3, 1.0])
        zero = rng.random(shape) < 0.3
        a[zero], b[zero] = 0.0, 0.0
        tiny = rng.random(shape) < 0.2
        a[tiny], b[tiny] = a[tiny] * 1e-10, b[tiny] * 1e-10
        a_arg, b_arg = a.copy(), b.copy()
        assert_close(sub.rel_error(a_arg, b_arg), ref.rel_error(a, b), f"rel_error(a, b) with shape {shape}",
                     rtol=1e-9)
        assert_unchanged(a_arg, a, "a after rel_error(a, b)")
        assert_unchanged(b_arg, b, "b after rel_error(a, b)")


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
@pytest.mark.hint("rng = np.random.default_rng(seed); W1 = weight_scale * rng.standard_normal((D, H)) first, "
                  "then W2 the same way; biases np.zeros.")
def test_net_init_matches_reference(sub, ref):
    """initial parameters follow the stated recipe (seed, order, weight_scale): defaults weight_scale=1e-2, seed=0, and 0.3, seed=11"""
    for args, kwargs in [((4, 6, 3), {}), ((3, 5, 2), dict(weight_scale=0.3, seed=11))]:
        got, expected = sub.TwoLayerNet(*args, **kwargs).params, ref.TwoLayerNet(*args, **kwargs).params
        for key in expected:
            if key not in got:
                raise Mismatch(f"TwoLayerNet{args}.params", f'has no key "{key}"', received=sorted(got))
            assert_close(got[key], expected[key], f'params["{key}"] of {call("TwoLayerNet", *args, **kwargs)}',
                         rtol=1e-12)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("Scores are affine -> ReLU -> affine of the current self.params (no softmax). "
                  "If your TwoLayerNet uses your layer functions, make their checks pass first.")
def test_net_scores_random(sub, ref):
    """loss(X) matches the reference scores with random parameters"""
    rng = np.random.default_rng(3180)
    for N, D, H, C in NET_SHAPES:
        params, X, _ = net_case(rng, N, D, H, C)
        with running(sub, "affine_forward", "relu_forward"):
            assert_close(student_net(sub, params).loss(X.copy()), reference_net(ref, params).loss(X),
                         f"scores = net.loss(X) with X {X.shape}, H = {H}, C = {C}", rtol=1e-9, atol=1e-12)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("The loss is softmax_cross_entropy of the scores: the mean over the batch. "
                  "If your TwoLayerNet uses your layer functions, make their checks pass first.")
def test_net_loss_random(sub, ref):
    """loss(X, y) matches the reference loss with random parameters"""
    rng = np.random.default_rng(3181)
    for N, D, H, C in NET_SHAPES:
        params, X, y = net_case(rng, N, D, H, C)
        what = f"loss from net.loss(X, y) with X {X.shape}, H = {H}, C = {C}"
        with running(sub, *NET_PARTS):
            loss, _ = unpack(student_net(sub, params).loss(X.copy(), y.copy()), ("loss", "grads"), what)
            assert_close(loss, reference_net(ref, params).loss(X, y)[0], what, rtol=1e-9)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(2)
@pytest.mark.hint("Backward in reverse order: affine_backward (W2, b2), relu_backward, affine_backward (W1, b1); "
                  "grads[k] has the shape of params[k]. If your layer functions fail their checks, fix them first.")
def test_net_gradients_numerical(sub, ref):
    """every gradient matches the numerical gradient of the loss (float64)"""
    rng = np.random.default_rng(3182)
    for N, D, H, C in NET_SHAPES:
        params, X, y = net_case(rng, N, D, H, C)
        what = f"from net.loss(X, y) with X {X.shape}, H = {H}, C = {C}"
        with running(sub, *NET_PARTS):
            _, grads = unpack(student_net(sub, params).loss(X.copy(), y.copy()), ("loss", "grads"), what)
            if not isinstance(grads, dict):
                raise Mismatch(f"grads {what}", "should be a dict with the keys of params", received=grads)
            for key in ("W1", "b1", "W2", "b2"):
                if key not in grads:
                    raise Mismatch(f"grads {what}", f'has no key "{key}"', received=sorted(grads))

                def loss_with(value, key=key):
                    return reference_net(ref, {**params, key: value}).loss(X, y)[0]

                assert_gradient(grads[key], numeric(ref, loss_with, params[key]), f'grads["{key}"] {what}')


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("With small weights all scores are about 0, so softmax gives about 1/C to each class "
                  "and the loss is about ln(C).")
def test_net_initial_loss_is_ln_c(sub):
    """a freshly made net with small weights has a loss close to ln(C)"""
    rng = np.random.default_rng(3183)
    for N, D, H, C in [(20, 8, 10, 3), (50, 64, 32, 10)]:
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        net = sub.TwoLayerNet(D, H, C, weight_scale=1e-3, seed=int(rng.integers(100)))
        what = f"initial loss of TwoLayerNet({D}, {H}, {C}, weight_scale=1e-3) on {N} random samples"
        with running(sub, *NET_PARTS):
            loss, _ = unpack(net.loss(X, y), ("loss", "grads"), what)
            assert_close(loss, math.log(C), what, rtol=1e-3)


@pytest.mark.graded("TwoLayerNet")
@pytest.mark.points(1)
@pytest.mark.hint("net.loss must return the right loss without changing X or y in place.")
def test_net_keeps_inputs(sub, ref):
    """loss(X, y) leaves X and y unchanged (and returns the right loss)"""
    rng = np.random.default_rng(3184)
    params, X, y = net_case(rng, 5, 4, 6, 3)
    X_arg, y_arg = X.copy(), y.copy()
    what = "loss from net.loss(X, y) with X (5, 4), H = 6, C = 3"
    with running(sub, *NET_PARTS):
        loss, _ = unpack(student_net(sub, params).loss(X_arg, y_arg), ("loss", "grads"), what)
        assert_close(loss, reference_net(ref, params).loss(X, y)[0], what, rtol=1e-9)
    assert_unchanged(X_arg, X, "X after net.loss(X, y)")
    assert_unchanged(y_arg, y, "y after net.loss(X, y)")


# ---- SGD and training ----------------------------------------------------------------------

@pytest.mark.graded("sgd_step")
@pytest.mark.points(1)
@pytest.mark.hint("Each parameter takes a step of size lr against its own gradient, changed in place in the "
                  "params dict (the net holds those arrays); leave grads alone; return nothing (None).")
def test_sgd_step_random(sub, ref):
    """matches the reference on random parameters, in place, grads unchanged, returns None"""
    rng = np.random.default_rng(3190)
    params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=3), "gamma": rng.normal(size=(2, 2, 2))}
    grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
    expected = {key: value.copy() for key, value in params.items()}
    ref.sgd_step(expected, grads, 0.05)
    arrays, grads_before = dict(params), {key: value.copy() for key, value in grads.items()}
    returned = sub.sgd_step(params, grads, 0.05)
    for key in expected:
        assert_close(arrays[key], expected[key], f'the array params["{key}"] after sgd_step(params, grads, lr=0.05)',
                     rtol=1e-12, atol=1e-15)
        assert_unchanged(grads[key], grads_before[key], f'grads["{key}"] after sgd_step')
    if returned is not None:
        raise Mismatch("value returned by sgd_step(params, grads, lr=0.05)",
                       "should be None: sgd_step changes params in place and returns nothing", received=returned)


def train_both(sub, ref, N, D, H, C, batch_size, epochs, seed, lr=0.2):
    """The same reference net trained by the student's train and by the reference train."""
    rng = np.random.default_rng(3200 + seed)
    X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
    mine, theirs = ref.TwoLayerNet(D, H, C, weight_scale=0.5, seed=seed), ref.TwoLayerNet(D, H, C, weight_scale=0.5, seed=seed)
    kwargs = dict(lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
    losses = sub.train(mine, X.copy(), y.copy(), **kwargs)
    expected = ref.train(theirs, X, y, **kwargs)
    return losses, expected, mine, theirs, f"train(net, X, y, {', '.join(f'{k}={v}' for k, v in kwargs.items())}) with N = {N}"


@pytest.mark.graded("train")
@pytest.mark.points(2)
@pytest.mark.hint("Follow section 11 exactly: one rng = default_rng(seed); each epoch order = rng.permutation(N); "
                  "batches order[start:start + batch_size] for start = 0, batch_size, 2*batch_size, ..., the last one smaller; "
                  "epoch loss = np.mean of the batch losses.")
def test_train_matches_reference(sub, ref):
    """epoch losses and final weights match the reference (N not a multiple of batch_size)"""
    for N, D, H, C, batch_size, epochs, seed in [(23, 4, 6, 3, 5, 4, 0), (17, 3, 5, 2, 4, 3, 7), (12, 5, 4, 4, 12, 2, 2)]:
        with running(sub, "sgd_step"):
            losses, expected, mine, theirs, what = train_both(sub, ref, N, D, H, C, batch_size, epochs, seed)
            if not isinstance(losses, list):
                raise Mismatch(f"value returned by {what}", "should be a list of floats", received=losses)
            assert_close(losses, expected, f"epoch losses from {what}", rtol=1e-9)
            for key in theirs.params:
                assert_close(mine.params[key], theirs.params[key], f'net.params["{key}"] after {what}', rtol=1e-9,
                             atol=1e-12)


@pytest.mark.graded("train")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("train must drive any net with .params and .loss: 200 epochs of 4 samples at lr 0.5 learn XOR.")
def test_train_xor_with_reference_net(sub, ref):
    """trains a reference TwoLayerNet to 100% on XOR with the stated budget"""
    b = XOR_BUDGET
    net = ref.TwoLayerNet(2, b["hidden_dim"], 2, weight_scale=b["weight_scale"], seed=0)
    with running(sub, "sgd_step"):
        sub.train(net, XOR_X.copy(), XOR_Y.copy(), lr=b["lr"], epochs=b["epochs"], batch_size=b["batch_size"], seed=0)
        assert_equal(net.loss(XOR_X).argmax(axis=1), XOR_Y, "predictions on XOR after train")


@pytest.mark.graded("train")
@pytest.mark.points(2)
@pytest.mark.timeout(45)
@pytest.mark.hint("With the budget of section 12 (hidden 64, weight_scale 0.1, lr 0.3, 30 epochs, batch_size 50, "
                  "seed 0) a correct train reaches about 97% test accuracy on digits.")
def test_train_digits_accuracy(sub, ref):
    """reaches at least 95% test accuracy on scikit-learn's digits with the stated budget"""
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
            raise Mismatch("test accuracy on digits after train with the stated budget", "is below 95%",
                           expected=">= 0.95", received=round(accuracy, 4))
