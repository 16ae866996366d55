"""Hidden checks of 04_training_skills: seeded random inputs, compared with the reference."""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, call

pytestmark = pytest.mark.hidden


@pytest.mark.graded("iterations_per_epoch")
@pytest.mark.points(1)
@pytest.mark.hint("ceil(n_samples / batch_size) as an int, also when batch_size is 1, n_samples or larger.")
def test_iterations_random(sub, ref):
    """matches the reference on random sizes, with batch_size 1, equal to n_samples, or larger"""
    rng = np.random.default_rng(401)
    cases = [(1, 1), (1, 5), (17, 17), (17, 1), (18, 17), (16, 17)]
    for _ in range(30):
        n = int(rng.integers(1, 100_000))
        cases.append((n, int(rng.integers(1, 2 * n + 1))))
    for n, b in cases:
        got = sub.iterations_per_epoch(n, b)
        assert_integer(got, call("iterations_per_epoch", n, b))
        assert_equal(got, ref.iterations_per_epoch(n, b), call("iterations_per_epoch", n, b))


@pytest.mark.graded("minibatches")
@pytest.mark.points(2)
@pytest.mark.hint("order = np.random.default_rng(seed).permutation(n) (or np.arange(n) without shuffle), cut "
                  "into consecutive pieces of batch_size; works for X with extra axes, e.g. (n, 8, 8).")
def test_minibatches_match_reference(sub, ref):
    """the same batches as the reference: X (n, d), (n, 8, 8) or (n, 4, 2), n 1-40, batch_size 1-64 (also >= n), shuffle on/off"""
    rng = np.random.default_rng(402)
    cases = [(1, (3,), 4, True), (7, (2,), 7, True), (7, (2,), 1, True), (23, (8, 8), 5, True),
             (23, (8, 8), 5, False), (40, (3,), 64, True), (31, (4, 2), 8, False)]
    for trial, (n, feature_shape, batch_size, shuffle) in enumerate(cases):
        X = rng.normal(size=(n, *feature_shape))
        y = rng.integers(0, 10, size=n)
        kwargs = dict(shuffle=shuffle, seed=trial)
        what = call("minibatches", X, y, batch_size, **kwargs)
        got = [(np.asarray(a), np.asarray(b)) for a, b in sub.minibatches(X.copy(), y.copy(), batch_size, **kwargs)]
        expected = list(ref.minibatches(X, y, batch_size, **kwargs))
        assert_equal(len(got), len(expected), f"the number of batches of {what}")
        for k, ((Xb, yb), (Xe, ye)) in enumerate(zip(got, expected)):
            assert_close(Xb, Xe, f"Xb of batch {k} of {what}", rtol=0.0)
            assert_equal(yb, ye, f"yb of batch {k} of {what}")


@pytest.mark.graded("leaky_relu")
@pytest.mark.points(1)
@pytest.mark.hint("leaky_relu must work elementwise on scalars and arrays of any shape, for any alpha in [0, 1), "
                  "and return floats even when z and alpha are integers.")
def test_leaky_relu_random(sub, ref):
    """matches the reference on random arrays (0-3 axes, alpha 0 to 0.3), on -4.0, and on integers with alpha = 0 (floats)"""
    rng = np.random.default_rng(403)
    for shape, alpha in [((), 0.01), ((7,), 0.3), ((3, 4), 0.0), ((2, 3, 5), 0.05)]:
        z = rng.normal(scale=3.0, size=shape)
        expected, what = ref.leaky_relu(z, alpha=alpha), call("leaky_relu", z, alpha=alpha)
        assert_close(sub.leaky_relu(np.copy(z), alpha=alpha), expected, what, rtol=1e-12)
    assert_close(sub.leaky_relu(-4.0), -0.04, call("leaky_relu", -4.0), rtol=1e-12)
    z = np.array([[-3, 0], [2, 5]])
    got = sub.leaky_relu(z.copy(), alpha=0)
    assert_close(got, ref.leaky_relu(z, alpha=0), call("leaky_relu", z, alpha=0), rtol=0.0)
    if np.asarray(got).dtype.kind != "f":
        raise Mismatch(call("leaky_relu", z, alpha=0), "should return floats, also for an integer z and alpha")


