"""Public checks of 01_perceptron: fixed inputs, hard-coded expectations."""
import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, builds_on, call
from grader.weeks.week3.cases import case

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
    relation = ("그 함수를 호출할 수 있습니다 (may call it)" if checked == "train_perceptron"
                else "그 함수를 사용합니다 (builds on it)")
    return builds_on(checked, {name: (lambda name=name: probe(sub, name)) for name in names}, relation)


@pytest.mark.graded("step")
class TestStep:
    @pytest.mark.points(1)
    @pytest.mark.hint("step(z) 는 z 가 0 보다 클 때만 1 입니다: 경계 (boundary) 인 z = 0 은 0 을 줍니다 (1 절의 식). "
                      "숫자 하나 (plain number: Python float 나 int) 도 받아야 합니다: np.asarray 가 숫자를 배열 (array) 로 바꿔 줍니다.")
    def test_zero_and_signs(self, sub):
        """0 과 음수 (negative) 는 0, 양수 (positive) 는 1: z = [-3, -0.5, 0, 0.5, 3] 과 숫자 (plain number) 0.0, -2, 0.5"""
        z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
        got = sub.step(z)
        assert_integer(got, call("step", z))
        assert_equal(got, [0, 0, 0, 1, 1], call("step", z))
        for scalar, want in [(0.0, 0), (-2, 0), (0.5, 1)]:
            got = sub.step(scalar)
            assert_integer(got, call("step", scalar))
            assert_equal(got, want, call("step", scalar))

    @pytest.mark.points(1)
    @pytest.mark.hint("배열 (array) 전체를 한 번에 0 과 비교하고 (고정된 모양을 도는 반복문 (loop) 없이), "
                      "True/False 결과를 정수 (integer) 1/0 으로 바꾸세요: 결과는 z 의 모양 (shape) 을 그대로 유지합니다.")
    def test_keeps_shape(self, sub):
        """(2, 3) 배열 (array) 은 (2, 3) 정수 (integer) 배열로 돌아옵니다"""
        z = np.array([[1.0, -1.0, 0.0], [2.0, 0.1, -0.1]])
        got = sub.step(z)
        assert_shape(got, (2, 3), call("step", z))
        assert_integer(got, call("step", z))
        assert_equal(got, [[1, 0, 0], [1, 1, 0]], call("step", z))


@pytest.mark.graded("perceptron")
class TestPerceptron:
    @pytest.mark.points(1)
    @pytest.mark.hint("2 절처럼 perceptron(x, w, b) = step(x @ w + b) 입니다. step 이 이미 0/1 정수 (integer) 를 "
                      "주므로, 그 결과를 그대로 돌려주세요 (실수 (float) 로 바꾸지 마세요).")
    def test_single_sample(self, sub):
        """모양 (shape) (d,) 인 샘플 (sample) 하나는 정수 (integer) 하나를 줍니다: x = [1, 2], w = [0.5, -0.5], b = 0.6 과 0.4"""
        x, w = np.array([1.0, 2.0]), np.array([0.5, -0.5])
        for b, want in [(0.6, 1), (0.4, 0)]:
            what = call("perceptron", x, w, b)
            got = sub.perceptron(x, w, b)
            assert_integer(got, what)
            assert_equal(got, want, what)

    @pytest.mark.points(1)
    @pytest.mark.hint("x 의 모양 (shape) 이 (n, d) 이면 x @ w 의 모양은 (n,) 입니다: 행 (row) 마다 출력 하나. "
                      "편향 (bias) b 를 잊지 마세요.")
    def test_batch(self, sub):
        """모양 (shape) (n, d) 인 배치 (batch) 는 정수 (integer) n 개를 줍니다: 0/1 입력 네 개, w = [1, 1], b = -1.5"""
        x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        w, b = np.array([1.0, 1.0]), -1.5
        got = sub.perceptron(x, w, b)
        assert_shape(got, (4,), call("perceptron", x, w, b))
        assert_integer(got, call("perceptron", x, w, b))
        assert_equal(got, [0, 0, 0, 1], call("perceptron", x, w, b))


