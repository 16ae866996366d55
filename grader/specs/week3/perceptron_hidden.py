"""Hidden checks of 01_perceptron: seeded random inputs, compared with the reference."""
import numpy as np
import pytest

from grader.student.compare import assert_close, assert_equal, assert_integer, call

pytestmark = pytest.mark.hidden

SHAPES = [(), (7,), (3, 4), (2, 3, 5)]


def use_reference(monkeypatch, sub, ref, *names):
    """The reference's ``names`` in the student's namespace for this check, so that a check of one
    function does not depend on the student's other graded functions it builds on."""
    namespace = sub._namespace
    for name in names:
        monkeypatch.setitem(namespace, name, getattr(ref, name))


@pytest.mark.graded("step")
@pytest.mark.points(1)
@pytest.mark.hint("step must work elementwise on arrays of any shape and on plain numbers.")
def test_step_random(sub, ref):
    """matches the reference on random arrays of shapes (), (7,), (3, 4), (2, 3, 5) with zeros among them"""
    rng = np.random.default_rng(301)
    for shape in SHAPES:
        z = rng.integers(-3, 4, size=shape).astype(float) * rng.choice([0.5, 1.0])
        expected, what = ref.step(z), call("step", z)   # before the student's code can change z
        got = sub.step(z.copy())
        assert_integer(got, what)
        assert_equal(got, expected, what)


@pytest.mark.graded("perceptron")
@pytest.mark.points(1)
@pytest.mark.hint("perceptron(x, w, b) = step(x @ w + b), for one sample or a batch: 0/1 integers, "
                  "one per sample.")
def test_perceptron_random(sub, ref):
    """matches the reference (0/1 integers) on random weights and batches of 1, 10 and 25 samples and single samples"""
    rng = np.random.default_rng(302)
    for n, d in [(1, 3), (10, 2), (25, 6)]:
        x, w, b = rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())
        expected, what = ref.perceptron(x, w, b), call("perceptron", x, w, b)
        got = sub.perceptron(x.copy(), w.copy(), b)
        assert_integer(got, what)
        assert_equal(got, expected, what)
        expected, what = ref.perceptron(x[0], w, b), call("perceptron", x[0], w, b)
        got = sub.perceptron(x[0].copy(), w.copy(), b)
        assert_integer(got, what)
        assert_equal(np.asarray(got), expected, what)


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.graded(name))
                                  for name in ("and_gate", "or_gate", "nand_gate", "xor_gate")])
@pytest.mark.points(1)
@pytest.mark.hint("The gate must work elementwise on equal-shape arrays of 0/1, not only on scalars.")
def test_gate_on_arrays(sub, ref, monkeypatch, name):
    """works elementwise on (3, 4) arrays of 0/1 (with the reference perceptron, and for XOR the reference gates)"""
    use_reference(monkeypatch, sub, ref, "step", "perceptron", "gate",
                  *(("and_gate", "or_gate", "nand_gate") if name == "xor_gate" else ()))
    rng = np.random.default_rng(303)
    x1, x2 = rng.integers(0, 2, size=(2, 3, 4))
    expected = {"and_gate": x1 & x2, "or_gate": x1 | x2, "nand_gate": 1 - (x1 & x2), "xor_gate": x1 ^ x2}[name]
    assert_equal(getattr(sub, name)(x1, x2), expected, call(name, x1, x2))


def separable_problem(rng, n, d):
    """Integer features and labels from a random integer hyperplane (exact float arithmetic)."""
    while True:
        X = rng.integers(-4, 5, size=(n, d)).astype(float)
        w_true, b_true = rng.integers(-3, 4, size=d), int(rng.integers(-2, 3))
        margin = X @ w_true + b_true
        if np.all(margin != 0) and 0 < np.sum(margin > 0) < n:
            return X, (margin > 0).astype(int)


@pytest.mark.graded("train_perceptron")
@pytest.mark.points(2)
@pytest.mark.hint("Start at w = 0, b = 0; visit samples in rng.permutation(n) order each epoch, "
                  "rng = np.random.default_rng(seed) made once; count errors as you visit.")
def test_train_matches_reference(sub, ref, monkeypatch):
    """same weights, bias and error counts as the reference on random separable data (lr 1, 0.5, 0.25; seeds 0-2)"""
    use_reference(monkeypatch, sub, ref, "step", "perceptron")
    rng = np.random.default_rng(304)
    for trial, lr in enumerate([1.0, 0.5, 0.25]):
        X, y = separable_problem(rng, n=12 + 4 * trial, d=2 + trial)
        kwargs = dict(lr=lr, epochs=200, seed=trial)
        w, b, errors = sub.train_perceptron(X.copy(), y.copy(), **kwargs)
        w_ref, b_ref, errors_ref = ref.train_perceptron(X, y, **kwargs)
        what = call("train_perceptron", X, y, **kwargs)
        assert_equal(list(map(int, errors)), errors_ref, f"errors from {what}")
        assert_close(w, w_ref, f"w from {what}", rtol=1e-12, atol=1e-12)
        assert_close(b, b_ref, f"b from {what}", rtol=1e-12, atol=1e-12)


@pytest.mark.graded("train_perceptron")
@pytest.mark.points(1)
@pytest.mark.hint("Don't change X or y in place; work on copies.")
def test_train_leaves_inputs(sub, ref, monkeypatch):
    """leaves X and y unchanged and gives the right result (random separable data, lr=0.5, epochs=30, seed=1)"""
    use_reference(monkeypatch, sub, ref, "step", "perceptron")
    rng = np.random.default_rng(305)
    X, y = separable_problem(rng, n=10, d=3)
    X_before, y_before = X.copy(), y.copy()
    kwargs = dict(lr=0.5, epochs=30, seed=1)
    w_ref, b_ref, errors_ref = ref.train_perceptron(X_before, y_before, **kwargs)
    what = call("train_perceptron", X_before, y_before, **kwargs)
    w, b, errors = sub.train_perceptron(X, y, **kwargs)
    assert_equal(list(map(int, errors)), errors_ref, f"errors from {what}")
    assert_close(w, w_ref, f"w from {what}", rtol=1e-12)
    assert_close(b, b_ref, f"b from {what}", rtol=1e-12)
    assert_equal(X, X_before, "X after train_perceptron")
    assert_equal(y, y_before, "y after train_perceptron")
