"""Hidden checks of 04_training_skills: seeded random inputs, compared with the reference."""
import numpy as np
import pytest

from grader.core.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_ndarray, assert_shape, call

pytestmark = pytest.mark.hidden


@pytest.mark.graded("iterations_per_epoch")
@pytest.mark.points(1)
@pytest.mark.hint("ceil(n_samples / batch_size) 를 int 로 돌려주세요. batch_size 가 1 이거나, n_samples 와 "
                  "같거나, 더 클 때도 마찬가지입니다.")
def test_iterations_random(sub, ref):
    """무작위 크기에서 참조 구현 (reference) 과 일치: batch_size 가 1, n_samples 와 같음, 또는 더 큼"""
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
@pytest.mark.hint("order = np.random.default_rng(seed).permutation(n) (shuffle 하지 않으면 np.arange(n)) 를 "
                  "batch_size 개씩 연속된 조각으로 자릅니다. X 에 축 (axis) 이 더 있어도 (예: (n, 8, 8)) 동작해야 "
                  "합니다.")
def test_minibatches_match_reference(sub, ref):
    """참조 구현 (reference) 과 같은 배치 (batch): X 는 (n, d), (n, 8, 8) 또는 (n, 4, 2), n 1-40, batch_size 1-64 (n 이상 포함), shuffle 켬/끔"""
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
        assert_equal(len(got), len(expected), f"{what} 의 배치 (batch) 수")
        for k, ((Xb, yb), (Xe, ye)) in enumerate(zip(got, expected)):
            assert_close(Xb, Xe, f"{what} 의 배치 (batch) {k} 의 Xb", rtol=0.0)
            assert_equal(yb, ye, f"{what} 의 배치 (batch) {k} 의 yb")


@pytest.mark.graded("leaky_relu")
@pytest.mark.points(1)
@pytest.mark.hint("leaky_relu 는 스칼라 (scalar) 와 어떤 모양 (shape) 의 배열에서도 원소별 (elementwise) 로, "
                  "[0, 1) 의 어떤 alpha 에서도 동작해야 하고, z 와 alpha 가 정수 (integer) 여도 실수 (float) 를 "
                  "돌려줘야 합니다.")
def test_leaky_relu_random(sub, ref):
    """무작위 배열 (축 (axis) 0-3 개, alpha 0 부터 0.3), -4.0, 그리고 alpha = 0 인 정수 (integer) 배열 (실수 (float) 로) 에서 참조 구현 (reference) 과 일치"""
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
        raise Mismatch(call("leaky_relu", z, alpha=0), "z 와 alpha 가 정수 (integer) 여도 실수 (float) 를 "
                       "돌려줘야 합니다")


QUIZ_HINTS = {
    "binary_output": "출력 뉴런 (neuron) 하나가 0 과 1 사이의 확률 (probability) 을 내야 합니다.",
    "multiclass_output": "출력 10 개가 합이 1 인 확률 (probability) 이어야 합니다 (정답 클래스 (class) 는 정확히 "
                         "하나).",
    "multilabel_output": "출력 하나하나가 독립적인 예/아니오 (yes/no) 확률 (probability) 이고, 합이 1 일 필요는 "
                         "없습니다.",
    "regression_output": "출력은 음수든 큰 값이든 어떤 실수 (real number) 도 될 수 있습니다: 찌그러뜨리거나 "
                         "(squash) 잘라 내지 (clip) 마세요.",
    "hidden_default": "깊은 신경망의 은닉층 (hidden layer) 에서 흔히 쓰는 기본값 (default): 계산이 싸고, "
                      "z > 0 에서 포화 (saturation) 되지 않습니다.",
    "dying_relu_fix": "z <= 0 에서도 작은 기울기 (slope) 를 남겨, 기울기 (gradient) 가 정확히 0 이 되지 "
                      "않게 합니다.",
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
            raise Mismatch("ACTIVATION_QUIZ", f"{key!r} 에 대한 답이 없습니다")
        if normalized(quiz[key]) != ref.ACTIVATION_QUIZ[key]:
            raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', "기대한 답 (expected) 이 아닙니다",
                           expected=ref.ACTIVATION_QUIZ[key], received=quiz[key])
    test.__name__ = f"test_quiz_{key}"
    test.__doc__ = f'ACTIVATION_QUIZ["{key}"] 의 답'
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
@pytest.mark.hint("지금까지의 최솟값 (best) 보다 엄격히 작아지면 (strict improvement) 카운터 (counter) 를 0 으로 "
                  "되돌립니다. 카운터가 patience 에 도달한 에포크 (epoch) (0 부터 센 번호) 에서 멈추고, 끝까지 "
                  "멈추지 않으면 마지막 에포크에서 끝납니다.")
