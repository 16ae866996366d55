"""Public checks of 04_training_skills: fixed inputs, hard-coded expectations."""
import numpy as np
import pytest

from grader.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, call, show

QUIZ_KEYS = ("binary_output", "multiclass_output", "multilabel_output", "regression_output",
             "hidden_default", "dying_relu_fix")
QUIZ_CHOICES = ("sigmoid", "softmax", "tanh", "relu", "leaky_relu", "linear")


def spelled(name, *args, **kwargs):
    """Like ``call``, but string arguments stand for named inputs: ``spelled("f", "x", 2)`` is ``f(x, 2)``."""
    parts = [a if isinstance(a, str) else show(a, details=False) for a in args]
    parts += [f"{k}={v if isinstance(v, str) else show(v, details=False)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def batches_of(sub, X, y, batch_size, **kwargs):
    """All (Xb, yb) pairs of one pass of the student's minibatches, as arrays."""
    what = spelled("minibatches", "X", "y", batch_size, **kwargs) + f" with {DESCRIPTIONS[len(X)]}"
    try:
        pairs = list(sub.minibatches(X, y, batch_size, **kwargs))
    except TypeError as error:
        if "not iterable" in str(error):
            raise Mismatch(what, "should yield (Xb, yb) pairs (use `yield` inside the loop)",
                           received=None) from None
        raise
    out = []
    for k, pair in enumerate(pairs):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise Mismatch(f"batch {k} of {what}", "each item should be a pair (Xb, yb)", received=pair)
        out.append((np.asarray(pair[0]), np.asarray(pair[1])))
    return out, what


def order_of(batches):
    """The sample ids in the order a pass produced them (the labels are the ids)."""
    return np.concatenate([yb for _, yb in batches]) if batches else np.array([], dtype=int)


def shift_of(out, img, max_shift):
    """The (dy, dx) for which out is img shifted with zero fill, or None."""
    h, w = img.shape
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            expected = np.zeros_like(img)
            expected[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
                img[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
            if np.array_equal(out, expected):
                return dy, dx
    return None


# --------------------------------------------------------------------------- batches


@pytest.mark.graded("iterations_per_epoch")
class TestIterationsPerEpoch:
    @pytest.mark.points(1)
    @pytest.mark.hint("When batch_size divides n_samples exactly, the answer is n_samples // batch_size.")
    def test_exact_division(self, sub):
        """1000 samples in batches of 100 take 10 iterations (and 60000 / 32 take 1875)"""
        for n, b, want in [(1000, 100, 10), (60000, 32, 1875), (7, 7, 1)]:
            got = sub.iterations_per_epoch(n, b)
            assert_integer(got, call("iterations_per_epoch", n, b))
            assert_equal(got, want, call("iterations_per_epoch", n, b))

    @pytest.mark.points(1)
    @pytest.mark.hint("A smaller last batch still counts as an iteration: round up, ceil(n / batch), "
                      "e.g. -(-n // batch) or math.ceil(n / batch).")
    def test_partial_last_batch(self, sub):
        """a smaller last batch counts: 1001 / 100 take 11, 10 / 3 take 4, 5 / 10 take 1"""
        for n, b, want in [(1001, 100, 11), (10, 3, 4), (5, 10, 1), (1099, 100, 11)]:
            got = sub.iterations_per_epoch(n, b)
            assert_integer(got, call("iterations_per_epoch", n, b))
            assert_equal(got, want, call("iterations_per_epoch", n, b))


TOY_N = 10
TOY_X = np.stack([np.arange(TOY_N), -10 * np.arange(TOY_N)], axis=1)   # row i is [i, -10 i]
TOY_Y = np.arange(TOY_N)                                              # label of row i is i
DESCRIPTIONS = {10: "X[i] = [i, -10 * i] and y[i] = i for i in range(10)",
                20: "X = np.arange(40).reshape(20, 2) and y = np.arange(20)"}


@pytest.mark.graded("minibatches")
class TestMinibatches:
    @pytest.mark.points(1)
    @pytest.mark.hint("Slice one permutation of range(n) into consecutive pieces; never draw indices with "
                      "replacement (rng.integers / rng.choice with replace=True).")
    def test_every_sample_once(self, sub):
        """one pass yields every sample exactly once"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 3, seed=0)
        seen = np.sort(order_of(batches))
        assert_equal(seen, np.arange(TOY_N), f"the sorted labels of all batches of {what}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Use range(0, n, batch_size) as the start of each batch, so the last smaller batch "
                      "is kept, not dropped.")
    def test_batch_sizes(self, sub):
        """10 samples in batches of 3 give batches of sizes 3, 3, 3, 1"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 3, seed=0)
        sizes = [len(yb) for _, yb in batches]
        assert_equal(sizes, [3, 3, 3, 1], f"the batch sizes of {what}")
        for k, (Xb, yb) in enumerate(batches):
            assert_shape(Xb, (sizes[k], 2), f"Xb of batch {k} of {what}")
            assert_shape(yb, (sizes[k],), f"yb of batch {k} of {what}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Index X and y with the same indices: X[index], y[index].")
    def test_pairs_stay_together(self, sub):
        """each Xb row comes with its own label in yb"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, seed=3)
        for k, (Xb, yb) in enumerate(batches):
            assert_equal(Xb[:, 0], yb, f"batch {k} of {what}: the labels of the rows of Xb "
                                       f"(row i of X has label i)")

    @pytest.mark.points(1)
    @pytest.mark.hint("Make the order with np.random.default_rng(seed).permutation(n): the same seed must "
                      "give the same batches, a different seed a different order.")
    def test_seed(self, sub):
        """the same seed gives the same order, another seed another order"""
        X, y = np.arange(40).reshape(20, 2), np.arange(20)
        first, what = batches_of(sub, X, y, 6, seed=5)
        again, _ = batches_of(sub, X, y, 6, seed=5)
        other, what_other = batches_of(sub, X, y, 6, seed=6)
        assert_equal(order_of(again), order_of(first), f"the order of a second call of {what}")
        if np.array_equal(order_of(other), order_of(first)):
            raise Mismatch(what_other, "gave the same order as seed=5: is the seed used?",
                           received=order_of(other))

    @pytest.mark.points(1)
    @pytest.mark.hint("shuffle=True: order = np.random.default_rng(seed).permutation(n); "
                      "shuffle=False: order = np.arange(n).")
    def test_shuffle_flag(self, sub):
        """shuffle=False keeps the original order; shuffle=True follows default_rng(seed).permutation(n)"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, shuffle=False)
        assert_equal(order_of(batches), np.arange(TOY_N), f"the labels of all batches of {what}, in order")
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, shuffle=True, seed=0)
        assert_equal(order_of(batches), [4, 6, 2, 7, 3, 5, 9, 0, 8, 1], f"the labels of all batches of {what}")


# --------------------------------------------------------------------------- activations


@pytest.mark.graded("leaky_relu")
class TestLeakyRelu:
    @pytest.mark.points(1)
    @pytest.mark.hint("Positive z passes unchanged; z <= 0 is multiplied by alpha (np.where(z > 0, z, alpha * z)).")
    def test_default_alpha(self, sub):
        """with the default alpha = 0.01"""
        z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
        assert_close(sub.leaky_relu(z), [-0.02, -0.005, 0.0, 0.5, 3.0], call("leaky_relu", z), rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("Use the alpha argument (not a fixed 0.01), only on the negative side, and work on "
                      "whole arrays of any shape.")
    def test_alpha_and_shape(self, sub):
        """alpha = 0.2 on a (2, 3) array; same shape back"""
        z = np.array([[-5.0, 1.0, -1.0], [2.0, -0.1, 0.0]])
        assert_close(sub.leaky_relu(z, alpha=0.2), [[-1.0, 1.0, -0.2], [2.0, -0.02, 0.0]],
                     call("leaky_relu", z, alpha=0.2), rtol=1e-12)


def normalized(answer):
    return answer.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(answer, str) else answer


@pytest.mark.graded("ACTIVATION_QUIZ")
class TestActivationQuiz:
    @pytest.mark.points(1)
    @pytest.mark.hint('ACTIVATION_QUIZ is a dict with the six keys of the table; each value is one of '
                      '"sigmoid", "softmax", "tanh", "relu", "leaky_relu", "linear".')
    def test_format(self, sub):
        """a dict with all six answers, each one of the allowed choices"""
        quiz = sub.ACTIVATION_QUIZ
        if not isinstance(quiz, dict):
            raise Mismatch("ACTIVATION_QUIZ", f"expected a dict, got {type(quiz).__name__}", received=quiz)
        missing = [key for key in QUIZ_KEYS if key not in quiz]
        if missing:
            raise Mismatch("ACTIVATION_QUIZ", f"missing key(s): {', '.join(missing)}",
                           expected=list(QUIZ_KEYS), received=list(quiz))
        for key in QUIZ_KEYS:
            answer = quiz[key]
            if answer is None:
                raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', "not implemented yet: still None; set it to one of "
                               "the allowed answers under `# YOUR CODE HERE`")
            if not isinstance(answer, str):
                raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', f"expected a string, got {type(answer).__name__}",
                               received=answer)
            if normalized(answer) not in QUIZ_CHOICES:
                raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', "is not one of the allowed answers",
                               expected=" | ".join(QUIZ_CHOICES), received=answer)


