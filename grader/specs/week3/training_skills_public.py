"""Public checks of 04_training_skills: fixed inputs, hard-coded expectations."""
import contextlib
import traceback

import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, call, show

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


def shifted(img, dy, dx):
    """The notebook's rule: out[i, j] = img[i - dy, j - dx] where that pixel exists, else 0."""
    h, w = img.shape
    i, j = np.indices((h, w))
    inside = (0 <= i - dy) & (i - dy < h) & (0 <= j - dx) & (j - dx < w)
    return np.where(inside, img[(i - dy) % h, (j - dx) % w], 0).astype(img.dtype)


def shift_of(out, img, max_shift):
    """The (dy, dx) with |dy|, |dx| <= max_shift for which out is img shifted with zero fill, or None."""
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            if np.array_equal(out, shifted(img, dy, dx)):
                return dy, dx
    return None


# --------------------------------------------------------------------------- batches


@pytest.mark.graded("iterations_per_epoch")
class TestIterationsPerEpoch:
    @pytest.mark.points(1)
    @pytest.mark.hint("When batch_size divides n_samples exactly, the answer is n_samples // batch_size.")
    def test_exact_division(self, sub):
        """batch_size divides n_samples: 1000 / 100 take 10 iterations, 60000 / 32 take 1875, 7 / 7 take 1"""
        for n, b, want in [(1000, 100, 10), (60000, 32, 1875), (7, 7, 1)]:
            got = sub.iterations_per_epoch(n, b)
            assert_integer(got, call("iterations_per_epoch", n, b))
            assert_equal(got, want, call("iterations_per_epoch", n, b))

    @pytest.mark.points(1)
    @pytest.mark.hint("A smaller last batch still counts as an iteration: round n / batch_size up (ceiling), "
                      "not down and not to the nearest integer, and return an int.")
    def test_partial_last_batch(self, sub):
        """a smaller last batch counts: 1001 / 100 take 11, 10 / 3 take 4, 5 / 10 take 1, 1099 / 100 take 11"""
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
        """one pass over 10 samples in batches of 3 (seed=0) yields every sample exactly once"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 3, seed=0)
        seen = np.sort(order_of(batches))
        assert_equal(seen, np.arange(TOY_N), f"the sorted labels of all batches of {what}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Cut the order into consecutive pieces of batch_size from the start; the last piece may "
                      "be smaller and is kept, not dropped.")
    def test_batch_sizes(self, sub):
        """10 samples (2 features) in batches of 3 (seed=0) give batches of sizes 3, 3, 3, 1"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 3, seed=0)
        sizes = [len(yb) for _, yb in batches]
        assert_equal(sizes, [3, 3, 3, 1], f"the batch sizes of {what}")
        for k, (Xb, yb) in enumerate(batches):
            assert_shape(Xb, (sizes[k], 2), f"Xb of batch {k} of {what}")
            assert_shape(yb, (sizes[k],), f"yb of batch {k} of {what}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Index X and y with the same indices: X[index], y[index].")
    def test_pairs_stay_together(self, sub):
        """each Xb row comes with its own label in yb (10 samples in batches of 4, seed=3)"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, seed=3)
        for k, (Xb, yb) in enumerate(batches):
            assert_equal(Xb[:, 0], yb, f"batch {k} of {what}: the labels of the rows of Xb "
                                       f"(row i of X has label i)")

    @pytest.mark.points(1)
    @pytest.mark.hint("Make the order with np.random.default_rng(seed).permutation(n), with seed=None as the "
                      "default: the same seed gives the same batches, another seed or no seed a new order.")
    def test_seed(self, sub):
        """20 samples in batches of 6: seed=5 twice gives the same order, seed=6 another, no seed a new one each pass"""
        X, y = np.arange(40).reshape(20, 2), np.arange(20)
        first, what = batches_of(sub, X, y, 6, seed=5)
        assert_equal(np.sort(order_of(first)), np.arange(20), f"the sorted labels of all batches of {what}")
        again, _ = batches_of(sub, X, y, 6, seed=5)
        other, what_other = batches_of(sub, X, y, 6, seed=6)
        assert_equal(order_of(again), order_of(first), f"the order of a second call of {what}")
        if np.array_equal(order_of(other), order_of(first)):
            raise Mismatch(what_other, "gave the same order as seed=5: is the seed used?",
                           received=order_of(other))
        unseeded, what_unseeded = batches_of(sub, X, y, 6)
        unseeded_again, _ = batches_of(sub, X, y, 6)
        if np.array_equal(order_of(unseeded), order_of(unseeded_again)):
            raise Mismatch(f"two passes of {what_unseeded}", "came in the same order: without a seed "
                           "(seed=None, the default) every pass should be shuffled anew",
                           received=order_of(unseeded))

    @pytest.mark.points(1)
    @pytest.mark.hint("shuffle=True: order = np.random.default_rng(seed).permutation(n); "
                      "shuffle=False: order = np.arange(n).")
    def test_shuffle_flag(self, sub):
        """10 samples, batches of 4: shuffle=False keeps the order; shuffle=True, seed=0 follows default_rng(0).permutation(10)"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, shuffle=False)
        assert_equal(order_of(batches), np.arange(TOY_N), f"the labels of all batches of {what}, in order")
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, shuffle=True, seed=0)
        assert_equal(order_of(batches), [4, 6, 2, 7, 3, 5, 9, 0, 8, 1], f"the labels of all batches of {what}")