def test_early_stopping_random(sub, ref):
    """에포크 (epoch) 1-39 개의 무작위 검증 곡선 (validation curve) 40 개 (리스트 (list) 로), patience 1-5 에서 참조 구현 (reference) 과 일치"""
    rng = np.random.default_rng(404)
    for _ in range(40):
        losses = random_losses(rng, int(rng.integers(1, 40))).tolist()
        patience = int(rng.integers(1, 6))
        got = sub.early_stopping_epoch(list(losses), patience)
        assert_integer(got, call("early_stopping_epoch", losses, patience))
        assert_equal(got, ref.early_stopping_epoch(losses, patience), call("early_stopping_epoch", losses, patience))


@pytest.mark.graded("early_stopping_epoch")
@pytest.mark.points(1)
@pytest.mark.hint("지금까지의 최솟값 (best) 과 같은 손실 (loss) 은 개선 (improvement) 이 아닙니다. 입력이 "
                  "NumPy 배열 (array) 일 수도 있습니다.")
def test_early_stopping_ties(sub, ref):
    """값이 반복되는 곡선 40 개 (NumPy 배열 (array) 로), patience 1-4 에서 참조 구현 (reference) 과 일치"""
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
@pytest.mark.hint("규칙 (rule) 을 순서대로 확인하세요: val[-1] > 1.1 * min(val) -> overfitting, 아니면 "
                  "train[-1] > 0.5 * train[0] -> underfitting, 둘 다 아니면 good. 기준값 (threshold) 은 정확히 "
                  "검증 손실 (validation loss) 최솟값보다 10 % 위, 그리고 첫 훈련 손실 (training loss) 의 "
                  "절반입니다.")
def test_fit_diagnosis_random(sub, ref):
    """무작위 학습 곡선 (learning curve) 60 개 (리스트 (list) 로) 와 두 기준값 (threshold) 의 1 % 위아래 곡선에서 참조 구현 (reference) 과 일치"""
    rng = np.random.default_rng(406)
    cases = [tuple(curve.tolist() for curve in random_curves(rng, int(rng.integers(2, 30)))) for _ in range(60)]
    for train, val in cases + near_thresholds():
        got = sub.fit_diagnosis(list(train), list(val))
        assert_equal(got, ref.fit_diagnosis(train, val), call("fit_diagnosis", np.array(train), np.array(val)))


@pytest.mark.graded("dropout_forward")
@pytest.mark.points(1)
@pytest.mark.hint("rng = np.random.default_rng(seed); keep = rng.random(x.shape) >= p; mask = keep / (1 - p); "
                  "out = x * mask. 뽑은 값이 정확히 p 인 유닛 (unit) 은 남깁니다 (>=).")
def test_dropout_matches_reference(sub, ref):
    """참조 구현 (reference) 과 같은 out 과 mask: seed 0-4, 축 (axis) 1-3 개, p 0.2 부터 0.9, 그리고 뽑은 값 하나와 같은 p"""
    rng = np.random.default_rng(407)
    draws = np.random.default_rng(4).random((6, 5))          # what seed=4 draws for a (6, 5) x
    on_a_draw = float(draws.flat[np.argmin(np.abs(draws - 0.5))])
    for trial, (shape, p) in enumerate([((10,), 0.5), ((4, 6), 0.2), ((3, 4, 5), 0.9), ((50, 20), 0.35),
                                        ((6, 5), on_a_draw)]):
        x = rng.normal(size=shape)
        what = call("dropout_forward", x, p, seed=trial)
        out, mask = sub.dropout_forward(x.copy(), p, seed=trial)
        out_ref, mask_ref = ref.dropout_forward(x, p, seed=trial)
        assert_close(mask, mask_ref, f"{what} 의 mask", rtol=1e-12)
        assert_close(out, out_ref, f"{what} 의 out", rtol=1e-12)


@pytest.mark.graded("dropout_forward")
@pytest.mark.points(1)
@pytest.mark.hint("p = 0 이면 아무것도 버리지 않고 1 배로 둡니다. train=False 는 어떤 모양 (shape) 이든 x 와 "
                  "모두 1 인 배열을 돌려줍니다. seed 가 없으면 (seed=None, 기본값 (default)) 호출 (call) 할 때마다 "
                  "새 마스크 (mask) 를 뽑습니다.")