# --------------------------------------------------------------------------- overfitting


@pytest.mark.graded("early_stopping_epoch")
class TestEarlyStopping:
    @pytest.mark.points(1)
    @pytest.mark.hint("Count epochs without a strict improvement on the best loss so far; return the 0-based "
                      "epoch at which the count reaches patience.")
    def test_worked_example(self, sub):
        """the worked example of the notebook, with patience 1, 2 and 3"""
        losses = [0.9, 0.7, 0.8, 0.6, 0.65, 0.6, 0.7]
        for patience, want in [(3, 6), (2, 5), (1, 2)]:
            got = sub.early_stopping_epoch(losses, patience)
            assert_integer(got, call("early_stopping_epoch", losses, patience))
            assert_equal(got, want, call("early_stopping_epoch", losses, patience))

    @pytest.mark.points(1)
    @pytest.mark.hint("If the counter never reaches patience, return the last epoch: len(val_losses) - 1 "
                      "(epochs are numbered from 0).")
    def test_never_stops(self, sub):
        """if it never triggers: the last epoch index"""
        cases = [([1.0, 0.8, 0.6, 0.5, 0.4], 1, 4),
                 ([1.0, 0.9, 0.95, 0.97, 0.8, 0.85], 3, 5),
                 ([0.5], 2, 0)]
        for losses, patience, want in cases:
            got = sub.early_stopping_epoch(losses, patience)
            assert_integer(got, call("early_stopping_epoch", losses, patience))
            assert_equal(got, want, call("early_stopping_epoch", losses, patience))

    @pytest.mark.points(1)
    @pytest.mark.hint("Compare with the best (smallest) loss so far, not with the previous epoch, and a loss "
                      "equal to the best is not an improvement (use <).")
    def test_best_so_far_and_ties(self, sub):
        """compares with the best so far; an equal loss is not an improvement"""
        cases = [([1.0, 0.5, 0.7, 0.6, 0.65, 0.62], 2, 3),
                 ([1.0, 0.5, 0.5, 0.5, 0.4, 0.3], 2, 3),
                 ([2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.5], 3, 5)]
        for losses, patience, want in cases:
            got = sub.early_stopping_epoch(losses, patience)
            assert_integer(got, call("early_stopping_epoch", losses, patience))
            assert_equal(got, want, call("early_stopping_epoch", losses, patience))