GATE_CASES = [
    case("and_gate", graded="and_gate",
         title="AND 진리표 (truth table): 0/1 인 네 행 (row) (x1, x2) 을 숫자 (plain number) 로",
         hint="AND 는 (1, 1) 에서만 1 입니다: w1 이나 w2 하나만으로는 넘을 수 없도록 w0 를 충분히 "
              "작은 음수로 잡으세요."),
    case("or_gate", graded="or_gate",
         title="OR 진리표 (truth table): 0/1 인 네 행 (row) (x1, x2) 을 숫자 (plain number) 로",
         hint="OR 은 (0, 0) 에서만 0 입니다: w0 <= 0 이지만, w0 + w1 > 0 이고 w0 + w2 > 0 이어야 합니다."),
    case("nand_gate", graded="nand_gate",
         title="NAND 진리표 (truth table): 0/1 인 네 행 (row) (x1, x2) 을 숫자 (plain number) 로",
         hint="NAND 는 NOT AND 입니다: AND 가중치 (weight) 세 개의 부호 (sign) 를 모두 뒤집으세요."),
]


@pytest.mark.parametrize("gate", GATE_CASES)
def test_gate_truth_table(sub, gate):
    """One gate's truth table (each row's title says which)."""
    with building_on(sub, gate, "perceptron"):
        check_truth_table(getattr(sub, gate), gate, TRUTH[gate])


@pytest.mark.graded("xor_gate")
class TestXor:
    @pytest.mark.points(1)
    @pytest.mark.hint("4 절의 표처럼 두 층 (two layers) 입니다: 첫 층은 입력의 NAND 와 OR 을 계산하고, "
                      "둘째 층은 그 두 결과를 AND 로 합칩니다.")
    def test_truth_table(self, sub):
        """XOR 진리표 (truth table): 0/1 인 네 행 (row) (x1, x2) 을 숫자 (plain number) 로"""
        with building_on(sub, "xor_gate", "and_gate", "or_gate", "nand_gate"):
            check_truth_table(sub.xor_gate, "xor_gate", [0, 1, 1, 0])

    @pytest.mark.points(1)
    @pytest.mark.hint("4 절의 규칙 (rule): xor_gate 는 위의 세 게이트 함수 (and_gate, or_gate, nand_gate) 만으로 만든 두 층 (two layers) 입니다. 입력을 직접 비교하는 연산은 규칙 밖입니다.")
    def test_built_from_gates(self, sub, monkeypatch):
        """세 게이트 (gate) 로 두 층 (two layers) 을 쌓아 만듭니다: xor_gate(0, 1) 이 게이트를 호출하고 1 을 줍니다"""
        calls = []
        for name in ("and_gate", "or_gate", "nand_gate"):
            original = getattr(sub, name)

            def counted(x1, x2, _original=original, _name=name):
                calls.append(_name)
                return _original(x1, x2)
            sub.replace_for_test(monkeypatch, name, counted)
        with building_on(sub, "xor_gate", "and_gate", "or_gate", "nand_gate"):
            got = sub.xor_gate(0, 1)
            if len(calls) < 2:
                raise Mismatch("xor_gate(0, 1)", "게이트 함수 (gate function) 를 호출해야 합니다 (두 층 (two layers) "
                               "에서 적어도 두 번)", expected="게이트 호출 (gate call) 2 번 이상",
                               received=f"{len(calls)} 번 호출")
            assert_integer(got, "xor_gate(0, 1)")
            assert_equal(got, 1, "xor_gate(0, 1)")


NOT_ALL = np.array([0, 0, 0, 0])


def learned_outputs(w, b) -> np.ndarray:
    """What a perceptron with the learned (w, b) outputs on the four inputs (the grader's own
    computation, so this check does not depend on your perceptron)."""
    margins = AND_X @ np.asarray(w, dtype=float).reshape(-1) + float(np.asarray(b))
    return np.array([1 if m > 0 else 0 for m in margins])