def test_dropout_edge_cases(sub):
    """x (3, 4, 5): p = 0 은 아무것도 바꾸지 않음, train=False 는 x 와 모두 1, seed 없이 (p = 0.5) 는 호출 (call) 마다 새 mask"""
    x = np.random.default_rng(408).normal(size=(3, 4, 5))
    out, mask = sub.dropout_forward(x.copy(), 0.0, seed=1)
    assert_close(out, x, f"{call('dropout_forward', x, 0.0, seed=1)} 의 out", rtol=0.0)
    assert_close(mask, np.ones_like(x), f"{call('dropout_forward', x, 0.0, seed=1)} 의 mask", rtol=0.0)
    out, mask = sub.dropout_forward(x.copy(), 0.6, train=False)
    assert_close(out, x, f"{call('dropout_forward', x, 0.6, train=False)} 의 out", rtol=0.0)
    assert_close(mask, np.ones_like(x), f"{call('dropout_forward', x, 0.6, train=False)} 의 mask", rtol=0.0)
    masks = []
    for k in range(2):
        what = f"{call('dropout_forward', x, 0.5)} ({k + 1} 번째 호출 (call), seed 없음)"
        out, mask = sub.dropout_forward(x.copy(), 0.5)
        mask = assert_shape(mask, x.shape, f"{what} 의 mask")
        if not np.all((mask == 0.0) | (mask == 2.0)):
            raise Mismatch(f"{what} 의 mask", "0 과 1/(1-p) 만 담아야 합니다")
        assert_close(out, x * mask, f"{what} 의 out 을 x * mask 와 비교", rtol=1e-12)
        masks.append(mask)
    if np.array_equal(masks[0], masks[1]):
        raise Mismatch(f"{call('dropout_forward', x, 0.5)} 의 두 번의 호출 (call)", "같은 마스크 (mask) 를 "
                       "뽑았습니다: seed 가 없으면 (seed=None) 호출할 때마다 새 마스크를 뽑아야 합니다")


@pytest.mark.graded("dropout_backward")
@pytest.mark.points(1)
@pytest.mark.hint("각 유닛 (unit) 의 기울기 (gradient) 에는 그 유닛의 마스크 (mask) 값이 곱해집니다. 어떤 "
                  "모양 (shape) 의 배열에서도 마찬가지입니다.")
def test_dropout_backward_random(sub, ref):
    """축 (axis) 1-3 개의 무작위 기울기 (gradient) 와 mask, p 0.25 부터 0.75 에서 참조 구현 (reference) 과 일치"""
    rng = np.random.default_rng(409)
    for trial, (shape, p) in enumerate([((8,), 0.5), ((5, 7), 0.25), ((2, 3, 4), 0.75)]):
        _, mask = ref.dropout_forward(rng.normal(size=shape), p, seed=trial)
        dout = rng.normal(size=shape)
        assert_close(sub.dropout_backward(dout.copy(), mask.copy()), ref.dropout_backward(dout, mask),
                     call("dropout_backward", dout, mask), rtol=1e-12)


@pytest.mark.graded("random_shift")
@pytest.mark.points(1)
@pytest.mark.hint("dy, dx = rng.integers(-max_shift, max_shift + 1, size=2) 는 이미지마다 한 번 호출 (call) "
                  "합니다. out[i, j] = img[i - dy, j - dx] 이고, 그 위치가 img 밖이면 0 입니다.")
def test_random_shift_matches_reference(sub, ref):
    """(8, 8), (5, 9), (12, 7) 이미지, 자료형 (dtype) 4 가지, max_shift 1-4, rng 하나로 호출 (call) 10 번: 참조 구현 (reference) 과 같은 이미지"""
    data = np.random.default_rng(410)
    for trial, (shape, max_shift, dtype) in enumerate([((8, 8), 1, np.float64), ((8, 8), 3, np.uint8),
                                                       ((5, 9), 2, np.int64), ((12, 7), 4, np.float32)]):
        rng_sub, rng_ref = np.random.default_rng(trial), np.random.default_rng(trial)
        for k in range(10):
            img = data.integers(1, 17, size=shape).astype(dtype)
            what = f"{call('random_shift', img, max_shift, 'rng')} (rng 하나로 {k + 1} 번째 호출 (call))"
            given = img.copy()
            got = sub.random_shift(given, max_shift, rng_sub)
            expected = ref.random_shift(img, max_shift, rng_ref)
            assert_shape(got, expected.shape, what)
            if np.asarray(got).dtype != expected.dtype:
                raise Mismatch(what, "img 의 자료형 (dtype) 을 유지해야 합니다", expected=str(expected.dtype),
                               received=str(np.asarray(got).dtype))
            assert_equal(got, expected, what)
            assert_equal(given, img, f"{what} 뒤의 img (바뀌면 안 됩니다)")


@pytest.mark.graded("horizontal_flip")
@pytest.mark.points(1)
@pytest.mark.hint("어떤 (h, w) 이미지든 열 (column) 의 순서를 뒤집으세요. 자료형 (dtype) 은 유지하고, 입력은 "
                  "바꾸지 마세요.")
