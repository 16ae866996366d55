"""Public checks of 01_perceptron: fixed inputs, hard-coded expectations."""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_equal, assert_integer, assert_shape, call

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


@pytest.mark.graded("step")
class TestStep:
    @pytest.mark.points(1)
    @pytest.mark.hint("step(z) is 1 only where z > 0; at exactly z = 0 it is 0 (use >, not >=).")
    def test_zero_and_signs(self, sub):
        """0 and negatives give 0, positives give 1"""
        z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
        got = sub.step(z)
        assert_integer(got, call("step", z))
        assert_equal(got, [0, 0, 0, 1, 1], call("step", z))

    @pytest.mark.points(1)
    @pytest.mark.hint("Work on the whole array at once (np.asarray(z) > 0) and convert with .astype(int).")
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
    @pytest.mark.hint("Return step(x @ w + b).")
    def test_single_sample(self, sub):
        """one sample of shape (d,)"""
        x, w = np.array([1.0, 2.0]), np.array([0.5, -0.5])
        assert_equal(int(np.asarray(sub.perceptron(x, w, 0.6))), 1, call("perceptron", x, w, 0.6))
        assert_equal(int(np.asarray(sub.perceptron(x, w, 0.4))), 0, call("perceptron", x, w, 0.4))

    @pytest.mark.points(1)
    @pytest.mark.hint("With x of shape (n, d), x @ w has shape (n,): one output per row. Don't forget b.")
    def test_batch(self, sub):
        """a batch of shape (n, d) gives n outputs"""
        x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        w, b = np.array([1.0, 1.0]), -1.5
        got = sub.perceptron(x, w, b)
        assert_shape(got, (4,), call("perceptron", x, w, b))
        assert_equal(got, [0, 0, 0, 1], call("perceptron", x, w, b))


@pytest.mark.graded("and_gate")
class TestAnd:
    @pytest.mark.points(1)
    @pytest.mark.hint("AND is 1 only for (1, 1): make w0 negative enough that w1 or w2 alone can't beat it.")
    def test_truth_table(self, sub):
        """the AND truth table"""
        check_truth_table(sub.and_gate, "and_gate", TRUTH["and_gate"])


@pytest.mark.graded("or_gate")
class TestOr:
    @pytest.mark.points(1)
    @pytest.mark.hint("OR is 0 only for (0, 0): w0 <= 0, but w0 + w1 > 0 and w0 + w2 > 0.")
    def test_truth_table(self, sub):
        """the OR truth table"""
        check_truth_table(sub.or_gate, "or_gate", TRUTH["or_gate"])


@pytest.mark.graded("nand_gate")
class TestNand:
    @pytest.mark.points(1)
    @pytest.mark.hint("NAND is NOT AND: flip the signs of all three AND weights.")
    def test_truth_table(self, sub):
        """the NAND truth table"""
        check_truth_table(sub.nand_gate, "nand_gate", TRUTH["nand_gate"])


@pytest.mark.graded("xor_gate")
class TestXor:
    @pytest.mark.points(1)
    @pytest.mark.hint("XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)).")
    def test_truth_table(self, sub):
        """the XOR truth table"""
        check_truth_table(sub.xor_gate, "xor_gate", [0, 1, 1, 0])

    @pytest.mark.points(1)
    @pytest.mark.hint("Build XOR by calling and_gate, or_gate and nand_gate, not with != or ^.")
    def test_built_from_gates(self, sub, monkeypatch):
        """is built from the three gates (two layers)"""
        calls = []
        for name in ("and_gate", "or_gate", "nand_gate"):
            original = getattr(sub, name)

            def counted(x1, x2, _original=original, _name=name):
                calls.append(_name)
                return _original(x1, x2)
            monkeypatch.setitem(sub._namespace, name, counted)
        sub.xor_gate(0, 1)
        if len(calls) < 2:
            raise Mismatch("xor_gate(0, 1)", "should call the gate functions (at least two of them, "
                           "in two layers)", expected="2 or more gate calls", received=f"{len(calls)} calls")


@pytest.mark.graded("train_perceptron")
class TestTrainPerceptron:
    @pytest.mark.points(2)
    @pytest.mark.hint("Update both w and b on every misclassified sample; AND can't be learned without the bias.")
    def test_learns_and(self, sub):
        """learns AND: errors end at 0 and (w, b) classify all four inputs"""
        y = np.array([0, 0, 0, 1])
        w, b, errors = sub.train_perceptron(AND_X, y)
        what = call("train_perceptron", AND_X, y)
        assert_shape(w, (2,), f"w returned by {what}")
        if not errors or errors[-1] != 0:
            raise Mismatch(what, "should stop after an epoch with no error", expected="errors[-1] == 0",
                           received=errors)
        got = np.asarray([int(np.asarray(sub.perceptron(x, np.asarray(w), b))) for x in AND_X])
        assert_equal(got, y, f"perceptron(x, w, b) with the learned w = {np.asarray(w)}, b = {b}")

    @pytest.mark.points(1)
    @pytest.mark.hint("Append one count per epoch, and break right after the first epoch with no error.")
    def test_error_counts(self, sub):
        """errors: one integer per epoch, stopping after the first error-free epoch"""
        y = np.array([0, 1, 1, 1])
        _, _, errors = sub.train_perceptron(AND_X, y, lr=0.1, epochs=50)
        what = f"errors from {call('train_perceptron', AND_X, y, lr=0.1, epochs=50)}"
        if not isinstance(errors, list) or not all(isinstance(e, (int, np.integer)) for e in errors):
            raise Mismatch(what, "expected a list of integers", received=errors)
        if not errors or errors[-1] != 0 or 0 in errors[:-1]:
            raise Mismatch(what, "should end at the first epoch with 0 errors, and only there",
                           received=errors)
        if any(e > len(y) for e in errors):
            raise Mismatch(what, "an epoch can't have more errors than samples", received=errors)

    @pytest.mark.points(1)
    @pytest.mark.hint("XOR is not linearly separable: training must run all epochs without reaching 0.")
    def test_xor_never_converges(self, sub):
        """on XOR, runs every epoch and never reaches 0 errors"""
        y = np.array([0, 1, 1, 0])
        _, _, errors = sub.train_perceptron(AND_X, y, lr=0.1, epochs=20)
        what = f"errors from {call('train_perceptron', AND_X, y, lr=0.1, epochs=20)}"
        if len(errors) != 20 or min(errors) == 0:
            raise Mismatch(what, "expected 20 epochs, each with at least one error", received=errors)