# --------------------------------------------------------------------------- activations


@pytest.mark.graded("leaky_relu")
class TestLeakyRelu:
    @pytest.mark.points(1)
    @pytest.mark.hint("Positive z passes unchanged; z <= 0 is multiplied by alpha, which is 0.01 when the caller "
                      "does not give it.")
    def test_default_alpha(self, sub):
        """the default alpha = 0.01, on z = [-2, -0.5, 0, 0.5, 3]"""
        z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
        assert_close(sub.leaky_relu(z), [-0.02, -0.005, 0.0, 0.5, 3.0], call("leaky_relu", z), rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("Use the alpha argument (not a fixed 0.01), only on the negative side, on whole arrays "
                      "of any shape, and return floats also for integer z (alpha * z must not be cut to an integer).")
    def test_alpha_and_shape(self, sub):
        """alpha = 0.2 on a (2, 3) float array and on the integer array [-5, 0, 3]: floats of the same shape back"""
        z = np.array([[-5.0, 1.0, -1.0], [2.0, -0.1, 0.0]])
        assert_close(sub.leaky_relu(z, alpha=0.2), [[-1.0, 1.0, -0.2], [2.0, -0.02, 0.0]],
                     call("leaky_relu", z, alpha=0.2), rtol=1e-12)
        z = np.array([-5, 0, 3])
        what = call("leaky_relu", z, alpha=0.2) + " with an integer array"
        got = sub.leaky_relu(z, alpha=0.2)
        assert_close(got, [-1.0, 0.0, 3.0], what, rtol=1e-12)
        if np.asarray(got).dtype.kind != "f":
            raise Mismatch(what, "should return floats (the notebook asks for a float array)",
                           expected="a float array", received=got)


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
        """if it never triggers, the last epoch index (three curves, patience 1, 3 and 2, one a single epoch)"""
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
        """compares with the best so far; an equal loss is not an improvement (three curves, patience 2, 2, 3)"""
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
        """validation loss back up more than 10 % from its minimum: overfitting (three curves, one also underfitting)"""
        cases = [([2.0, 1.0, 0.5, 0.2], [2.1, 1.2, 0.9, 1.3]),
                 ([2.0, 1.9, 1.8, 1.7], [2.0, 1.0, 1.2, 1.3]),        # rule 1 wins over rule 2
                 ([1.0, 0.1, 0.05, 0.01], [1.0, 0.3, 0.333, 0.34])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "overfitting", call("fit_diagnosis", train, val))

    @pytest.mark.points(1)
    @pytest.mark.hint('Rule 2: "underfitting" when train_losses[-1] > 0.5 * train_losses[0] '
                      '(and rule 1 did not apply).')
    def test_underfitting(self, sub):
        """training loss not even halved (and validation not rising): underfitting (three pairs of curves)"""
        cases = [([2.0, 1.8, 1.5, 1.2], [2.1, 1.9, 1.6, 1.3]),
                 ([1.0, 0.7, 0.6, 0.55], [1.0, 0.6, 0.62, 0.64]),
                 ([0.2, 0.15, 0.12, 0.11], [0.1, 0.09, 0.095, 0.098])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "underfitting", call("fit_diagnosis", train, val))

    @pytest.mark.points(1)
    @pytest.mark.hint('Rule 3: "good" when neither rule 1 nor rule 2 applies; compare with the minimum of '
                      'the validation losses, not their first value.')
    def test_good(self, sub):
        """training loss more than halved, validation within 10 % of its best: good (four curves, one as arrays)"""
        cases = [([2.0, 1.0, 0.5, 0.3], [2.1, 1.1, 0.6, 0.5]),
                 ([1.0, 0.4, 0.3, 0.2], [1.0, 0.5, 0.45, 0.48]),
                 ([3.0, 0.5, 0.2, 0.1], [3.0, 0.9, 0.8, 0.85])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val))
        train, val = np.array([2.0, 1.0, 0.5]), np.array([2.0, 1.2, 1.0])
        assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val) + " with arrays")

    @pytest.mark.points(1)
    @pytest.mark.hint("Both rules compare with a strict >: a last loss exactly on a threshold does not trigger "
                      "the rule.")
    def test_exactly_on_the_thresholds(self, sub):
        """exactly on a threshold (val[-1] == 1.1 * min(val) or train[-1] == 0.5 * train[0]): no rule applies"""
        # values for which 1.1 * m, the ratio and the difference to the minimum all sit exactly on the threshold
        cases = [([2.0, 1.5, 1.0], [3.0, 2.5, 2.75]),      # both exactly on their threshold
                 ([4.0, 2.0, 1.0], [6.0, 5.0, 5.5]),       # validation exactly 10 % above its minimum
                 ([2.0, 1.2, 1.0], [1.0, 0.5, 0.5])]       # training loss exactly halved
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val))