QUIZ_HINTS = {
    "binary_output": "One output neuron that must give a probability between 0 and 1.",
    "multiclass_output": "Ten outputs that must be probabilities summing to 1 (exactly one class is right).",
    "multilabel_output": "Each output is an independent yes/no probability; they need not sum to 1.",
    "regression_output": "The output may be any real number, negative or large: don't squash or clip it.",
    "hidden_default": "The usual default for hidden layers of deep networks: cheap, no saturation for z > 0.",
    "dying_relu_fix": "Keep a small slope for z <= 0 so that the gradient never becomes exactly 0.",
}


def normalized(answer):
    return answer.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(answer, str) else answer


def quiz_test(key, hint):
    """One hidden test per quiz question, so that feedback names the question."""
    @pytest.mark.graded("ACTIVATION_QUIZ")
    @pytest.mark.points(1)
    @pytest.mark.hint(hint)
    def test(sub, ref):
        quiz = sub.ACTIVATION_QUIZ
        if not isinstance(quiz, dict) or key not in quiz:
            raise Mismatch("ACTIVATION_QUIZ", f"has no answer for {key!r}")
        if normalized(quiz[key]) != ref.ACTIVATION_QUIZ[key]:
            raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', "is not the expected answer",
                           expected=ref.ACTIVATION_QUIZ[key], received=quiz[key])
    test.__name__ = f"test_quiz_{key}"
    test.__doc__ = f'the answer to ACTIVATION_QUIZ["{key}"]'
    return test


for _key, _hint in QUIZ_HINTS.items():
    globals()[f"test_quiz_{_key}"] = quiz_test(_key, _hint)


def random_losses(rng, n, ties=False):
    """A noisy, mostly decreasing validation curve that may turn back up."""
    steps = rng.normal(loc=-0.05, scale=0.08, size=n)
    turn = int(rng.integers(1, n + 1))
    steps[turn:] = np.abs(steps[turn:])
    losses = 2.0 + np.cumsum(steps)
    if ties:
        losses = np.round(losses, 1)          # many repeated values
    return np.maximum(losses, 0.01)


@pytest.mark.graded("early_stopping_epoch")
@pytest.mark.points(1)
@pytest.mark.hint("Strict improvement on the best loss so far resets the counter; stop at the 0-based epoch "
                  "where the counter reaches patience; a run that never stops ends at its last epoch.")
def test_early_stopping_random(sub, ref):
    """matches the reference on 40 random validation curves (given as lists) of 1 to 39 epochs, patience 1-5"""
    rng = np.random.default_rng(404)
    for _ in range(40):
        losses = random_losses(rng, int(rng.integers(1, 40))).tolist()
        patience = int(rng.integers(1, 6))
        got = sub.early_stopping_epoch(list(losses), patience)
        assert_integer(got, call("early_stopping_epoch", losses, patience))
        assert_equal(got, ref.early_stopping_epoch(losses, patience), call("early_stopping_epoch", losses, patience))


@pytest.mark.graded("early_stopping_epoch")
@pytest.mark.points(1)
@pytest.mark.hint("A loss equal to the best so far is not an improvement; the input may be a NumPy array.")
def test_early_stopping_ties(sub, ref):
    """matches the reference on 40 curves with repeated values, given as NumPy arrays, patience 1-4"""
    rng = np.random.default_rng(405)
    for _ in range(40):
        losses = random_losses(rng, int(rng.integers(2, 30)), ties=True)
        patience = int(rng.integers(1, 5))
        got = sub.early_stopping_epoch(losses.copy(), patience)
        assert_integer(got, call("early_stopping_epoch", losses, patience))
        assert_equal(got, ref.early_stopping_epoch(losses, patience), call("early_stopping_epoch", losses, patience))


