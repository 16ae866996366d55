"""Hidden checks of 02_xor_mlp: seeded random inputs, compared with the reference.

Keras checks train a model built by the *reference* build_xor_model, so train_xor_model is
graded even when the student's build_xor_model is wrong.
"""
import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_shape, call
from grader.weeks.week3.xor_mlp_public import (XOR_LABELS, XOR_X, xor_model, check_xor_predictions,
                                         guarded_sigmoid, initial_weights, keras_module, xor_weights)

pytestmark = pytest.mark.hidden


@pytest.mark.graded("collapse_linear")
@pytest.mark.points(2)
@pytest.mark.hint("합친 층 (collapsed layer) 은 어떤 모양 (shape) (d, h), (h,), (h, k), (k,) 에서도 동작해야 하고, "
                  "W1, b1, W2, b2 를 바꾸지 않아야 합니다.")
def test_collapse_random_shapes(sub, ref):
    """무작위 모양 (random shape) 8 개 (d, h, k 는 1 부터 6) 에서 참조 구현 (reference) 및 두 층의 출력과 같고, 입력은 그대로"""
    rng = np.random.default_rng(2021)
    for _ in range(8):
        d, h, k = (int(v) for v in rng.integers(1, 7, size=3))
        W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
        W2, b2 = rng.normal(size=(h, k)), rng.normal(size=k)
        before = [a.copy() for a in (W1, b1, W2, b2)]
        what = call("collapse_linear", W1, b1, W2, b2)
        W, b = sub.collapse_linear(W1, b1, W2, b2)
        W_ref, b_ref = ref.collapse_linear(*before)
        assert_close(W, W_ref, f"{what} 에서 나온 W", rtol=1e-12, atol=1e-12)
        assert_close(b, b_ref, f"{what} 에서 나온 b", rtol=1e-12, atol=1e-12)
        X = rng.normal(size=(5, d))
        assert_close(X @ np.asarray(W) + np.asarray(b), (X @ before[0] + before[1]) @ before[2] + before[3],
                     f"{what} 에서 나온 (W, b) 로 계산한 X @ W + b", rtol=1e-10, atol=1e-12)
        for name, original, now in zip(("W1", "b1", "W2", "b2"), before, (W1, b1, W2, b2)):
            assert_equal(now, original, f"{what} 호출 뒤의 {name}")


@pytest.mark.graded("sigmoid")
@pytest.mark.points(1)
@pytest.mark.hint("sigmoid 는 어떤 모양 (shape) 의 배열 (array) 에서도 (정수 (integer) 배열도) 경고 (warning) 없이 "
                  "원소별 (elementwise) 로 동작해야 합니다.")
def test_sigmoid_random(sub, ref):
    """모양 (shape) (), (7,), (3, 4), (2, 3, 5), ±600 까지의 값, ±800 까지의 정수 (integer) 에서 참조 구현 (reference) 과 같습니다"""
    rng = np.random.default_rng(2022)
    inputs = [rng.normal(scale=10.0, size=shape) for shape in [(), (7,), (3, 4), (2, 3, 5)]]
    inputs += [rng.uniform(-600.0, 600.0, size=(4, 6)), np.array([-3, 0, 2, 745, -800])]
    for z in inputs:
        got = guarded_sigmoid(sub.sigmoid, z)
        assert_close(got, ref.sigmoid(z), call("sigmoid", z), rtol=1e-10)


@pytest.mark.graded("mlp_forward")
@pytest.mark.points(1)
@pytest.mark.hint("두 층 (layer) 각각 뒤에 시그모이드 (sigmoid), 편향 (bias) 은 둘 다: 어떤 n, d, h 에서도 "
                  "모양 (shape) 은 (n, 1) 입니다.")
def test_forward_random(sub, ref, monkeypatch):
    """무작위 네트워크 (network) (n, d, h) = (1, 2, 2), (7, 3, 5), (20, 6, 1) 에서 참조 구현 (reference, 그 sigmoid 사용) 과 같습니다"""
    sub.replace_for_test(monkeypatch, "sigmoid", ref.sigmoid)   # graded on its own, not on the student's sigmoid
    rng = np.random.default_rng(2023)
    for n, d, h in [(1, 2, 2), (7, 3, 5), (20, 6, 1)]:
        X = rng.normal(size=(n, d))
        W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
        W2, b2 = rng.normal(size=(h, 1)), rng.normal(size=1)
        what, expected = call("mlp_forward", X, W1, b1, W2, b2), ref.mlp_forward(X, W1, b1, W2, b2)
        got = sub.mlp_forward(X.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy())
        assert_close(got, expected, what, rtol=1e-10)


@pytest.mark.graded("XOR_WEIGHTS")
@pytest.mark.points(1)
@pytest.mark.hint("XOR_WEIGHTS 는 배치 (batch) 의 순서와 관계없이 XOR 을 푸는 숫자 배열 (numeric array) 을 "
                  "담아야 합니다.")