# --------------------------------------------------------------------------- dropout


@pytest.mark.graded("dropout_forward")
class TestDropoutForward:
    @pytest.mark.points(1)
    @pytest.mark.hint("p is the probability to DROP, not to keep: about a fraction p of the outputs are 0.")
    def test_drop_fraction(self, sub):
        """drops about a fraction p of the units of np.ones((400, 500)) (p = 0.3 and p = 0.7, seed=0)"""
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
        """inverted: the mean of out stays 1 for np.ones((400, 500)) (p = 0.5 and p = 0.8, seed=1)"""
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
        """x a (6, 5) normal array, p = 0.4, seed=3: out = x * mask, mask is 0 or 1/(1-p), and the seed fixes it"""
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
        """train=False (x a (4, 6) normal array, p = 0.5): out is x and mask is all ones"""
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


def forward_mask(sub, x, p, seed):
    """The mask of the student's dropout_forward(x, p, seed=seed), which a dropout_backward check relies
    on; a failure of dropout_forward is reported as such, not as a dropout_backward mistake."""
    what = f"dropout_forward(x, {p}, seed={seed}), which this dropout_backward check uses"
    try:
        first, again = sub.dropout_forward(x.copy(), p, seed=seed), sub.dropout_forward(x.copy(), p, seed=seed)
    except NotImplementedError:
        raise Mismatch(what, "is not implemented yet: finish dropout_forward first") from None
    for result in (first, again):
        if not isinstance(result, tuple) or len(result) != 2:
            raise Mismatch(what, "should return a pair (out, mask): fix dropout_forward first", received=result)
    masks = [assert_shape(result[1], x.shape, f"mask of {what}") for result in (first, again)]
    if not np.array_equal(masks[0], masks[1]):
        raise Mismatch(what, "gave two different masks for the same seed: fix dropout_forward first")
    return masks[0]


@pytest.mark.graded("dropout_backward")
class TestDropoutBackward:
    @pytest.mark.points(1)
    @pytest.mark.hint("Each unit's gradient goes through the same mask value as its forward value: dropped units "
                      "get no gradient, kept units get it scaled by 1/(1-p).")
    def test_uses_mask(self, sub):
        """a (2, 3) dout and a given mask of 0 and 2: dropped units get no gradient, kept ones twice theirs"""
        dout = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
        mask = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])
        assert_close(sub.dropout_backward(dout, mask), [[2.0, 0.0, 6.0], [0.0, 8.0, -2.0]],
                     call("dropout_backward", dout, mask), rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("out = x * mask, so d(out)/dx = mask elementwise, with the mask returned by your "
                      "dropout_forward (which this check calls, as the notebook says).")
    def test_gradient_check(self, sub):
        """x, dout (5, 4) arrays, p = 0.3, seed=4: matches a numerical gradient of your dropout_forward (float64)"""
        rng = np.random.default_rng(9)
        x, dout, p = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), 0.3
        mask = forward_mask(sub, x, p, seed=4)
        dx = sub.dropout_backward(dout, mask)
        expected = numerical_gradient(lambda v: float(np.sum(sub.dropout_forward(v, p, seed=4)[0] * dout)),
                                      x.copy())
        assert_close(dx, expected, f"dropout_backward(dout, mask), with mask from dropout_forward(x, {p}, seed=4) "
                     f"and x, dout (5, 4) arrays, compared with the numerical gradient of "
                     f"sum(dropout_forward(x, {p}, seed=4)[0] * dout)", rtol=1e-7, atol=1e-9)