def random_curves(rng, n):
    """Training and validation curves of one of the three kinds, with noise."""
    epochs = np.arange(n)
    kind = rng.integers(3)
    start = rng.uniform(0.5, 3.0)
    if kind == 0:       # underfitting: slow decay
        train = start * (1 - rng.uniform(0.1, 0.6) * epochs / n)
    else:               # fast decay
        train = start * np.exp(-epochs / rng.uniform(1.0, 5.0))
    val = train * rng.uniform(1.0, 1.3) + rng.normal(scale=0.01, size=n)
    if kind == 2:       # overfitting: validation turns back up
        turn = int(rng.integers(1, n))
        val[turn:] += rng.uniform(0.0, 0.1) * (epochs[turn:] - turn)
    return np.abs(train) + 1e-3, np.abs(val) + 1e-3


def near_thresholds():
    """Curves whose last losses lie 1 % either side of one or both thresholds."""
    cases = []
    for rise in (1.089, 1.111):
        for drop in (0.495, 0.505):
            cases.append(([2.0, 1.5, 1.2, 2.0 * drop], [2.1, 1.0, 0.9, 0.9 * rise]))
    return cases


@pytest.mark.graded("fit_diagnosis")
@pytest.mark.points(1)
@pytest.mark.hint("Check the rules in order: val[-1] > 1.1 * min(val) -> overfitting; else "
                  "train[-1] > 0.5 * train[0] -> underfitting; else good. The thresholds are exactly 10 % above "
                  "the minimum validation loss and half the first training loss.")
def test_fit_diagnosis_random(sub, ref):
    """matches the reference on 60 random learning curves (as lists) and on curves 1 % either side of both thresholds"""
    rng = np.random.default_rng(406)
    cases = [tuple(curve.tolist() for curve in random_curves(rng, int(rng.integers(2, 30)))) for _ in range(60)]
    for train, val in cases + near_thresholds():
        got = sub.fit_diagnosis(list(train), list(val))
        assert_equal(got, ref.fit_diagnosis(train, val), call("fit_diagnosis", np.array(train), np.array(val)))


@pytest.mark.graded("dropout_forward")
@pytest.mark.points(1)
@pytest.mark.hint("rng = np.random.default_rng(seed); keep = rng.random(x.shape) >= p; mask = keep / (1 - p); "
                  "out = x * mask. A unit whose draw equals p exactly is kept (>=).")
def test_dropout_matches_reference(sub, ref):
    """the same out and mask as the reference: seeds 0-4, 1 to 3 axes, p 0.2 to 0.9, and p equal to one of the draws"""
    rng = np.random.default_rng(407)
    draws = np.random.default_rng(4).random((6, 5))          # what seed=4 draws for a (6, 5) x
    on_a_draw = float(draws.flat[np.argmin(np.abs(draws - 0.5))])
    for trial, (shape, p) in enumerate([((10,), 0.5), ((4, 6), 0.2), ((3, 4, 5), 0.9), ((50, 20), 0.35),
                                        ((6, 5), on_a_draw)]):
        x = rng.normal(size=shape)
        what = call("dropout_forward", x, p, seed=trial)
        out, mask = sub.dropout_forward(x.copy(), p, seed=trial)
        out_ref, mask_ref = ref.dropout_forward(x, p, seed=trial)
        assert_close(mask, mask_ref, f"mask of {what}", rtol=1e-12)
        assert_close(out, out_ref, f"out of {what}", rtol=1e-12)


@pytest.mark.graded("dropout_forward")
@pytest.mark.points(1)
@pytest.mark.hint("p = 0 drops nothing and scales by 1; train=False returns x and ones for any shape; without a "
                  "seed (seed=None, the default) every call draws a new mask.")