def check_never_converges(errors, what: str, epochs: int, which: str) -> None:
    """Training on XOR (not linearly separable) runs all ``epochs`` (``which``, as the message says
    them) with at least one mistake in each."""
    if not isinstance(errors, list) or len(errors) != epochs or min(errors) == 0:
        raise Mismatch(what, f"{which} 를 모두 돌고, 에포크마다 틀린 샘플이 하나 이상 있어야 합니다",
                       received=errors if isinstance(errors, list) else type(errors).__name__)


@pytest.mark.graded("train_perceptron")
class TestTrainPerceptron:
    @pytest.mark.points(1)
    @pytest.mark.hint("잘못 분류된 (misclassified) 샘플마다 w 와 b 를 둘 다 갱신 (update) 하세요. "
                      "편향 (bias) 없이는 AND 를 학습할 수 없습니다.")
    def test_learns_and(self, sub):
        """AND 를 학습합니다 (0/1 입력 네 개, lr=0.1, epochs=100, seed=0): errors 는 0 으로 끝나고, (w, b) 는 넷 모두 맞힙니다"""
        y = np.array([0, 0, 0, 1])
        kwargs = dict(lr=0.1, epochs=100, seed=0)
        what = call("train_perceptron", AND_X, y, **kwargs)
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            w, b, errors = sub.train_perceptron(AND_X.copy(), y.copy(), **kwargs)
            assert_shape(w, (2,), f"{what} 이(가) 돌려준 w")
            if not errors or errors[-1] != 0:
                raise Mismatch(what, "틀린 샘플이 없는 에포크 (epoch) 가 끝나면 멈춰야 합니다", expected="errors[-1] == 0",
                               received=errors)
            assert_equal(learned_outputs(w, b), y,
                         f"학습된 (learned) w = {np.asarray(w)}, b = {b} 로 계산한 네 입력의 step(x @ w + b)")

    @pytest.mark.points(1)
    @pytest.mark.hint("기본값 (default) 도 함수 시그니처 (signature) 의 일부입니다: lr=0.1, epochs=100, seed=0. "
                      "이 인자 없이 호출해도 이 값들을 넘긴 것과 같은 결과가 나와야 합니다.")
    def test_defaults(self, sub):
        """기본값 (default) lr=0.1, epochs=100, seed=0: AND 와 NAND 는 이 값을 넘긴 것과 같고, XOR 에서는 100 에포크 (epoch)"""
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            for gate in ("and_gate", "nand_gate"):
                y = np.array(TRUTH[gate])
                what = call("train_perceptron", AND_X, y)
                w, b, errors = sub.train_perceptron(AND_X.copy(), y.copy())
                if not errors or errors[-1] != 0:
                    raise Mismatch(what, "라벨 (label) 을 학습하고, 틀린 샘플이 없는 에포크 (epoch) 가 끝나면 멈춰야 합니다",
                                   expected="errors[-1] == 0", received=errors)
                assert_equal(learned_outputs(w, b), y,
                             f"{what} 에서 나온 w, b 로 계산한 네 입력의 step(x @ w + b)")
                w_given, b_given, errors_given = sub.train_perceptron(AND_X.copy(), y.copy(), lr=0.1, epochs=100,
                                                                      seed=0)
                explicit = call("train_perceptron", AND_X, y, lr=0.1, epochs=100, seed=0)
                if list(errors) != list(errors_given):
                    raise Mismatch(f"{what} 에서 나온 errors", f"{explicit} 의 errors 와 다릅니다: 기본값 (default) "
                                   "중 하나가 lr=0.1, epochs=100, seed=0 이 아닙니다", expected=errors_given,
                                   received=errors)
                assert_close(w, w_given, f"{what} 에서 나온 w ({explicit} 에서 나온 w 와 비교)", rtol=1e-12)
                assert_close(b, b_given, f"{what} 에서 나온 b ({explicit} 에서 나온 b 와 비교)", rtol=1e-12)
            y = np.array([0, 1, 1, 0])
            _, _, errors = sub.train_perceptron(AND_X.copy(), y.copy())
            check_never_converges(errors, f"{call('train_perceptron', AND_X, y)} 에서 나온 errors (XOR)", 100,
                                  "기본값 (default) 인 100 에포크 (epoch)")

    @pytest.mark.points(1)
    @pytest.mark.hint("에포크 (epoch) 마다 틀린 개수를 하나씩 추가하고, 틀린 샘플이 없는 첫 에포크 직후에 "
                      "멈추세요 (break). b 는 실수 (float) 0.0 에서 시작합니다.")
    def test_error_counts(self, sub):
        """errors: 틀림이 없는 첫 에포크 (epoch) 까지의 정수 (integer) (OR, lr=0.1, epochs=50); 라벨 (label) 이 모두 0 이면 [0], b = 0.0"""
        y = np.array([0, 1, 1, 1])
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            _, _, errors = sub.train_perceptron(AND_X.copy(), y.copy(), lr=0.1, epochs=50)
            what = f"{call('train_perceptron', AND_X, y, lr=0.1, epochs=50)} 에서 나온 errors"
            if not isinstance(errors, list) or not all(isinstance(e, (int, np.integer)) for e in errors):
                raise Mismatch(what, "정수 (integer) 리스트 (list) 여야 합니다", received=errors)
            if not errors or errors[-1] != 0 or 0 in errors[:-1]:
                raise Mismatch(what, "틀림이 0 인 첫 에포크 (epoch) 에서 끝나야 하고, 0 은 거기에만 있어야 합니다",
                               received=errors)
            if any(e > len(y) for e in errors):
                raise Mismatch(what, "한 에포크 (epoch) 에서 틀린 수는 샘플 (sample) 수보다 클 수 없습니다", received=errors)
            what = call("train_perceptron", AND_X, NOT_ALL, lr=0.1, epochs=50)
            w, b, errors = sub.train_perceptron(AND_X.copy(), NOT_ALL.copy(), lr=0.1, epochs=50)
            if not isinstance(errors, list) or list(errors) != [0]:
                raise Mismatch(f"{what} 에서 나온 errors", "첫 에포크 (epoch) 에서 잘못 분류되는 (misclassified) 샘플이 "
                               "없습니다 (w = 0, b = 0 이면 모두 0): 한 에포크 뒤 멈춰야 합니다", expected=[0],
                               received=errors)
            assert_equal(w, [0.0, 0.0], f"{what} 에서 나온 w")
            if not isinstance(b, (float, np.floating)) or b != 0.0:
                raise Mismatch(f"{what} 에서 나온 b", "실수 (float) 0.0 이어야 합니다 (b 는 0.0 에서 시작하고, "
                               "아무것도 갱신 (update) 되지 않습니다)",
                               expected=0.0, received=b)

    @pytest.mark.points(1)
    @pytest.mark.hint("XOR 은 선형 분리 불가능 (not linearly separable) 합니다: 학습은 0 에 닿지 않고 "
                      "모든 에포크 (epoch) 를 돌아야 합니다.")
    def test_xor_never_converges(self, sub):
        """XOR (lr=0.1, epochs=20) 에서 모든 에포크 (epoch) 를 돌고, 틀린 수가 한 번도 0 이 되지 않습니다"""
        y = np.array([0, 1, 1, 0])
        with building_on(sub, "train_perceptron", "perceptron", "step"):
            _, _, errors = sub.train_perceptron(AND_X.copy(), y.copy(), lr=0.1, epochs=20)
            check_never_converges(errors, f"{call('train_perceptron', AND_X, y, lr=0.1, epochs=20)} 에서 나온 errors",
                                  20, "20 에포크 (epoch)")