# --------------------------------------------------------------------------- augmentation

DIGIT = np.arange(1, 65, dtype=np.int64).reshape(8, 8)        # no zero pixel: any wrap-around shows
DIGIT_TEXT = "img = np.arange(1, 65).reshape(8, 8)"
SMALL = np.arange(1, 13).reshape(3, 4)                           # [[1 2 3 4] [5 6 7 8] [9 10 11 12]]
SMALL_TEXT = "img = np.arange(1, 13).reshape(3, 4)"
# seed of np.random.default_rng -> (dy, dx) its rng.integers(-1, 2, size=2) draws, and SMALL moved by them
SMALL_SHIFTED = {
    0: ((1, 0), [[0, 0, 0, 0], [1, 2, 3, 4], [5, 6, 7, 8]]),
    9: ((0, 1), [[0, 1, 2, 3], [0, 5, 6, 7], [0, 9, 10, 11]]),
    11: ((-1, -1), [[6, 7, 8, 0], [10, 11, 12, 0], [0, 0, 0, 0]]),
    14: ((-1, 1), [[0, 5, 6, 7], [0, 9, 10, 11], [0, 0, 0, 0]]),
    2: ((1, -1), [[0, 0, 0, 0], [2, 3, 4, 0], [6, 7, 8, 0]]),
}


def assert_shifted(out, expected, what, shift):
    """``out`` is the image ``expected`` (shape and dtype first); the message shows both whole."""
    expected = np.asarray(expected)
    out = assert_shape(out, expected.shape, what)
    if out.dtype != expected.dtype:
        raise Mismatch(what, "should keep the dtype of img", expected=str(expected.dtype), received=str(out.dtype))
    if not np.array_equal(out, expected):
        dy, dx = shift
        if shift == (0, 0):
            problem = "with (dy, dx) = (0, 0) nothing moves: the image should come back unchanged"
        else:
            moves = [f"{abs(dy)} {'down' if dy > 0 else 'up'}"] if dy else []
            moves += [f"{abs(dx)} {'right' if dx > 0 else 'left'}"] if dx else []
            problem = (f"the rng draws (dy, dx) = ({dy}, {dx}), so img should move {' and '.join(moves)}, "
                       f"with zeros shifted in")
        raise Mismatch(what, problem, expected=expected, received=out)