def test_horizontal_flip_random(sub, ref):
    """무작위 (8, 8) float64, (3, 7) uint8, (6, 2) int64 이미지에서 참조 구현 (reference) 과 일치, 자료형 (dtype) 유지, img 는 그대로"""
    rng = np.random.default_rng(411)
    for shape, dtype in [((8, 8), np.float64), ((3, 7), np.uint8), ((6, 2), np.int64)]:
        img = rng.integers(0, 17, size=shape).astype(dtype)
        before = img.copy()
        got = sub.horizontal_flip(img)
        assert_equal(got, ref.horizontal_flip(before), call("horizontal_flip", before))
        if np.asarray(got).dtype != img.dtype:
            raise Mismatch(call("horizontal_flip", before), "img 의 자료형 (dtype) 을 유지해야 합니다",
                           expected=str(img.dtype), received=str(np.asarray(got).dtype))
        assert_equal(img, before, "horizontal_flip 뒤의 img (바뀌면 안 됩니다)")


@pytest.mark.graded("augment")
@pytest.mark.points(1)
@pytest.mark.hint("rng = np.random.default_rng(seed) 는 한 번만 만듭니다. 복사본 (copy) 마다, 이미지 순서대로 "
                  "random_shift(X[i], 1, rng) 를 적용합니다. 원본이 먼저이고, copies = 0 이면 원본만 나옵니다.")
def test_augment_matches_reference(sub, ref):
    """참조 구현 (reference) 과 같은 이미지와 라벨 (label): X 는 (n, 8, 8) float64, uint8, float32, copies 2, 0, 3, seed 0-2"""
    rng = np.random.default_rng(412)
    for seed, (n, copies, dtype) in enumerate([(5, 2, np.float64), (3, 0, np.uint8), (6, 3, np.float32)]):
        X = rng.integers(0, 17, size=(n, 8, 8)).astype(dtype)
        y = rng.integers(0, 10, size=n)
        what = call("augment", X, y, copies, seed)
        try:
            X_aug, y_aug = sub.augment(X.copy(), y.copy(), copies, seed)
            X_ref, y_ref = ref.augment(X, y, copies, seed)
            assert_shape(X_aug, X_ref.shape, f"{what} 의 X_aug")
            assert_equal(X_aug, X_ref, f"{what} 의 X_aug")
            assert_equal(y_aug, y_ref, f"{what} 의 y_aug")
        except Mismatch:
            if shift_is_right(sub, ref):
                raise
            raise Mismatch(what, "augment 는 여러분의 random_shift 를 쓰는데, random_shift 가 아직 올바르지 "
                           "않습니다. random_shift 를 먼저 고치세요") from None


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
@pytest.mark.hint("열 (column) 마다, 나오는 모든 라벨 (label) 의 표를 세세요 (라벨이 모델 수보다 클 수도 "
                  "있습니다). 동점 (tie) 이면 가장 작은 라벨입니다.")
def test_majority_vote_random(sub, ref):
    """무작위 투표 (동점 (tie) 많음) 에서 참조 구현 (reference) 과 일치: 모델 1-6 개, 샘플 6-50 개, 라벨 (label) 최대 11"""
    rng = np.random.default_rng(413)
    for n_models, n_samples, n_labels in [(2, 30, 3), (4, 40, 5), (5, 25, 10), (1, 6, 4), (6, 50, 12)]:
        predictions = rng.integers(0, n_labels, size=(n_models, n_samples))
        got = sub.majority_vote(predictions.copy())
        assert_ndarray(got, call("majority_vote", predictions))
        assert_integer(got, call("majority_vote", predictions))
        assert_equal(got, ref.majority_vote(predictions), call("majority_vote", predictions))


@pytest.mark.graded("soft_vote")
@pytest.mark.points(1)
@pytest.mark.hint("axis 0 (모델 축) 으로 평균 (mean) 한 뒤, 클래스 (class) 축에서 argmax 를 정수 (integer) 로 "
                  "고르세요.")
def test_soft_vote_random(sub, ref):
    """무작위 확률 (probability) 에서 참조 구현 (reference) 과 일치: 모델 1-5 개, 샘플 5-30 개, 클래스 (class) 2-10 개"""
    rng = np.random.default_rng(414)
    for n_models, n_samples, n_classes in [(3, 20, 2), (5, 30, 4), (2, 10, 10), (1, 5, 3)]:
        probabilities = rng.dirichlet(np.ones(n_classes) * 0.7, size=(n_models, n_samples))
        got = sub.soft_vote(probabilities.copy())
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, ref.soft_vote(probabilities), call("soft_vote", probabilities))