def test_dropout_edge_cases(sub):
    """x (3, 4, 5): p = 0 changes nothing; train=False gives x and ones; no seed (p = 0.5) a new mask each call"""
    x = np.random.default_rng(408).normal(size=(3, 4, 5))
    out, mask = sub.dropout_forward(x.copy(), 0.0, seed=1)
    assert_close(out, x, f"out of {call('dropout_forward', x, 0.0, seed=1)}", rtol=0.0)
    assert_close(mask, np.ones_like(x), f"mask of {call('dropout_forward', x, 0.0, seed=1)}", rtol=0.0)
    out, mask = sub.dropout_forward(x.copy(), 0.6, train=False)
    assert_close(out, x, f"out of {call('dropout_forward', x, 0.6, train=False)}", rtol=0.0)
    assert_close(mask, np.ones_like(x), f"mask of {call('dropout_forward', x, 0.6, train=False)}", rtol=0.0)
    masks = []
    for k in range(2):
        what = f"{call('dropout_forward', x, 0.5)} (call {k + 1}, no seed)"
        out, mask = sub.dropout_forward(x.copy(), 0.5)
        mask = assert_shape(mask, x.shape, f"mask of {what}")
        if not np.all((mask == 0.0) | (mask == 2.0)):
            raise Mismatch(f"mask of {what}", "should hold only 0 and 1/(1-p)")
        assert_close(out, x * mask, f"out of {what} compared with x * mask", rtol=1e-12)
        masks.append(mask)
    if np.array_equal(masks[0], masks[1]):
        raise Mismatch(f"two calls of {call('dropout_forward', x, 0.5)}", "drew the same mask: without a seed "
                       "(seed=None) every call should draw a new one")


@pytest.mark.graded("dropout_backward")
@pytest.mark.points(1)
@pytest.mark.hint("Each unit's gradient is scaled by its own mask value, for arrays of any shape.")
def test_dropout_backward_random(sub, ref):
    """matches the reference on random gradients and masks of 1 to 3 axes, p 0.25 to 0.75"""
    rng = np.random.default_rng(409)
    for trial, (shape, p) in enumerate([((8,), 0.5), ((5, 7), 0.25), ((2, 3, 4), 0.75)]):
        _, mask = ref.dropout_forward(rng.normal(size=shape), p, seed=trial)
        dout = rng.normal(size=shape)
        assert_close(sub.dropout_backward(dout.copy(), mask.copy()), ref.dropout_backward(dout, mask),
                     call("dropout_backward", dout, mask), rtol=1e-12)


@pytest.mark.graded("random_shift")
@pytest.mark.points(1)
@pytest.mark.hint("dy, dx = rng.integers(-max_shift, max_shift + 1, size=2), one call per image; "
                  "out[i, j] = img[i - dy, j - dx], zeros where that is outside img.")
def test_random_shift_matches_reference(sub, ref):
    """the same images as the reference on (8, 8), (5, 9), (12, 7) images of 4 dtypes, max_shift 1-4, 10 calls per rng"""
    data = np.random.default_rng(410)
    for trial, (shape, max_shift, dtype) in enumerate([((8, 8), 1, np.float64), ((8, 8), 3, np.uint8),
                                                       ((5, 9), 2, np.int64), ((12, 7), 4, np.float32)]):
        rng_sub, rng_ref = np.random.default_rng(trial), np.random.default_rng(trial)
        for k in range(10):
            img = data.integers(1, 17, size=shape).astype(dtype)
            what = f"{call('random_shift', img, max_shift, 'rng')} (call {k + 1} with one rng)"
            given = img.copy()
            got = sub.random_shift(given, max_shift, rng_sub)
            expected = ref.random_shift(img, max_shift, rng_ref)
            assert_shape(got, expected.shape, what)
            if np.asarray(got).dtype != expected.dtype:
                raise Mismatch(what, "should keep the dtype of img", expected=str(expected.dtype),
                               received=str(np.asarray(got).dtype))
            assert_equal(got, expected, what)
            assert_equal(given, img, f"img after {what} (it must not be changed)")


@pytest.mark.graded("horizontal_flip")
@pytest.mark.points(1)
@pytest.mark.hint("Flip the columns of any (h, w) image; keep its dtype and leave the input unchanged.")
def test_horizontal_flip_random(sub, ref):
    """matches the reference on random (8, 8) float64, (3, 7) uint8 and (6, 2) int64 images; dtype kept, img untouched"""
    rng = np.random.default_rng(411)
    for shape, dtype in [((8, 8), np.float64), ((3, 7), np.uint8), ((6, 2), np.int64)]:
        img = rng.integers(0, 17, size=shape).astype(dtype)
        before = img.copy()
        got = sub.horizontal_flip(img)
        assert_equal(got, ref.horizontal_flip(before), call("horizontal_flip", before))
        if np.asarray(got).dtype != img.dtype:
            raise Mismatch(call("horizontal_flip", before), "should keep the dtype of img",
                           expected=str(img.dtype), received=str(np.asarray(got).dtype))
        assert_equal(img, before, "img after horizontal_flip (it must not be changed)")