@pytest.mark.graded("random_shift")
class TestRandomShift:
    @pytest.mark.points(1)
    @pytest.mark.hint("out[i, j] = img[i - dy, j - dx]: a positive dy moves the picture down, a positive dx "
                      "right; pixels that would come from outside img are 0 (nothing wraps around as with "
                      "np.roll). dy and dx are the two numbers drawn from the rng you are given, in that order.")
    def test_moves_as_drawn(self, sub):
        """img = np.arange(1, 13).reshape(3, 4), max_shift = 1, rng = default_rng(0, 9, 11, 14, 2): moved as drawn"""
        for seed, (shift, expected) in SMALL_SHIFTED.items():
            what = f"{spelled('random_shift', 'img', 1, 'rng')} with {SMALL_TEXT} and rng = np.random.default_rng({seed})"
            assert_shifted(sub.random_shift(SMALL.copy(), 1, np.random.default_rng(seed)), expected, what, shift)

    @pytest.mark.points(1)
    @pytest.mark.hint("The result is a new array with the shape and dtype of img: write the shifted pixels into "
                      "it, never into img itself. With max_shift = 0 nothing moves.")
    def test_dtype_kept_and_img_untouched(self, sub):
        """uint8 and float32 img (3, 4), max_shift = 1 (default_rng(2)) and 0 (default_rng(0)): dtype kept, img untouched"""
        shift, moved = SMALL_SHIFTED[2]
        for dtype, scale in [(np.uint8, 1), (np.float32, 0.5)]:
            img = (SMALL * scale).astype(dtype)
            name = (f"(np.arange(1, 13).reshape(3, 4) * {scale})" if scale != 1 else "np.arange(1, 13).reshape(3, 4)") \
                + f".astype(np.{dtype.__name__})"
            for max_shift, seed, expected, drawn in [(1, 2, (np.asarray(moved) * scale).astype(dtype), shift),
                                                     (0, 0, img.copy(), (0, 0))]:
                before = img.copy()
                what = f"{spelled('random_shift', 'img', max_shift, 'rng')} with img = {name} " \
                       f"and rng = np.random.default_rng({seed})"
                out = sub.random_shift(img, max_shift, np.random.default_rng(seed))
                assert_shifted(out, expected, what, drawn)
                assert_equal(img, before, f"img after {what} (it must not be changed)")

    @pytest.mark.points(1)
    @pytest.mark.hint("dy, dx = rng.integers(-max_shift, max_shift + 1, size=2): both ends included, "
                      "dy and dx drawn separately, from the rng you are given.")
    def test_shift_range(self, sub):
        """img = np.arange(1, 65).reshape(8, 8), max_shift = 2, rng = default_rng(2): every (dy, dx) within 300 calls"""
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
    @pytest.mark.hint("Left-right means the columns swap: out[i, j] = img[i, w - 1 - j]. Reversing the rows is a "
                      "vertical flip. Keep the dtype of img.")
    def test_flip(self, sub):
        """left and right swap, on [[1, 2, 3], [4, 5, 6]] and np.arange(1, 13).reshape(3, 4) as uint8"""
        img = np.array([[1, 2, 3], [4, 5, 6]])
        assert_equal(sub.horizontal_flip(img), [[3, 2, 1], [6, 5, 4]], call("horizontal_flip", img))
        img = SMALL.astype(np.uint8)
        what = "horizontal_flip(img) with img = np.arange(1, 13).reshape(3, 4).astype(np.uint8)"
        out = sub.horizontal_flip(img)
        assert_equal(out, [[4, 3, 2, 1], [8, 7, 6, 5], [12, 11, 10, 9]], what)
        if np.asarray(out).dtype != img.dtype:
            raise Mismatch(what, "should keep the dtype of img", expected=str(img.dtype),
                           received=str(np.asarray(out).dtype))


AUGMENT_TEXT = " with X four small (6, 6) uint8 test images"


def small_digits():
    """Four tiny 'digits' (uint8, background 0) whose shifts are all different from each other."""
    X = np.zeros((4, 6, 6), dtype=np.uint8)
    X[0, 1:5, 2] = 16                       # a bar
    X[1, 2, 1:5] = 9                        # a dash
    X[2, 1:4, 1:4] = np.arange(1, 10).reshape(3, 3)
    X[3, 2:5, 3:5] = 12
    return X, np.array([1, 7, 3, 5])


def random_shift_problem(sub):
    """What is wrong with the student's random_shift on one stated case, or None."""
    shift, expected = SMALL_SHIFTED[0]
    try:
        out = sub.random_shift(SMALL.astype(np.uint8), 1, np.random.default_rng(0))
        assert_shifted(out, np.asarray(expected, dtype=np.uint8), "random_shift", shift)
    except NotImplementedError:
        return "is not implemented yet"
    except Mismatch as mismatch:
        return f"does not give the right image yet ({mismatch.problem})"
    return None


def raised_in(error, name):
    """Whether ``error`` came out of the student's function ``name`` (here or in the sandbox)."""
    where = getattr(error, "where", "") or ""          # the sandbox names the student's frame
    frames = traceback.extract_tb(error.__traceback__)
    return f"in {name}," in where or any(frame.name == name for frame in frames)


@contextlib.contextmanager
def using_random_shift(sub, what):
    """For a check of augment, which the notebook builds on random_shift: when the check fails and the
    student's random_shift is wrong, say that random_shift is the function to fix."""
    try:
        yield
    except (Mismatch, NotImplementedError) as error:
        if isinstance(error, NotImplementedError) and not raised_in(error, "random_shift"):
            raise                   # augment itself is not written yet
        problem = random_shift_problem(sub)
        if problem is None:
            raise
        raise Mismatch(what, f"augment uses your random_shift, which {problem}: fix random_shift first "
                       f"(see its checks)") from None