@pytest.mark.graded("fit_diagnosis")
class TestFitDiagnosis:
    @pytest.mark.points(1)
    @pytest.mark.hint('Rule 1: "overfitting" when val_losses[-1] > 1.1 * min(val_losses), checked first.')
    def test_overfitting(self, sub):
        """validation loss back up more than 10 % from its minimum: overfitting"""
        cases = [([2.0, 1.0, 0.5, 0.2], [2.1, 1.2, 0.9, 1.3]),
                 ([2.0, 1.9, 1.8, 1.7], [2.0, 1.0, 1.2, 1.3]),        # rule 1 wins over rule 2
                 ([1.0, 0.1, 0.05, 0.01], [1.0, 0.3, 0.333, 0.34])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "overfitting", call("fit_diagnosis", train, val))

    @pytest.mark.points(1)
    @pytest.mark.hint('Rule 2: "underfitting" when train_losses[-1] > 0.5 * train_losses[0] '
                      '(and rule 1 did not apply).')
    def test_underfitting(self, sub):
        """training loss not even halved (and validation not rising): underfitting"""
        cases = [([2.0, 1.8, 1.5, 1.2], [2.1, 1.9, 1.6, 1.3]),
                 ([1.0, 0.7, 0.6, 0.55], [1.0, 0.6, 0.62, 0.64]),
                 ([0.2, 0.15, 0.12, 0.11], [0.1, 0.09, 0.095, 0.098])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "underfitting", call("fit_diagnosis", train, val))

    @pytest.mark.points(1)
    @pytest.mark.hint('Rule 3: "good" when neither rule 1 nor rule 2 applies; compare with the minimum of '
                      'the validation losses, not their first value.')
    def test_good(self, sub):
        """training loss more than halved, validation within 10 % of its best: good"""
        cases = [([2.0, 1.0, 0.5, 0.3], [2.1, 1.1, 0.6, 0.5]),
                 ([1.0, 0.4, 0.3, 0.2], [1.0, 0.5, 0.45, 0.48]),
                 ([3.0, 0.5, 0.2, 0.1], [3.0, 0.9, 0.8, 0.85])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val))
        train, val = np.array([2.0, 1.0, 0.5]), np.array([2.0, 1.2, 1.0])
        assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val) + " with arrays")