@pytest.mark.graded("augment")
@pytest.mark.points(1)
@pytest.mark.hint("rng = np.random.default_rng(seed) once; for each copy, for each image in order: "
                  "random_shift(X[i], 1, rng); originals first; copies = 0 gives the originals only.")
def test_augment_matches_reference(sub, ref):
    """the same images and labels as the reference: (n, 8, 8) float64, uint8, float32 X, copies 2, 0, 3, seeds 0-2"""
    rng = np.random.default_rng(412)
    for seed, (n, copies, dtype) in enumerate([(5, 2, np.float64), (3, 0, np.uint8), (6, 3, np.float32)]):
        X = rng.integers(0, 17, size=(n, 8, 8)).astype(dtype)
        y = rng.integers(0, 10, size=n)
        what = call("augment", X, y, copies, seed)
        try:
            X_aug, y_aug = sub.augment(X.copy(), y.copy(), copies, seed)
            X_ref, y_ref = ref.augment(X, y, copies, seed)
            assert_shape(X_aug, X_ref.shape, f"X_aug of {what}")
            assert_equal(X_aug, X_ref, f"X_aug of {what}")
            assert_equal(y_aug, y_ref, f"y_aug of {what}")
        except Mismatch:
            if shift_is_right(sub, ref):
                raise
            raise Mismatch(what, "augment uses your random_shift, which is not right yet: fix random_shift "
                           "first") from None


def shift_is_right(sub, ref):
    """Whether the student's random_shift gives the reference's images (augment builds on it)."""
    img = np.random.default_rng(415).integers(1, 17, size=(8, 8)).astype(np.uint8)
    try:
        for seed in range(5):
            got = sub.random_shift(img.copy(), 1, np.random.default_rng(seed))
            expected = ref.random_shift(img, 1, np.random.default_rng(seed))
            if np.asarray(got).dtype != expected.dtype or not np.array_equal(got, expected):
                return False
    except NotImplementedError:
        return False
    return True


@pytest.mark.graded("majority_vote")
@pytest.mark.points(1)
@pytest.mark.hint("Count votes per column for every label that occurs (labels may be larger than the number "
                  "of models); ties go to the smallest label.")
def test_majority_vote_random(sub, ref):
    """matches the reference on random votes (many ties): 1 to 6 models, 6 to 50 samples, labels up to 11"""
    rng = np.random.default_rng(413)
    for n_models, n_samples, n_labels in [(2, 30, 3), (4, 40, 5), (5, 25, 10), (1, 6, 4), (6, 50, 12)]:
        predictions = rng.integers(0, n_labels, size=(n_models, n_samples))
        got = sub.majority_vote(predictions.copy())
        assert_integer(got, call("majority_vote", predictions))
        assert_equal(got, ref.majority_vote(predictions), call("majority_vote", predictions))


@pytest.mark.graded("soft_vote")
@pytest.mark.points(1)
@pytest.mark.hint("Mean over axis 0 (the models), then argmax over the classes, as integers.")
def test_soft_vote_random(sub, ref):
    """matches the reference on random probabilities: 1 to 5 models, 5 to 30 samples, 2 to 10 classes"""
    rng = np.random.default_rng(414)
    for n_models, n_samples, n_classes in [(3, 20, 2), (5, 30, 4), (2, 10, 10), (1, 5, 3)]:
        probabilities = rng.dirichlet(np.ones(n_classes) * 0.7, size=(n_models, n_samples))
        got = sub.soft_vote(probabilities.copy())
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, ref.soft_vote(probabilities), call("soft_vote", probabilities))