def test_xor_weights_shuffled_batch(sub, ref):
    """네 입력을 세 번씩 넣고 섞은 배치 (shuffled batch) 에서 참조 구현 (reference) 의 순전파 (forward pass) 로 XOR 을 풉니다"""
    rng = np.random.default_rng(2024)
    rows = rng.permutation(np.repeat(np.arange(4), 3))
    X, labels = XOR_X[rows], XOR_LABELS[rows]
    weights = {key: np.asarray(xor_weights(sub)[key], dtype=float) for key in ("W1", "b1", "W2", "b2")}
    out = ref.mlp_forward(X, **weights)
    assert_shape(out, (12, 1), "mlp_forward(X, **XOR_WEIGHTS)")
    assert_equal(np.round(out).astype(int), labels, "섞은 배치 (shuffled batch) 에서 np.round(mlp_forward(X, **XOR_WEIGHTS))")


@pytest.mark.graded("build_xor_model")
@pytest.mark.points(1)
@pytest.mark.timeout(120)
@pytest.mark.hint("은닉층 (hidden layer) 에는 hidden_units 를, keras.utils.set_random_seed(seed) 에는 seed 를 "
                  "쓰세요.")
def test_build_matches_reference(sub, ref):
    """hidden_units = 2, 5, 16 에서 참조 구현 (reference) 의 가중치 모양 (weight shape); seed=3 두 번은 같은 가중치, seed=4 는 다른 가중치"""
    for hidden_units in (2, 5, 16):
        model, what = xor_model(sub.build_xor_model, hidden_units=hidden_units, seed=3)
        reference, _ = xor_model(ref.build_xor_model, hidden_units=hidden_units, seed=3)
        shapes = [w.shape for w in initial_weights(model)]
        expected = [w.shape for w in initial_weights(reference)]
        if shapes != expected:
            raise Mismatch(f"{what} 의 가중치 모양 (weight shape)", "기대한 Dense(hidden_units) -> Dense(1) "
                           "네트워크 (network) 와 다릅니다", expected=expected, received=shapes)
    first = initial_weights(xor_model(sub.build_xor_model, seed=3)[0])
    again = initial_weights(xor_model(sub.build_xor_model, seed=3)[0])
    other = initial_weights(xor_model(sub.build_xor_model, seed=4)[0])
    if not all(np.array_equal(a, b) for a, b in zip(first, again)):
        raise Mismatch("두 번 호출한 build_xor_model(seed=3)", "초기 가중치 (initial weights) 가 서로 다릅니다")
    if all(np.array_equal(a, b) for a, b in zip(first, other)):
        raise Mismatch("build_xor_model(seed=3) 과 build_xor_model(seed=4)",
                       "초기 가중치 (initial weights) 가 같습니다: seed 인자 (argument) 가 무시됩니다")


@pytest.mark.graded("train_xor_model")
@pytest.mark.points(1)
@pytest.mark.timeout(120)
@pytest.mark.hint("주어진 모델을 XOR_X, XOR_Y 로 `epochs` 에포크 (epoch) 동안 학습 (fit) 하세요 (batch_size=4). "
                  "기본값 (default) 은 epochs=100 입니다.")
def test_train_learns_on_reference_model(sub, ref):
    """참조 구현 (reference) build_xor_model 의 모델이 기본 epochs 로 XOR 을 학습합니다 (에포크 (epoch) 100 개 기록)"""
    keras = keras_module()
    model = ref.build_xor_model()
    history = sub.train_xor_model(model)
    if not isinstance(history, keras.callbacks.History):
        raise Mismatch("train_xor_model(model)", "model.fit 이 돌려주는 keras.callbacks.History 여야 합니다",
                       received=type(history).__name__)
    assert_equal(len(history.history.get("loss", [])), 100,
                 "train_xor_model(model) 이 기록한 에포크 (epoch) 수 (기본 epochs)")
    check_xor_predictions(model, "train_xor_model(model)")


@pytest.mark.graded("train_xor_model")
@pytest.mark.points(1)
@pytest.mark.timeout(120)
@pytest.mark.hint("model.fit 전에 keras.utils.set_random_seed(seed) 를 호출하고 (기본값 (default) 은 seed=0), "
                  "4 개 전체를 한 배치 (full batch) 로 학습하세요.")
def test_train_reproducible(sub, ref):
    """epochs=5, 기본 seed 와 seed=0: 난수 상태 (random state) 와 관계없이 참조 구현 (reference) 과 같은 가중치, 둘이 동일"""
    keras = keras_module()
    model = ref.build_xor_model(seed=1)
    ref.train_xor_model(model, epochs=5, seed=0)
    expected = initial_weights(model)
    trained = []
    for disturbance, kwargs in [(5, {}), (6, {"seed": 0})]:
        model = ref.build_xor_model(seed=1)
        keras.utils.set_random_seed(disturbance)
        sub.train_xor_model(model, epochs=5, **kwargs)
        trained.append(initial_weights(model))
        for index, (got, want) in enumerate(zip(trained[-1], expected)):
            what = f"train_xor_model(model, epochs=5{', seed=0' if kwargs else ''}) 뒤의 가중치 배열 (weight array) {index}"
            assert_close(got, want, what, rtol=1e-4, atol=1e-6)
    for index, (a, b) in enumerate(zip(*trained)):
        if not np.array_equal(a, b):
            raise Mismatch(f"train_xor_model(model, epochs=5, seed=0) 뒤의 가중치 배열 (weight array) {index}",
                           "같은 시작 모델에서 train_xor_model(model, epochs=5) 뒤의 것과 다릅니다: 기본 seed 가 0 이 "
                           "아니거나, 결과가 호출 전의 난수 상태 (random state) 에 따라 달라집니다")