# --------------------------------------------------------------------------- dropout


@pytest.mark.graded("dropout_forward")
class TestDropoutForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("p is the probability to DROP: keep = rng.random(x.shape) >= p, so about a "
                      "fraction p of the outputs are 0.")
    def test_drop_fraction(self, sub):
        """drops about a fraction p of the units (p = 0.3 and p = 0.7)"""
        x = np.ones((400, 500))
        for p in (0.3, 0.7):
            out, _ = sub.dropout_forward(x, p, seed=0)
            what = spelled("dropout_forward", "np.ones((400, 500))", p, seed=0)
            out = assert_shape(out, x.shape, f"out of {what}")
            assert_close(np.mean(out == 0), p, f"the fraction of zeros in out of {what} (200000 units)",
                         rtol=0.02)

    @pytest.mark.points(1)
    @pytest.mark.hint("Inverted dropout scales the kept units by 1 / (1 - p), so that the mean of out "
                      "stays the mean of x.")
    def test_expected_value_kept(self, sub):
        """inverted: the mean activation is unchanged (p = 0.5 and p = 0.8)"""
        x = np.ones((400, 500))
        for p in (0.5, 0.8):
            out, _ = sub.dropout_forward(x, p, seed=1)
            what = spelled("dropout_forward", "np.ones((400, 500))", p, seed=1)
            out = assert_shape(out, x.shape, f"out of {what}")
            assert_close(out.mean(), 1.0, f"mean(out) of {what} (200000 units, mean(x) = 1)", rtol=0.02)

    @pytest.mark.points(1)
    @pytest.mark.hint("mask = keep / (1 - p) (0 where dropped, 1/(1-p) where kept) and out = x * mask; "
                      "the same seed gives the same mask.")
    def test_mask(self, sub):
        """out = x * mask, mask is 0 or 1/(1-p), and the seed fixes it"""
        x = np.random.default_rng(7).normal(size=(6, 5))
        p = 0.4
        what = spelled("dropout_forward", "x", p, seed=3) + " with x a (6, 5) array of normal samples"
        out, mask = sub.dropout_forward(x, p, seed=3)
        mask = assert_shape(mask, x.shape, f"mask of {what}")
        out = assert_shape(out, x.shape, f"out of {what}")
        allowed = np.isclose(mask, 0.0) | np.isclose(mask, 1 / (1 - p), rtol=1e-12)
        if not allowed.all():
            raise Mismatch(f"mask of {what}", "should hold only 0 and 1/(1-p)",
                           expected=f"0 or {1 / (1 - p):.6g}", received=mask[~allowed][0])
        assert_close(out, x * mask, f"out of {what} compared with x * mask", rtol=1e-12)
        out_again, _ = sub.dropout_forward(x, p, seed=3)
        assert_close(out_again, out, f"out of a second call of {what}", rtol=0.0)

    @pytest.mark.points(1)
    @pytest.mark.hint("With train=False, return x unchanged and a mask of ones: no dropping and no scaling "
                      "at test time.")
    def test_not_training(self, sub):
        """train=False: out is x and mask is all ones"""
        x = np.random.default_rng(8).normal(size=(4, 6))
        what = spelled("dropout_forward", "x", 0.5, train=False, seed=2) + " with x a (4, 6) array of normal samples"
        out, mask = sub.dropout_forward(x, 0.5, train=False, seed=2)
        assert_close(out, x, f"out of {what}", rtol=0.0)
        assert_close(mask, np.ones_like(x), f"mask of {what}", rtol=0.0)


