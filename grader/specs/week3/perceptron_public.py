"""Public checks of 01_perceptron: fixed inputs, hard-coded expectations."""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, builds_on, call

TRUTH_X1 = np.array([0, 0, 1, 1])
TRUTH_X2 = np.array([0, 1, 0, 1])
TRUTH = {"and_gate": [0, 0, 0, 1], "or_gate": [0, 1, 1, 1], "nand_gate": [1, 1, 1, 0]}
AND_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def check_truth_table(fn, name, expected):
    """Each of the four rows, one call per row with scalar inputs."""
    for x1, x2, want in zip(TRUTH_X1, TRUTH_X2, expected):
        got = fn(int(x1), int(x2))
        assert_integer(got, call(name, int(x1), int(x2)))
        assert_equal(int(np.asarray(got)), want, call(name, int(x1), int(x2)))


# ---------------------------------------------------------------- graded functions other checks build on

def probe(sub, name: str) -> None:
    """A short check of the graded function ``name`` on hard-coded inputs (raises if it fails)."""
    if name == "step":
        z = np.array([-1.0, 0.0, 2.0])
        got = sub.step(z)
        assert_integer(got, call("step", z))
        assert_equal(got, [0, 0, 1], call("step", z))
    elif name == "perceptron":
        w = np.array([1.0, 1.0])
        got = sub.perceptron(AND_X, w, -1.5)
        assert_integer(got, call("perceptron", AND_X, w, -1.5))
        assert_equal(got, [0, 0, 0, 1], call("perceptron", AND_X, w, -1.5))
    else:
        check_truth_table(getattr(sub, name), name, TRUTH[name])


def building_on(sub, checked: str, *names: str):
    """Run a check of ``checked``, which builds on the graded functions ``names``; when the check
    fails and one of them fails its own probe too, the message names it. (The gates build on
    perceptron through the given ``gate``, and xor_gate on the gates, as the notebook says;
    train_perceptron may call perceptron or step, as the student chooses.)"""
    relation = "may call it" if checked == "train_perceptron" else "builds on it"
    return builds_on(checked, {name: (lambda name=name: probe(sub, name)) for name in names}, relation)


@pytest.mark.graded("step")
class TestStep:
    @pytest.mark.points(1)
    @pytest.mark.hint("step(z) is 1 only where z > 0; at exactly z = 0 it is 0 (use >, not >=). "
                      "A plain number (a Python float or int) must work too: np.asarray turns it into an array.")
    def test_zero_and_signs(self, sub):
        """0 and negatives give 0, positives give 1: z = [-3, -0.5, 0, 0.5, 3] and the plain numbers 0.0, -2, 0.5"""
        z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
        got = sub.step(z)
        assert_integer(got, call("step", z))
        assert_equal(got, [0, 0, 0, 1, 1], call("step", z))
        for scalar, want in [(0.0, 0), (-2, 0), (0.5, 1)]:
            got = sub.step(scalar)
            assert_integer(got, call("step", scalar))
            assert_equal(got, want, call("step", scalar))

    @pytest.mark.points(1)
    @pytest.mark.hint("Compare the whole array with 0 at once (no loop over a fixed shape), then turn the "
                      "True/False results into the integers 1/0: the result keeps z's shape.")
    def test_keeps_shape(self, sub):
        """a (2, 3) array comes back as (2, 3) integers"""
        z = np.array([[1.0, -1.0, 0.0], [2.0, 0.1, -0.1]])
        got = sub.step(z)
        assert_shape(got, (2, 3), call("step", z))
        assert_integer(got, call("step", z))
        assert_equal(got, [[1, 0, 0], [1, 1, 0]], call("step", z))


@pytest.mark.graded("perceptron")
class TestPerceptron:
    @pytest.mark.points(1)
    @pytest.mark.hint("perceptron(x, w, b) = step(x @ w + b), as in section 2; step already gives 0/1 integers, "
                      "so return its result as it is (not as floats).")
    def test_single_sample(self, sub):
        """one sample of shape (d,) gives one integer: x = [1, 2], w = [0.5, -0.5], b = 0.6 and 0.4"""
        x, w = np.array([1.0, 2.0]), np.array([0.5, -0.5])
        for b, want in [(0.6, 1), (0.4, 0)]:
            what = call("perceptron", x, w, b)
            got = sub.perceptron(x, w, b)
            assert_integer(got, what)
            assert_equal(got, want, what)

    @pytest.mark.points(1)
    @pytest.mark.hint("With x of shape (n, d), x @ w has shape (n,): one output per row. Don't forget b.")
    def test_batch(self, sub):
        """a batch of shape (n, d) gives n integers: the four 0/1 inputs, w = [1, 1], b = -1.5"""
        x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        w, b = np.array([1.0, 1.0]), -1.5
        got = sub.perceptron(x, w, b)
        assert_shape(got, (4,), call("perceptron", x, w, b))
        assert_integer(got, call("perceptron", x, w, b))
        assert_equal(got, [0, 0, 0, 1], call("perceptron", x, w, b))