@pytest.mark.graded("augment")
class TestAugment:
    @pytest.mark.points(1)
    @pytest.mark.hint("Return n * (copies + 1) images of the same (h, w) and dtype as X, and as many labels.")
    def test_shapes_and_dtype(self, sub):
        """X four (6, 6) uint8 images, copies = 2, seed 0, and X / 16 (float64), copies = 1: shapes and dtypes"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 2, 0) + AUGMENT_TEXT
        with using_random_shift(sub, what):
            self.shapes_and_dtype(sub, X, y, what)

    @staticmethod
    def shapes_and_dtype(sub, X, y, what):
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
        """X four (6, 6) uint8 images, copies = 2, seed 0: the first n images and labels are the originals"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 2, 0) + AUGMENT_TEXT
        X_aug, y_aug = sub.augment(X, y, 2, 0)
        assert_equal(np.asarray(X_aug)[:4], X, f"X_aug[:4] of {what}")
        assert_equal(np.asarray(y_aug)[:4], y, f"y_aug[:4] of {what}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Copy c holds random_shift(X[i], 1, rng) for i = 0..n-1 in order, so X_aug[k] comes "
                      "from X[k % n] and y_aug[k] = y[k % n]: the labels repeat as a whole block per copy, "
                      "like the images, not label by label. No flips.")
    def test_labels_follow_images(self, sub):
        """X four (6, 6) uint8 images, copies = 3, seed 5: X_aug[k] is X[k % n] shifted by <= 1, y_aug[k] = y[k % n]"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 3, 5) + AUGMENT_TEXT
        with using_random_shift(sub, what):
            self.labels_follow_images(sub, X, y, what)

    @staticmethod
    def labels_follow_images(sub, X, y, what):
        X_aug, y_aug = sub.augment(X, y, 3, 5)
        X_aug = assert_shape(X_aug, (16, 6, 6), f"X_aug of {what}")
        assert_equal(y_aug, [1, 7, 3, 5] * 4, f"y_aug of {what}")
        for k in range(16):
            if shift_of(X_aug[k], X[k % 4], 1) is None:
                raise Mismatch(f"X_aug[{k}] of {what}", f"is not X[{k % 4}] shifted by at most 1 pixel "
                               f"with zeros shifted in", expected=X[k % 4], received=X_aug[k])

    @pytest.mark.points(1)
    @pytest.mark.hint("Make rng = np.random.default_rng(seed) once, before the copies, so that each copy "
                      "gets new shifts; keep the pixel values (no rescaling).")
    def test_copies_differ_and_range(self, sub):
        """X four (6, 6) uint8 images, copies = 3, seed 1: pixel range kept, and the copies are not all the same"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 3, 1) + AUGMENT_TEXT
        with using_random_shift(sub, what):
            self.copies_differ_and_range(sub, X, y, what)

    @staticmethod
    def copies_differ_and_range(sub, X, y, what):
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
        """the most frequent label per sample (column), for 3 models x 5 samples and 3 models x 1 sample"""
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
        """ties go to the smallest label (4 models x 4 samples, three of them ties)"""
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
        """3 models x 3 samples x 2 classes: argmax of the mean probabilities, which can differ from the hard vote"""
        probabilities = np.array([[[0.9, 0.1], [0.95, 0.05], [0.55, 0.45]],
                                  [[0.4, 0.6], [0.2, 0.8], [0.55, 0.45]],
                                  [[0.45, 0.55], [0.2, 0.8], [0.1, 0.9]]])
        got = sub.soft_vote(probabilities)
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, [0, 1, 1], call("soft_vote", probabilities))

    @pytest.mark.points(1)
    @pytest.mark.hint("probabilities has shape (n_models, n_samples, n_classes): average over the models (axis "
                      "0), then take the class of the largest mean for each sample, as an integer; on an exact tie "
                      "the smaller class wins, as np.argmax does.")
    def test_shape(self, sub):
        """two cases of 2 models x 4 samples x 3 classes: 4 integer labels; exact ties of the mean go to the smaller class"""
        probabilities = np.array([[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]],
                                  [[0.1, 0.3, 0.6], [0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.2, 0.7, 0.1]]])
        got = sub.soft_vote(probabilities)
        assert_shape(got, (4,), call("soft_vote", probabilities))
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, [2, 2, 0, 1], call("soft_vote", probabilities))
        probabilities = np.array([[[0.5, 0.25, 0.25], [0.25, 0.25, 0.5], [0.75, 0.125, 0.125], [0.25, 0.5, 0.25]],
                                  [[0.25, 0.25, 0.5], [0.25, 0.5, 0.25], [0.5, 0.25, 0.25], [0.5, 0.25, 0.25]]])
        what = call("soft_vote", probabilities) + ", whose means tie exactly for samples 0, 1 and 3"
        got = sub.soft_vote(probabilities)
        assert_integer(got, what)
        assert_equal(got, [0, 1, 0, 0], what)
