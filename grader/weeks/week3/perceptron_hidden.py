"""Hidden checks of 01_perceptron: seeded random inputs, compared with the reference."""
import numpy as np
import pytest

from grader.core.compare import assert_close, assert_equal, assert_integer, call

pytestmark = pytest.mark.hidden

SHAPES = [(), (7,), (3, 4), (2, 3, 5)]


def use_reference(monkeypatch, sub, ref, *names):
    """The reference's ``names`` in the student's namespace for this check, so that a check of one
    function does not depend on the student's other graded functions it builds on."""
    for name in names:
        sub.replace_for_test(monkeypatch, name, getattr(ref, name))


@pytest.mark.graded("step")
@pytest.mark.points(1)
@pytest.mark.hint("step 은 어떤 모양 (shape) 의 배열 (array) 에서도, 그냥 숫자에서도 원소별 (elementwise) 로 "
                  "동작해야 합니다.")
def test_step_random(sub, ref):
    """0 이 섞인 모양 (shape) (), (7,), (3, 4), (2, 3, 5) 의 무작위 (random) 배열에서 참조 구현 (reference) 과 같습니다"""
    rng = np.random.default_rng(301)
    for shape in SHAPES:
        z = rng.integers(-3, 4, size=shape).astype(float) * rng.choice([0.5, 1.0])
        expected, what = ref.step(z), call("step", z)   # before the student's code can change z
        got = sub.step(z.copy())
        assert_integer(got, what)
        assert_equal(got, expected, what)


@pytest.mark.graded("perceptron")
@pytest.mark.points(1)
@pytest.mark.hint("샘플 (sample) 하나든 배치 (batch) 든 perceptron(x, w, b) = step(x @ w + b) 입니다: "
                  "샘플마다 0/1 정수 (integer) 하나.")
def test_perceptron_random(sub, ref):
    """무작위 가중치 (weight), 샘플 1, 10, 25 개의 배치 (batch) 와 샘플 하나에서 참조 구현 (reference) 과 같습니다 (0/1 정수 (integer))"""
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
@pytest.mark.hint("게이트 (gate) 는 스칼라 (scalar) 뿐 아니라 같은 모양 (shape) 의 0/1 배열에서도 "
                  "원소별 (elementwise) 로 동작해야 합니다.")
def test_gate_on_arrays(sub, ref, monkeypatch, name):
    """(3, 4) 0/1 배열에서 원소별 (elementwise) 로 동작합니다 (참조 구현 (reference) 의 perceptron 으로, XOR 은 참조 구현의 게이트로)"""
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
@pytest.mark.hint("w = 0, b = 0 에서 시작하세요. rng = np.random.default_rng(seed) 는 한 번만 만들고, "
                  "에포크 (epoch) 마다 rng.permutation(n) 순서로 샘플을 방문하며, 방문하면서 틀린 수를 세세요.")
def test_train_matches_reference(sub, ref, monkeypatch):
    """무작위 선형 분리 가능 (linearly separable) 데이터에서 참조 구현 (reference) 과 같은 w, b, errors (lr 1, 0.5, 0.25; seed 0-2)"""
    use_reference(monkeypatch, sub, ref, "step", "perceptron")
    rng = np.random.default_rng(304)
    for trial, lr in enumerate([1.0, 0.5, 0.25]):
        X, y = separable_problem(rng, n=12 + 4 * trial, d=2 + trial)
        kwargs = dict(lr=lr, epochs=200, seed=trial)
        w, b, errors = sub.train_perceptron(X.copy(), y.copy(), **kwargs)
        w_ref, b_ref, errors_ref = ref.train_perceptron(X, y, **kwargs)
        what = call("train_perceptron", X, y, **kwargs)
        assert_equal(list(map(int, errors)), errors_ref, f"{what} 에서 나온 errors")
        assert_close(w, w_ref, f"{what} 에서 나온 w", rtol=1e-12, atol=1e-12)
        assert_close(b, b_ref, f"{what} 에서 나온 b", rtol=1e-12, atol=1e-12)


@pytest.mark.graded("train_perceptron")
@pytest.mark.points(1)
@pytest.mark.hint("X 나 y 를 제자리에서 (in place) 바꾸지 말고, 복사본 (copy) 으로 작업하세요.")
def test_train_leaves_inputs(sub, ref, monkeypatch):
    """X 와 y 를 바꾸지 않고 맞는 결과를 줍니다 (무작위 선형 분리 가능 (linearly separable) 데이터, lr=0.5, epochs=30, seed=1)"""
    use_reference(monkeypatch, sub, ref, "step", "perceptron")
    rng = np.random.default_rng(305)
    X, y = separable_problem(rng, n=10, d=3)
    X_before, y_before = X.copy(), y.copy()
    kwargs = dict(lr=0.5, epochs=30, seed=1)
    w_ref, b_ref, errors_ref = ref.train_perceptron(X_before, y_before, **kwargs)
    what = call("train_perceptron", X_before, y_before, **kwargs)
    w, b, errors = sub.train_perceptron(X, y, **kwargs)
    assert_equal(list(map(int, errors)), errors_ref, f"{what} 에서 나온 errors")
    assert_close(w, w_ref, f"{what} 에서 나온 w", rtol=1e-12)
    assert_close(b, b_ref, f"{what} 에서 나온 b", rtol=1e-12)
    assert_equal(X, X_before, "train_perceptron 호출 뒤의 X")
    assert_equal(y, y_before, "train_perceptron 호출 뒤의 y")