@pytest.mark.graded("and_gate")
class TestAnd:
    @pytest.mark.points(1)
    @pytest.mark.hint("AND is 1 only for (1, 1): make w0 negative enough that w1 or w2 alone can't beat it.")
    def test_truth_table(self, sub):
        """the AND truth table: the four rows (x1, x2) of 0/1, as plain numbers"""
        with building_on(sub, "and_gate", "perceptron"):
            check_truth_table(sub.and_gate, "and_gate", TRUTH["and_gate"])


@pytest.mark.graded("or_gate")
class TestOr:
    @pytest.mark.points(1)
    @pytest.mark.hint("OR is 0 only for (0, 0): w0 <= 0, but w0 + w1 > 0 and w0 + w2 > 0.")
    def test_truth_table(self, sub):
        """the OR truth table: the four rows (x1, x2) of 0/1, as plain numbers"""
        with building_on(sub, "or_gate", "perceptron"):
            check_truth_table(sub.or_gate, "or_gate", TRUTH["or_gate"])


@pytest.mark.graded("nand_gate")
class TestNand:
    @pytest.mark.points(1)
    @pytest.mark.hint("NAND is NOT AND: flip the signs of all three AND weights.")
    def test_truth_table(self, sub):
        """the NAND truth table: the four rows (x1, x2) of 0/1, as plain numbers"""
        with building_on(sub, "nand_gate", "perceptron"):
            check_truth_table(sub.nand_gate, "nand_gate", TRUTH["nand_gate"])


@pytest.mark.graded("xor_gate")
class TestXor:
    @pytest.mark.points(1)
    @pytest.mark.hint("Two layers, as in the table of section 4: the first computes NAND and OR of the inputs, "
                      "the second combines those two results with AND.")
    def test_truth_table(self, sub):
        """the XOR truth table: the four rows (x1, x2) of 0/1, as plain numbers"""
        with building_on(sub, "xor_gate", "and_gate", "or_gate", "nand_gate"):
            check_truth_table(sub.xor_gate, "xor_gate", [0, 1, 1, 0])

    @pytest.mark.points(1)
    @pytest.mark.hint("Build XOR by calling and_gate, or_gate and nand_gate, not with != or ^.")
    def test_built_from_gates(self, sub, monkeypatch):
        """is built from the three gates (two layers): xor_gate(0, 1) calls them and gives 1"""
        calls = []
        for name in ("and_gate", "or_gate", "nand_gate"):
            original = getattr(sub, name)

            def counted(x1, x2, _original=original, _name=name):
                calls.append(_name)
                return _original(x1, x2)
            monkeypatch.setitem(sub._namespace, name, counted)
        with building_on(sub, "xor_gate", "and_gate", "or_gate", "nand_gate"):
            got = sub.xor_gate(0, 1)
            if len(calls) < 2:
                raise Mismatch("xor_gate(0, 1)", "should call the gate functions (at least two of them, "
                               "in two layers)", expected="2 or more gate calls", received=f"{len(calls)} calls")
            assert_integer(got, "xor_gate(0, 1)")
            assert_equal(got, 1, "xor_gate(0, 1)")


NOT_ALL = np.array([0, 0, 0, 0])


def learned_outputs(w, b) -> np.ndarray:
    """What a perceptron with the learned (w, b) outputs on the four inputs (the grader's own
    computation, so this check does not depend on your perceptron)."""
    margins = AND_X @ np.asarray(w, dtype=float).reshape(-1) + float(np.asarray(b))
    return np.array([1 if m > 0 else 0 for m in margins])