def numerical_gradient(f, x, h=1e-5):
    """Centred differences of a scalar function f at x (float64)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = f(x)
        x[index] = saved - h
        minus = f(x)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.graded("dropout_backward")
class TestDropoutBackward:
    @pytest.mark.points(1)
    @pytest.mark.hint("dx = dout * mask: dropped units get no gradient, kept units get it scaled by 1/(1-p).")
    def test_uses_mask(self, sub):
        """dx = dout * mask for a given mask"""
        dout = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
        mask = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])
        assert_close(sub.dropout_backward(dout, mask), [[2.0, 0.0, 6.0], [0.0, 8.0, -2.0]],
                     call("dropout_backward", dout, mask), rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("out = x * mask, so d(out)/dx = mask elementwise: dx = dout * mask, with the mask "
                      "returned by your dropout_forward.")
    def test_gradient_check(self, sub):
        """matches a numerical gradient of your dropout_forward (float64)"""
        rng = np.random.default_rng(9)
        x, dout, p = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), 0.3
        _, mask = sub.dropout_forward(x, p, seed=4)
        dx = sub.dropout_backward(dout, mask)
        expected = numerical_gradient(lambda v: float(np.sum(sub.dropout_forward(v, p, seed=4)[0] * dout)),
                                      x.copy())
        assert_close(dx, expected, f"dropout_backward(dout, mask), with mask from dropout_forward(x, {p}, seed=4) "
                     f"and x, dout (5, 4) arrays, compared with the numerical gradient of "
                     f"sum(dropout_forward(x, {p}, seed=4)[0] * dout)", rtol=1e-7, atol=1e-9)


# --------------------------------------------------------------------------- augmentation

DIGIT = np.arange(1, 65, dtype=np.int64).reshape(8, 8)        # no zero pixel: any wrap-around shows
DIGIT_TEXT = "img = np.arange(1, 65).reshape(8, 8)"


@pytest.mark.graded("random_shift")
class TestRandomShift:
    @pytest.mark.points(1)
    @pytest.mark.hint("With max_shift = 0, dy = dx = 0: return an unchanged copy of img (same shape, same dtype).")
    def test_no_shift(self, sub):
        """max_shift = 0 gives the image back, same shape and dtype, input untouched"""
        img = DIGIT.copy()
        what = spelled("random_shift", "img", 0, "rng") + f" with {DIGIT_TEXT}"
        out = sub.random_shift(img, 0, np.random.default_rng(0))
        assert_shape(out, img.shape, what)
        if np.asarray(out).dtype != img.dtype:
            raise Mismatch(what, "should keep the dtype of img", expected=str(img.dtype),
                           received=str(np.asarray(out).dtype))
        assert_equal(out, DIGIT, what)
        assert_equal(img, DIGIT, "img after random_shift (it must not be changed)")

    @pytest.mark.points(1)
    @pytest.mark.hint("Pixels shifted in from outside are 0: build np.zeros_like(img) and copy the "
                      "overlapping part; np.roll wraps pixels around to the other side.")
    def test_zero_filled_shift(self, sub):
        """each result is img shifted by at most max_shift with zeros shifted in (no wrap-around)"""
        rng = np.random.default_rng(1)
        for trial in range(30):
            out = sub.random_shift(DIGIT.copy(), 2, rng)
            what = f"{spelled('random_shift', 'img', 2, 'rng')} (call {trial + 1}) with {DIGIT_TEXT}"
            out = assert_shape(out, DIGIT.shape, what)
            if out.dtype != DIGIT.dtype:
                raise Mismatch(what, "should keep the dtype of img", expected=str(DIGIT.dtype), received=str(out.dtype))
            if shift_of(out, DIGIT, 2) is None:
                raise Mismatch(what, "is not img shifted by (dy, dx) with |dy|, |dx| <= 2 and zeros shifted in "
                               "(img holds 1..64, so wrapped-around pixels show up as non-zero borders)",
                               received=out)

    @pytest.mark.points(1)
    @pytest.mark.hint("dy, dx = rng.integers(-max_shift, max_shift + 1, size=2): both ends included, "
                      "dy and dx drawn separately, from the rng you are given.")
    def test_shift_range(self, sub):
        """over 300 calls, every (dy, dx) with |dy|, |dx| <= 2 occurs"""
        rng = np.random.default_rng(2)
        seen = set()
        for _ in range(300):
            shift = shift_of(np.asarray(sub.random_shift(DIGIT.copy(), 2, rng)), DIGIT, 2)
            if shift is not None:
                seen.add(shift)
        missing = sorted({(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)} - seen)
        if missing:
            raise Mismatch(spelled("random_shift", "img", 2, "rng") + f" called 300 times with {DIGIT_TEXT}",
                           f"never shifted by {len(missing)} of the 25 possible (dy, dx)",
                           expected="all of -2..2 for dy and dx", received=f"missing {missing[:6]}"
                           + (" ..." if len(missing) > 6 else ""))


@pytest.mark.graded("horizontal_flip")
class TestHorizontalFlip:
    @pytest.mark.points(1)
    @pytest.mark.hint("Reverse the columns (left <-> right): img[:, ::-1]. Reversing the rows is a vertical flip.")
    def test_flip(self, sub):
        """left and right swap, on a (2, 3) and an (8, 8) image"""
        img = np.array([[1, 2, 3], [4, 5, 6]])
        assert_equal(sub.horizontal_flip(img), [[3, 2, 1], [6, 5, 4]], call("horizontal_flip", img))
        assert_equal(sub.horizontal_flip(DIGIT), DIGIT[:, ::-1], f"horizontal_flip(img) with {DIGIT_TEXT}")


AUGMENT_TEXT = " with X four small (6, 6) uint8 test images"


def small_digits():
    """Four tiny 'digits' (uint8, background 0) whose shifts are all different from each other."""
    X = np.zeros((4, 6, 6), dtype=np.uint8)
    X[0, 1:5, 2] = 16                       # a bar
    X[1, 2, 1:5] = 9                        # a dash
    X[2, 1:4, 1:4] = np.arange(1, 10).reshape(3, 3)
    X[3, 2:5, 3:5] = 12
    return X, np.array([1, 7, 3, 5])


@pytest.mark.graded("augment")
class TestAugment:
    @pytest.mark.points(1)
    @pytest.mark.hint("Return n * (copies + 1) images of the same (h, w) and dtype as X, and as many labels.")
    def test_shapes_and_dtype(self, sub):
        """shapes (n * (copies + 1), h, w) and (n * (copies + 1),); dtypes kept"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 2, 0) + AUGMENT_TEXT
        X_aug, y_aug = sub.augment(X, y, 2, 0)
        X_aug = assert_shape(X_aug, (12, 6, 6), f"X_aug of {what}")
        y_aug = assert_shape(y_aug, (12,), f"y_aug of {what}")
        for name, got, want in [("X_aug", X_aug, X), ("y_aug", y_aug, y)]:
            if got.dtype != want.dtype:
                raise Mismatch(f"{name} of {what}", "should keep the dtype of the input",
                               expected=str(want.dtype), received=str(got.dtype))
        Xf = X.astype(float) / 16
        Xf_aug, _ = sub.augment(Xf, y, 1, 0)
        if np.asarray(Xf_aug).dtype != Xf.dtype:
            raise Mismatch(f"X_aug of {spelled('augment', 'X / 16', y, 1, 0)}{AUGMENT_TEXT}",
                           "should keep the dtype of X",
                           expected=str(Xf.dtype), received=str(np.asarray(Xf_aug).dtype))

    @pytest.mark.points(1)
    @pytest.mark.hint("Put the n original images (and labels) first, unchanged, then the copies.")
    def test_originals_first(self, sub):
        """the first n images and labels are the originals"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 2, 0) + AUGMENT_TEXT
        X_aug, y_aug = sub.augment(X, y, 2, 0)
        assert_equal(np.asarray(X_aug)[:4], X, f"X_aug[:4] of {what}")
        assert_equal(np.asarray(y_aug)[:4], y, f"y_aug[:4] of {what}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Copy c holds random_shift(X[i], 1, rng) for i = 0..n-1 in order, so X_aug[k] comes "
                      "from X[k % n] and y_aug[k] = y[k % n] (np.concatenate, not np.repeat). No flips.")
    def test_labels_follow_images(self, sub):
        """X_aug[k] is X[k % n] shifted by at most 1 pixel, and y_aug[k] = y[k % n]"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 3, 5) + AUGMENT_TEXT
        X_aug, y_aug = sub.augment(X, y, 3, 5)
        X_aug = assert_shape(X_aug, (16, 6, 6), f"X_aug of {what}")
        assert_equal(y_aug, np.tile(y, 4), f"y_aug of {what}")
        for k in range(16):
            if shift_of(X_aug[k], X[k % 4], 1) is None:
                raise Mismatch(f"X_aug[{k}] of {what}", f"is not X[{k % 4}] shifted by at most 1 pixel "
                               f"with zeros shifted in", expected=X[k % 4], received=X_aug[k])

    @pytest.mark.points(1)
    @pytest.mark.hint("Make rng = np.random.default_rng(seed) once, before the copies, so that each copy "
                      "gets new shifts; keep the pixel values (no rescaling).")
    def test_copies_differ_and_range(self, sub):
        """pixel range kept, and the copies are not all the same"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 3, 1) + AUGMENT_TEXT
        X_aug, _ = sub.augment(X, y, 3, 1)
        X_aug = assert_shape(X_aug, (16, 6, 6), f"X_aug of {what}")
        if X_aug.min() < X.min() or X_aug.max() > X.max():
            raise Mismatch(f"X_aug of {what}", "pixel values left the range of X",
                           expected=f"between {X.min()} and {X.max()}",
                           received=f"between {X_aug.min()} and {X_aug.max()}")
        if all(np.array_equal(X_aug[4:8], X_aug[4 * c:4 * c + 4]) for c in (2, 3)):
            raise Mismatch(f"X_aug of {what}", "all three copies are identical: each copy should get new "
                           "random shifts from one rng")


# --------------------------------------------------------------------------- ensembles


@pytest.mark.graded("majority_vote")
class TestMajorityVote:
    @pytest.mark.points(1)
    @pytest.mark.hint("Count the votes per sample (per column): predictions has one row per model.")
    def test_clear_majority(self, sub):
        """the most frequent label per sample (column)"""
        predictions = np.array([[0, 2, 1, 4, 2],
                                [0, 2, 1, 4, 0],
                                [1, 0, 1, 4, 2]])
        got = sub.majority_vote(predictions)
        assert_integer(got, call("majority_vote", predictions))
        assert_equal(got, [0, 2, 1, 4, 2], call("majority_vote", predictions))
        predictions = np.array([[0], [2], [2]])
        assert_equal(sub.majority_vote(predictions), [2], call("majority_vote", predictions))

    @pytest.mark.points(1)
    @pytest.mark.hint("On a tie pick the smallest label, whatever the order of the models: "
                      "np.bincount(column).argmax() does that.")
    def test_ties(self, sub):
        """ties go to the smallest label"""
        predictions = np.array([[3, 2, 5, 0],
                                [1, 0, 5, 0],
                                [1, 2, 2, 1],
                                [3, 0, 2, 1]])
        got = sub.majority_vote(predictions)
        assert_integer(got, call("majority_vote", predictions))
        assert_equal(got, [1, 0, 2, 0], call("majority_vote", predictions))


@pytest.mark.graded("soft_vote")
class TestSoftVote:
    @pytest.mark.points(1)
    @pytest.mark.hint("Average the probabilities over the models (axis 0) first, then take the argmax "
                      "over the classes; don't vote with each model's hard prediction.")
    def test_mean_then_argmax(self, sub):
        """argmax of the mean probabilities, which can differ from the hard vote"""
        probabilities = np.array([[[0.9, 0.1], [0.95, 0.05], [0.55, 0.45]],
                                  [[0.4, 0.6], [0.2, 0.8], [0.55, 0.45]],
                                  [[0.45, 0.55], [0.2, 0.8], [0.1, 0.9]]])
        got = sub.soft_vote(probabilities)
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, [0, 1, 1], call("soft_vote", probabilities))

    @pytest.mark.points(1)
    @pytest.mark.hint("probabilities has shape (n_models, n_samples, n_classes): mean(axis=0), then "
                      "argmax(axis=1) gives n_samples integers.")
    def test_shape(self, sub):
        """(2 models, 4 samples, 3 classes) gives 4 integer labels"""
        probabilities = np.array([[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]],
                                  [[0.1, 0.3, 0.6], [0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.2, 0.7, 0.1]]])
        got = sub.soft_vote(probabilities)
        assert_shape(got, (4,), call("soft_vote", probabilities))
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, [2, 2, 0, 1], call("soft_vote", probabilities))