@pytest.mark.graded("train_perceptron")
class TestTrainPerceptron:
    @pytest.mark.points(1)
    @pytest.mark.hint("Update both w and b on every misclassified sample; AND can't be learned without the bias.")
    def test_learns_and(self, sub):
        """learns AND (the four 0/1 inputs, lr=0.1, epochs=100, seed=0): errors end at 0, (w, b) classify all four"""
        y = np.array([0, 0, 0, 1])
        kwargs = dict(lr=0.1, epochs=100, seed=0)
        what = call("train_perceptron", AND_X, y, **kwargs)
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            w, b, errors = sub.train_perceptron(AND_X.copy(), y.copy(), **kwargs)
            assert_shape(w, (2,), f"w returned by {what}")
            if not errors or errors[-1] != 0:
                raise Mismatch(what, "should stop after an epoch with no error", expected="errors[-1] == 0",
                               received=errors)
            assert_equal(learned_outputs(w, b), y,
                         f"step(x @ w + b) on the four inputs with the learned w = {np.asarray(w)}, b = {b}")

    @pytest.mark.points(1)
    @pytest.mark.hint("The defaults are part of the signature: lr=0.1, epochs=100, seed=0. Calling without them "
                      "must give the same as passing those values.")
    def test_defaults(self, sub):
        """the defaults lr=0.1, epochs=100, seed=0: AND and NAND as with those values passed, 100 epochs on XOR"""
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            for gate in ("and_gate", "nand_gate"):
                y = np.array(TRUTH[gate])
                what = call("train_perceptron", AND_X, y)
                w, b, errors = sub.train_perceptron(AND_X.copy(), y.copy())
                if not errors or errors[-1] != 0:
                    raise Mismatch(what, "should learn the labels and stop after an epoch with no error",
                                   expected="errors[-1] == 0", received=errors)
                assert_equal(learned_outputs(w, b), y,
                             f"step(x @ w + b) on the four inputs with w, b from {what}")
                w_given, b_given, errors_given = sub.train_perceptron(AND_X.copy(), y.copy(), lr=0.1, epochs=100,
                                                                      seed=0)
                explicit = call("train_perceptron", AND_X, y, lr=0.1, epochs=100, seed=0)
                if list(errors) != list(errors_given):
                    raise Mismatch(f"errors from {what}", f"differ from the errors of {explicit}: a default is "
                                   "not lr=0.1, epochs=100, seed=0", expected=errors_given, received=errors)
                assert_close(w, w_given, f"w from {what} (compared with w from {explicit})", rtol=1e-12)
                assert_close(b, b_given, f"b from {what} (compared with b from {explicit})", rtol=1e-12)
            y = np.array([0, 1, 1, 0])
            _, _, errors = sub.train_perceptron(AND_X.copy(), y.copy())
            what = f"errors from {call('train_perceptron', AND_X, y)} (XOR)"
            if not isinstance(errors, list) or len(errors) != 100 or min(errors) == 0:
                raise Mismatch(what, "expected 100 epochs (the default), each with at least one error",
                               received=errors if isinstance(errors, list) else type(errors).__name__)

    @pytest.mark.points(1)
    @pytest.mark.hint("Append one count per epoch, and break right after the first epoch with no error; "
                      "b starts as the float 0.0.")
    def test_error_counts(self, sub):
        """errors: integers up to the first error-free epoch (OR, lr=0.1, epochs=50); all-zero labels: [0], b = 0.0"""
        y = np.array([0, 1, 1, 1])
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            _, _, errors = sub.train_perceptron(AND_X.copy(), y.copy(), lr=0.1, epochs=50)
            what = f"errors from {call('train_perceptron', AND_X, y, lr=0.1, epochs=50)}"
            if not isinstance(errors, list) or not all(isinstance(e, (int, np.integer)) for e in errors):
                raise Mismatch(what, "expected a list of integers", received=errors)
            if not errors or errors[-1] != 0 or 0 in errors[:-1]:
                raise Mismatch(what, "should end at the first epoch with 0 errors, and only there",
                               received=errors)
            if any(e > len(y) for e in errors):
                raise Mismatch(what, "an epoch can't have more errors than samples", received=errors)
            what = call("train_perceptron", AND_X, NOT_ALL, lr=0.1, epochs=50)
            w, b, errors = sub.train_perceptron(AND_X.copy(), NOT_ALL.copy(), lr=0.1, epochs=50)
            if not isinstance(errors, list) or list(errors) != [0]:
                raise Mismatch(f"errors from {what}", "nothing is misclassified in the first epoch "
                               "(w = 0, b = 0 give 0 everywhere): one epoch, then stop", expected=[0],
                               received=errors)
            assert_equal(w, [0.0, 0.0], f"w from {what}")
            if not isinstance(b, (float, np.floating)) or b != 0.0:
                raise Mismatch(f"b from {what}", "expected the float 0.0 (b starts at 0.0 and nothing is updated)",
                               expected=0.0, received=b)

    @pytest.mark.points(1)
    @pytest.mark.hint("XOR is not linearly separable: training must run all epochs without reaching 0.")
    def test_xor_never_converges(self, sub):
        """on XOR (lr=0.1, epochs=20), runs every epoch and never reaches 0 errors"""
        y = np.array([0, 1, 1, 0])
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            _, _, errors = sub.train_perceptron(AND_X.copy(), y.copy(), lr=0.1, epochs=20)
            what = f"errors from {call('train_perceptron', AND_X, y, lr=0.1, epochs=20)}"
            if not isinstance(errors, list) or len(errors) != 20 or min(errors) == 0:
                raise Mismatch(what, "expected 20 epochs, each with at least one error",
                               received=errors if isinstance(errors, list) else type(errors).__name__)
