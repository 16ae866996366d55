"""Public checks of 04_training_skills: fixed inputs, hard-coded expectations."""
import contextlib
import traceback

import numpy as np
import pytest

from grader.core.compare import (Mismatch, assert_close, assert_equal, assert_integer, assert_ndarray, assert_shape,
                                    call, show)

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
    what = spelled("minibatches", "X", "y", batch_size, **kwargs) + f" ({DESCRIPTIONS[len(X)]})"
    try:
        pairs = list(sub.minibatches(X, y, batch_size, **kwargs))
    except TypeError as error:
        if "not iterable" in str(error):
            raise Mismatch(what, "(Xb, yb) 쌍 (pair) 을 하나씩 내보내야 (yield) 합니다 "
                           "(반복문 (loop) 안에서 `yield` 를 쓰세요)",
                           received=None) from None
        raise
    out = []
    for k, pair in enumerate(pairs):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise Mismatch(f"{what} 의 배치 (batch) {k}", "각 항목은 (Xb, yb) 쌍 (pair) 이어야 합니다",
                           received=pair)
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
    @pytest.mark.hint("batch_size 가 n_samples 를 나누어떨어지게 하면 (exact division) 답은 "
                      "n_samples // batch_size 입니다.")
    def test_exact_division(self, sub):
        """batch_size 가 n_samples 를 나누어떨어지게 할 때: 1000 / 100 은 10 이터레이션 (iteration), 60000 / 32 는 1875, 7 / 7 은 1"""
        for n, b, want in [(1000, 100, 10), (60000, 32, 1875), (7, 7, 1)]:
            got = sub.iterations_per_epoch(n, b)
            assert_integer(got, call("iterations_per_epoch", n, b))
            assert_equal(got, want, call("iterations_per_epoch", n, b))

    @pytest.mark.points(1)
    @pytest.mark.hint("더 작은 마지막 배치 (batch) 도 이터레이션 (iteration) 하나로 셉니다: n / batch_size 를 "
                      "올림 (ceiling) 하세요. 내림도 반올림도 아닙니다. 결과는 int 로 돌려주세요.")
    def test_partial_last_batch(self, sub):
        """더 작은 마지막 배치 (batch) 도 셉니다: 1001 / 100 은 11, 10 / 3 은 4, 5 / 10 은 1, 1099 / 100 은 11"""
        for n, b, want in [(1001, 100, 11), (10, 3, 4), (5, 10, 1), (1099, 100, 11)]:
            got = sub.iterations_per_epoch(n, b)
            assert_integer(got, call("iterations_per_epoch", n, b))
            assert_equal(got, want, call("iterations_per_epoch", n, b))


TOY_N = 10
TOY_X = np.stack([np.arange(TOY_N), -10 * np.arange(TOY_N)], axis=1)   # row i is [i, -10 i]
TOY_Y = np.arange(TOY_N)                                              # label of row i is i
DESCRIPTIONS = {10: "X[i] = [i, -10 * i], y[i] = i (i 는 0 부터 9 까지)",
                20: "X = np.arange(40).reshape(20, 2), y = np.arange(20)"}


@pytest.mark.graded("minibatches")
class TestMinibatches:
    @pytest.mark.points(1)
    @pytest.mark.hint("range(n) 의 순열 (permutation) 하나를 연속된 조각으로 자르세요. 인덱스 (index) 를 "
                      "복원 추출 (sampling with replacement) 로 뽑으면 안 됩니다 (rng.integers, "
                      "replace=True 인 rng.choice).")
    def test_every_sample_once(self, sub):
        """샘플 10 개를 배치 크기 (batch size) 3 으로 한 번 돌면 (seed=0) 모든 샘플이 정확히 한 번씩 나옵니다"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 3, seed=0)
        seen = np.sort(order_of(batches))
        assert_equal(seen, np.arange(TOY_N), f"{what} 의 모든 배치 (batch) 의 라벨 (label) 을 정렬한 것")

    @pytest.mark.points(1)
    @pytest.mark.hint("순서 (order) 를 앞에서부터 batch_size 개씩 연속된 조각으로 자르세요. 마지막 조각은 "
                      "더 작을 수 있고, 버리지 않고 남깁니다.")
    def test_batch_sizes(self, sub):
        """샘플 10 개 (특성 (feature) 2 개) 를 배치 크기 (batch size) 3 으로 나누면 (seed=0) 배치 크기가 3, 3, 3, 1 입니다"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 3, seed=0)
        sizes = [len(yb) for _, yb in batches]
        assert_equal(sizes, [3, 3, 3, 1], f"{what} 의 배치 크기 (batch size)")
        for k, (Xb, yb) in enumerate(batches):
            assert_shape(Xb, (sizes[k], 2), f"{what} 의 배치 (batch) {k} 의 Xb")
            assert_shape(yb, (sizes[k],), f"{what} 의 배치 (batch) {k} 의 yb")

    @pytest.mark.points(1)
    @pytest.mark.hint("X 와 y 를 같은 인덱스 (index) 로 고르세요: X[index], y[index].")
    def test_pairs_stay_together(self, sub):
        """Xb 의 각 행 (row) 은 yb 의 자기 라벨 (label) 과 함께 나옵니다 (샘플 10 개, 배치 크기 (batch size) 4, seed=3)"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, seed=3)
        for k, (Xb, yb) in enumerate(batches):
            assert_equal(Xb[:, 0], yb, f"{what} 의 배치 (batch) {k}: Xb 의 행 (row) 들의 라벨 (label) "
                                       f"(X 의 행 i 의 라벨은 i)")

    @pytest.mark.points(1)
    @pytest.mark.hint("순서 (order) 는 np.random.default_rng(seed).permutation(n) 으로 만들고, seed 의 "
                      "기본값 (default) 은 seed=None 입니다: 같은 seed 는 같은 배치 (batch) 를, 다른 seed 나 "
                      "seed 없음은 새 순서를 줍니다.")
    def test_seed(self, sub):
        """샘플 20 개, 배치 크기 (batch size) 6: seed=5 두 번은 같은 순서 (order), seed=6 은 다른 순서, seed 없이는 매번 새 순서"""
        X, y = np.arange(40).reshape(20, 2), np.arange(20)
        first, what = batches_of(sub, X, y, 6, seed=5)
        assert_equal(np.sort(order_of(first)), np.arange(20), f"{what} 의 모든 배치 (batch) 의 라벨 (label) 을 정렬한 것")
        again, _ = batches_of(sub, X, y, 6, seed=5)
        other, what_other = batches_of(sub, X, y, 6, seed=6)
        assert_equal(order_of(again), order_of(first), f"{what} 의 두 번째 호출 (call) 에서 나온 순서 (order)")
        if np.array_equal(order_of(other), order_of(first)):
            raise Mismatch(what_other, "seed=5 와 같은 순서 (order) 를 냈습니다: seed 를 쓰고 있나요?",
                           received=order_of(other))
        unseeded, what_unseeded = batches_of(sub, X, y, 6)
        unseeded_again, _ = batches_of(sub, X, y, 6)
        if np.array_equal(order_of(unseeded), order_of(unseeded_again)):
            raise Mismatch(f"{what_unseeded} 를 두 번 돈 결과", "두 번 모두 같은 순서 (order) 로 나왔습니다: "
                           "seed 가 없으면 (seed=None, 기본값 (default)) 돌 때마다 새로 섞어야 (shuffle) 합니다",
                           received=order_of(unseeded))

    @pytest.mark.points(1)
    @pytest.mark.hint("shuffle=True 이면 order = np.random.default_rng(seed).permutation(n), "
                      "shuffle=False 이면 order = np.arange(n) 입니다.")
    def test_shuffle_flag(self, sub):
        """샘플 10 개, 배치 크기 (batch size) 4: shuffle=False 는 원래 순서 (order) 그대로, shuffle=True, seed=0 은 default_rng(0).permutation(10) 순서"""
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, shuffle=False)
        assert_equal(order_of(batches), np.arange(TOY_N), f"{what} 의 모든 배치 (batch) 의 라벨 (label), 나온 순서대로")
        batches, what = batches_of(sub, TOY_X, TOY_Y, 4, shuffle=True, seed=0)
        assert_equal(order_of(batches), [4, 6, 2, 7, 3, 5, 9, 0, 8, 1],
                     f"{what} 의 모든 배치 (batch) 의 라벨 (label), 나온 순서대로")


# --------------------------------------------------------------------------- activations


@pytest.mark.graded("leaky_relu")
class TestLeakyRelu:
    @pytest.mark.points(1)
    @pytest.mark.hint("양수 z 는 그대로 통과하고, z <= 0 이면 alpha 를 곱합니다. 호출하는 쪽이 alpha 를 "
                      "주지 않으면 alpha 는 0.01 입니다.")
    def test_default_alpha(self, sub):
        """기본값 (default) alpha = 0.01, z = [-2, -0.5, 0, 0.5, 3] 에서"""
        z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
        assert_close(sub.leaky_relu(z), [-0.02, -0.005, 0.0, 0.5, 3.0], call("leaky_relu", z), rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("고정된 0.01 이 아니라 인자 (argument) alpha 를, 음수 쪽에만 쓰세요. 어떤 모양 (shape) 의 "
                      "배열이든 통째로 처리하고, z 가 정수 (integer) 여도 실수 (float) 를 돌려주세요 "
                      "(alpha * z 가 정수로 잘리면 안 됩니다).")
    def test_alpha_and_shape(self, sub):
        """alpha = 0.2, (2, 3) 실수 (float) 배열과 정수 (integer) 배열 [-5, 0, 3] 에서: 같은 모양 (shape) 의 실수가 나옵니다"""
        z = np.array([[-5.0, 1.0, -1.0], [2.0, -0.1, 0.0]])
        assert_close(sub.leaky_relu(z, alpha=0.2), [[-1.0, 1.0, -0.2], [2.0, -0.02, 0.0]],
                     call("leaky_relu", z, alpha=0.2), rtol=1e-12)
        z = np.array([-5, 0, 3])
        what = call("leaky_relu", z, alpha=0.2) + " (정수 (integer) 배열)"
        got = sub.leaky_relu(z, alpha=0.2)
        assert_close(got, [-1.0, 0.0, 3.0], what, rtol=1e-12)
        if np.asarray(got).dtype.kind != "f":
            raise Mismatch(what, "실수 (float) 를 돌려줘야 합니다 (노트북이 실수 배열을 요구합니다)",
                           expected="실수 (float) 배열", received=got)


def normalized(answer):
    return answer.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(answer, str) else answer


@pytest.mark.graded("ACTIVATION_QUIZ")
class TestActivationQuiz:
    @pytest.mark.points(1)
    @pytest.mark.hint('ACTIVATION_QUIZ 는 표의 키 (key) 여섯 개를 가진 딕셔너리 (dict) 입니다. 각 값은 '
                      '"sigmoid", "softmax", "tanh", "relu", "leaky_relu", "linear" 중 하나입니다.')
    def test_format(self, sub):
        """답 여섯 개가 모두 있는 딕셔너리 (dict), 각 답은 허용된 선택지 (choice) 중 하나"""
        quiz = sub.ACTIVATION_QUIZ
        if not isinstance(quiz, dict):
            raise Mismatch("ACTIVATION_QUIZ", f"딕셔너리 (dict) 여야 하는데 {type(quiz).__name__} 입니다",
                           received=quiz)
        missing = [key for key in QUIZ_KEYS if key not in quiz]
        if missing:
            raise Mismatch("ACTIVATION_QUIZ", f"빠진 키 (key): {', '.join(missing)}",
                           expected=list(QUIZ_KEYS), received=list(quiz))
        for key in QUIZ_KEYS:
            answer = quiz[key]
            if answer is None:
                raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', "아직 답하지 않았습니다 (not implemented yet): 값이 아직 "
                               "None 입니다. `# YOUR CODE HERE` 아래에서 허용된 답 중 하나로 정하세요")
            if not isinstance(answer, str):
                raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', f"문자열 (string) 이어야 하는데 {type(answer).__name__} 입니다",
                               received=answer)
            if normalized(answer) not in QUIZ_CHOICES:
                raise Mismatch(f'ACTIVATION_QUIZ["{key}"]', "허용된 답 중 하나가 아닙니다",
                               expected=" | ".join(QUIZ_CHOICES), received=answer)


# --------------------------------------------------------------------------- overfitting


@pytest.mark.graded("early_stopping_epoch")
class TestEarlyStopping:
    @pytest.mark.points(1)
    @pytest.mark.hint("지금까지의 최솟값 (best) 보다 엄격히 작아지지 (strict improvement) 않은 에포크 (epoch) 를 "
                      "세고, 그 수가 patience 에 도달한 에포크의 번호 (0 부터 셈) 를 돌려주세요.")
    def test_worked_example(self, sub):
        """노트북의 예 (worked example), patience 1, 2, 3"""
        losses = [0.9, 0.7, 0.8, 0.6, 0.65, 0.6, 0.7]
        for patience, want in [(3, 6), (2, 5), (1, 2)]:
            got = sub.early_stopping_epoch(losses, patience)
            assert_integer(got, call("early_stopping_epoch", losses, patience))
            assert_equal(got, want, call("early_stopping_epoch", losses, patience))

    @pytest.mark.points(1)
    @pytest.mark.hint("카운터 (counter) 가 끝까지 patience 에 도달하지 않으면 마지막 에포크 (epoch) 번호 "
                      "len(val_losses) - 1 을 돌려주세요 (에포크는 0 부터 셉니다).")
    def test_never_stops(self, sub):
        """한 번도 멈추지 않으면 마지막 에포크 (epoch) 번호 (곡선 세 개, patience 1, 3, 2, 하나는 에포크 하나뿐)"""
        cases = [([1.0, 0.8, 0.6, 0.5, 0.4], 1, 4),
                 ([1.0, 0.9, 0.95, 0.97, 0.8, 0.85], 3, 5),
                 ([0.5], 2, 0)]
        for losses, patience, want in cases:
            got = sub.early_stopping_epoch(losses, patience)
            assert_integer(got, call("early_stopping_epoch", losses, patience))
            assert_equal(got, want, call("early_stopping_epoch", losses, patience))

    @pytest.mark.points(1)
    @pytest.mark.hint("직전 에포크 (epoch) 가 아니라 지금까지의 최솟값 (best) 과 비교하세요. 최솟값과 같은 "
                      "손실 (loss) 은 개선 (improvement) 이 아닙니다: 엄격히 작아져야 (strictly smaller) 개선입니다.")
    def test_best_so_far_and_ties(self, sub):
        """지금까지의 최솟값 (best) 과 비교, 같은 손실 (loss) 은 개선 (improvement) 이 아님 (곡선 세 개, patience 2, 2, 3)"""
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
    @pytest.mark.hint('규칙 (rule) 1: val_losses[-1] > 1.1 * min(val_losses) 이면 "overfitting" 이고, '
                      '이 규칙을 가장 먼저 확인합니다.')
    def test_overfitting(self, sub):
        """검증 손실 (validation loss) 이 최솟값보다 10 % 넘게 다시 오르면 overfitting (곡선 세 개, 하나는 underfitting 조건에도 해당)"""
        cases = [([2.0, 1.0, 0.5, 0.2], [2.1, 1.2, 0.9, 1.3]),
                 ([2.0, 1.9, 1.8, 1.7], [2.0, 1.0, 1.2, 1.3]),        # rule 1 wins over rule 2
                 ([1.0, 0.1, 0.05, 0.01], [1.0, 0.3, 0.333, 0.34])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "overfitting", call("fit_diagnosis", train, val))

    @pytest.mark.points(1)
    @pytest.mark.hint('규칙 (rule) 2: 규칙 1 에 해당하지 않고 train_losses[-1] > 0.5 * train_losses[0] '
                      '이면 "underfitting" 입니다.')
    def test_underfitting(self, sub):
        """훈련 손실 (training loss) 이 절반도 줄지 않으면 (검증 손실은 오르지 않음) underfitting (곡선 세 쌍)"""
        cases = [([2.0, 1.8, 1.5, 1.2], [2.1, 1.9, 1.6, 1.3]),
                 ([1.0, 0.7, 0.6, 0.55], [1.0, 0.6, 0.62, 0.64]),
                 ([0.2, 0.15, 0.12, 0.11], [0.1, 0.09, 0.095, 0.098])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "underfitting", call("fit_diagnosis", train, val))

    @pytest.mark.points(1)
    @pytest.mark.hint('규칙 (rule) 3: 규칙 1 도 규칙 2 도 아니면 "good" 입니다. 검증 손실 (validation loss) 의 '
                      '첫 값이 아니라 최솟값과 비교하세요.')
    def test_good(self, sub):
        """훈련 손실 (training loss) 은 절반 넘게 줄고 검증 손실은 최솟값의 10 % 이내: good (곡선 네 쌍, 하나는 배열 (array))"""
        cases = [([2.0, 1.0, 0.5, 0.3], [2.1, 1.1, 0.6, 0.5]),
                 ([1.0, 0.4, 0.3, 0.2], [1.0, 0.5, 0.45, 0.48]),
                 ([3.0, 0.5, 0.2, 0.1], [3.0, 0.9, 0.8, 0.85])]
        for train, val in cases:
            assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val))
        train, val = np.array([2.0, 1.0, 0.5]), np.array([2.0, 1.2, 1.0])
        assert_equal(sub.fit_diagnosis(train, val), "good", call("fit_diagnosis", train, val) + " (배열 (array) 로)")

    @pytest.mark.points(1)
    @pytest.mark.hint("두 규칙 (rule) 모두 엄격한 부등호 (strict inequality) > 로 비교합니다: 마지막 손실 (loss) 이 "
                      "정확히 기준값 (threshold) 과 같으면 그 규칙에 해당하지 않습니다.")
    def test_exactly_on_the_thresholds(self, sub):
        """정확히 기준값 (threshold) 일 때 (val[-1] == 1.1 * min(val) 또는 train[-1] == 0.5 * train[0]): 어느 규칙에도 해당하지 않음"""
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
    @pytest.mark.hint("p 는 남길 확률 (keep probability) 이 아니라 버릴 확률 (drop probability) 입니다: "
                      "출력의 약 p 비율이 0 이 됩니다.")
    def test_drop_fraction(self, sub):
        """np.ones((400, 500)) 의 유닛 (unit) 중 약 p 비율을 버립니다 (p = 0.3 과 p = 0.7, seed=0)"""
        x = np.ones((400, 500))
        for p in (0.3, 0.7):
            out, _ = sub.dropout_forward(x, p, seed=0)
            what = spelled("dropout_forward", "np.ones((400, 500))", p, seed=0)
            out = assert_shape(out, x.shape, f"{what} 의 out")
            assert_close(np.mean(out == 0), p, f"{what} 의 out 에서 0 의 비율 (유닛 (unit) 200000 개)",
                         rtol=0.02)

    @pytest.mark.points(1)
    @pytest.mark.hint("역 드롭아웃 (inverted dropout) 은 남긴 유닛 (unit) 을 1 / (1 - p) 배 키웁니다. 그래서 "
                      "out 의 평균 (mean) 이 x 의 평균과 같게 유지됩니다.")
    def test_expected_value_kept(self, sub):
        """역 드롭아웃 (inverted dropout): np.ones((400, 500)) 에서 out 의 평균 (mean) 이 1 로 유지 (p = 0.5 와 p = 0.8, seed=1)"""
        x = np.ones((400, 500))
        for p in (0.5, 0.8):
            out, _ = sub.dropout_forward(x, p, seed=1)
            what = spelled("dropout_forward", "np.ones((400, 500))", p, seed=1)
            out = assert_shape(out, x.shape, f"{what} 의 out")
            assert_close(out.mean(), 1.0, f"{what} 의 mean(out) (유닛 (unit) 200000 개, mean(x) = 1)", rtol=0.02)

    @pytest.mark.points(1)
    @pytest.mark.hint("mask = keep / (1 - p) (버린 곳은 0, 남긴 곳은 1/(1-p)) 이고 out = x * mask 입니다. "
                      "같은 seed 는 같은 마스크 (mask) 를 줍니다.")
    def test_mask(self, sub):
        """x 는 (6, 5) 정규분포 (normal) 배열, p = 0.4, seed=3: out = x * mask, mask 는 0 또는 1/(1-p), seed 가 mask 를 정함"""
        x = np.random.default_rng(7).normal(size=(6, 5))
        p = 0.4
        what = spelled("dropout_forward", "x", p, seed=3) + " (x 는 정규분포 (normal) 표본으로 채운 (6, 5) 배열)"
        out, mask = sub.dropout_forward(x, p, seed=3)
        mask = assert_shape(mask, x.shape, f"{what} 의 mask")
        out = assert_shape(out, x.shape, f"{what} 의 out")
        allowed = np.isclose(mask, 0.0) | np.isclose(mask, 1 / (1 - p), rtol=1e-12)
        if not allowed.all():
            raise Mismatch(f"{what} 의 mask", "0 과 1/(1-p) 만 담아야 합니다",
                           expected=f"0 또는 {1 / (1 - p):.6g}", received=mask[~allowed][0])
        assert_close(out, x * mask, f"{what} 의 out 을 x * mask 와 비교", rtol=1e-12)
        out_again, _ = sub.dropout_forward(x, p, seed=3)
        assert_close(out_again, out, f"{what} 의 두 번째 호출 (call) 의 out", rtol=0.0)

    @pytest.mark.points(1)
    @pytest.mark.hint("train=False 이면 x 를 그대로, 마스크 (mask) 는 모두 1 인 배열로 돌려주세요: 테스트 (test) "
                      "때는 버리지도 키우지도 (scaling) 않습니다.")
    def test_not_training(self, sub):
        """train=False (x 는 (4, 6) 정규분포 (normal) 배열, p = 0.5): out 은 x, mask 는 모두 1"""
        x = np.random.default_rng(8).normal(size=(4, 6))
        what = spelled("dropout_forward", "x", 0.5, train=False, seed=2) + " (x 는 정규분포 (normal) 표본으로 채운 (4, 6) 배열)"
        out, mask = sub.dropout_forward(x, 0.5, train=False, seed=2)
        assert_close(out, x, f"{what} 의 out", rtol=0.0)
        assert_close(mask, np.ones_like(x), f"{what} 의 mask", rtol=0.0)


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
    what = f"dropout_forward(x, {p}, seed={seed}) (이 dropout_backward 검사 (check) 가 쓰는 함수)"
    try:
        first, again = sub.dropout_forward(x.copy(), p, seed=seed), sub.dropout_forward(x.copy(), p, seed=seed)
    except NotImplementedError:
        raise Mismatch(what, "아직 구현되지 않았습니다 (not implemented): dropout_forward 를 먼저 완성하세요") from None
    for result in (first, again):
        if not isinstance(result, tuple) or len(result) != 2:
            raise Mismatch(what, "(out, mask) 쌍 (pair) 을 돌려줘야 합니다: dropout_forward 를 먼저 고치세요",
                           received=result)
    masks = [assert_shape(result[1], x.shape, f"{what} 의 mask") for result in (first, again)]
    if not np.array_equal(masks[0], masks[1]):
        raise Mismatch(what, "같은 seed 에 서로 다른 마스크 (mask) 두 개를 냈습니다: dropout_forward 를 먼저 고치세요")
    return masks[0]


@pytest.mark.graded("dropout_backward")
class TestDropoutBackward:
    @pytest.mark.points(1)
    @pytest.mark.hint("각 유닛 (unit) 의 기울기 (gradient) 는 순전파 (forward) 때와 같은 마스크 (mask) 값을 "
                      "거칩니다: 버린 유닛으로는 기울기가 흐르지 않고, 남긴 유닛의 기울기는 1/(1-p) 배가 됩니다.")
    def test_uses_mask(self, sub):
        """(2, 3) dout 과 0 과 2 로 된 주어진 mask: 버린 유닛 (unit) 은 기울기 (gradient) 0, 남긴 유닛은 자기 기울기의 두 배"""
        dout = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
        mask = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])
        assert_close(sub.dropout_backward(dout, mask), [[2.0, 0.0, 6.0], [0.0, 8.0, -2.0]],
                     call("dropout_backward", dout, mask), rtol=1e-12)

    @pytest.mark.points(1)
    @pytest.mark.hint("out = x * mask 이므로 원소별 (elementwise) 로 d(out)/dx = mask 입니다. mask 는 여러분의 "
                      "dropout_forward 가 돌려준 것입니다 (노트북에 적힌 대로 이 검사 (check) 는 dropout_forward "
                      "를 호출합니다).")
    def test_gradient_check(self, sub):
        """x, dout 은 (5, 4) 배열, p = 0.3, seed=4: 여러분의 dropout_forward 의 수치 기울기 (numerical gradient) 와 일치 (float64)"""
        rng = np.random.default_rng(9)
        x, dout, p = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), 0.3
        mask = forward_mask(sub, x, p, seed=4)
        dx = sub.dropout_backward(dout, mask)
        expected = numerical_gradient(lambda v: float(np.sum(sub.dropout_forward(v, p, seed=4)[0] * dout)),
                                      x.copy())
        assert_close(dx, expected, f"dropout_backward(dout, mask) (mask 는 dropout_forward(x, {p}, seed=4) 가 "
                     f"돌려준 것, x, dout 은 (5, 4) 배열) 를 sum(dropout_forward(x, {p}, seed=4)[0] * dout) 의 "
                     f"수치 기울기 (numerical gradient) 와 비교", rtol=1e-7, atol=1e-9)


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
        raise Mismatch(what, "img 의 자료형 (dtype) 을 유지해야 합니다", expected=str(expected.dtype),
                       received=str(out.dtype))
    if not np.array_equal(out, expected):
        dy, dx = shift
        if np.allclose(out, expected, rtol=1e-9, atol=1e-9):
            problem = ("이동은 맞지만 픽셀 값 (pixel value) 이 아주 조금 다릅니다: 이동은 값을 보간 (interpolation) 하지 "
                       "않고 그대로 옮기기만 하므로, 값이 정확히 (exactly) 같아야 합니다")
        elif shift == (0, 0):
            problem = "(dy, dx) = (0, 0) 이면 아무것도 움직이지 않습니다: 이미지가 그대로 돌아와야 합니다"
        else:
            moves = [f"{'아래' if dy > 0 else '위'}로 {abs(dy)} 픽셀 (pixel)"] if dy else []
            moves += [f"{'오른쪽' if dx > 0 else '왼쪽'}으로 {abs(dx)} 픽셀 (pixel)"] if dx else []
            problem = (f"rng 에서 뽑은 값이 (dy, dx) = ({dy}, {dx}) 이므로 img 는 {', '.join(moves)} 이동하고, "
                       f"비는 자리는 0 으로 채워져야 합니다")
        raise Mismatch(what, problem, expected=expected, received=out)


@pytest.mark.graded("random_shift")
class TestRandomShift:
    @pytest.mark.points(1)
    @pytest.mark.hint("out[i, j] = img[i - dy, j - dx] 입니다: dy 가 양수면 그림이 아래로, dx 가 양수면 오른쪽으로 "
                      "움직입니다. img 밖에서 들어올 픽셀 (pixel) 은 0 입니다 (np.roll 처럼 반대편으로 돌아 들어오지 "
                      "않습니다). dy 와 dx 는 넘겨받은 rng 에서 이 순서로 뽑은 두 수입니다.")
    def test_moves_as_drawn(self, sub):
        """img = np.arange(1, 13).reshape(3, 4), max_shift = 1, rng = default_rng(0, 9, 11, 14, 2): 뽑은 대로 이동 (shift)"""
        for seed, (shift, expected) in SMALL_SHIFTED.items():
            what = f"{spelled('random_shift', 'img', 1, 'rng')} ({SMALL_TEXT}, rng = np.random.default_rng({seed}))"
            assert_shifted(sub.random_shift(SMALL.copy(), 1, np.random.default_rng(seed)), expected, what, shift)

    @pytest.mark.points(1)
    @pytest.mark.hint("결과는 img 와 모양 (shape) 과 자료형 (dtype) 이 같은 새 배열입니다: 이동한 픽셀 (pixel) 은 "
                      "그 새 배열에 값 그대로 (보간 (interpolation) 없이) 쓰고, img 자체에는 절대 쓰지 마세요. "
                      "max_shift = 0 이면 아무것도 움직이지 않습니다.")
    def test_dtype_kept_and_img_untouched(self, sub):
        """uint8, float32 와 float64 img (3, 4), max_shift = 1 (default_rng(2)) 과 0 (default_rng(0)): 자료형 (dtype) 유지, 값은 정확히 (exactly) 옮김, img 는 그대로"""
        shift, moved = SMALL_SHIFTED[2]
        for dtype, scale in [(np.uint8, 1), (np.float32, 0.5), (np.float64, 0.1)]:
            img = (SMALL * scale).astype(dtype)
            name = (f"(np.arange(1, 13).reshape(3, 4) * {scale})" if scale != 1 else "np.arange(1, 13).reshape(3, 4)") \
                + f".astype(np.{dtype.__name__})"
            for max_shift, seed, expected, drawn in [(1, 2, (np.asarray(moved) * scale).astype(dtype), shift),
                                                     (0, 0, img.copy(), (0, 0))]:
                before = img.copy()
                what = f"{spelled('random_shift', 'img', max_shift, 'rng')} (img = {name}, " \
                       f"rng = np.random.default_rng({seed}))"
                out = sub.random_shift(img, max_shift, np.random.default_rng(seed))
                assert_shifted(out, expected, what, drawn)
                assert_equal(img, before, f"{what} 뒤의 img (바뀌면 안 됩니다)")

    @pytest.mark.points(1)
    @pytest.mark.hint("dy, dx = rng.integers(-max_shift, max_shift + 1, size=2): 양 끝을 포함하고, dy 와 dx 를 "
                      "따로, 넘겨받은 rng 에서 뽑습니다.")
    def test_shift_range(self, sub):
        """img = np.arange(1, 65).reshape(8, 8), max_shift = 2, rng = default_rng(2): 300 번 호출 (call) 안에 모든 (dy, dx) 가 나옴"""
        rng = np.random.default_rng(2)
        seen = set()
        for _ in range(300):
            shift = shift_of(np.asarray(sub.random_shift(DIGIT.copy(), 2, rng)), DIGIT, 2)
            if shift is not None:
                seen.add(shift)
        missing = sorted({(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)} - seen)
        if missing:
            raise Mismatch(spelled("random_shift", "img", 2, "rng") + f" 를 300 번 호출 (call) ({DIGIT_TEXT})",
                           f"가능한 (dy, dx) 25 가지 중 {len(missing)} 가지로는 한 번도 이동하지 않았습니다",
                           expected="dy 와 dx 모두 -2..2 의 모든 값", received=f"빠진 것 {missing[:6]}"
                           + (" ..." if len(missing) > 6 else ""))


@pytest.mark.graded("horizontal_flip")
class TestHorizontalFlip:
    @pytest.mark.points(1)
    @pytest.mark.hint("좌우로 뒤집으면 열 (column) 이 바뀝니다: out[i, j] = img[i, w - 1 - j]. 행 (row) 을 뒤집는 "
                      "것은 상하 뒤집기 (vertical flip) 입니다. img 의 자료형 (dtype) 을 유지하세요.")
    def test_flip(self, sub):
        """좌우가 바뀜: [[1, 2, 3], [4, 5, 6]] 과 uint8 인 np.arange(1, 13).reshape(3, 4) 에서"""
        img = np.array([[1, 2, 3], [4, 5, 6]])
        assert_equal(sub.horizontal_flip(img), [[3, 2, 1], [6, 5, 4]], call("horizontal_flip", img))
        img = SMALL.astype(np.uint8)
        what = "horizontal_flip(img) (img = np.arange(1, 13).reshape(3, 4).astype(np.uint8))"
        out = sub.horizontal_flip(img)
        assert_equal(out, [[4, 3, 2, 1], [8, 7, 6, 5], [12, 11, 10, 9]], what)
        if np.asarray(out).dtype != img.dtype:
            raise Mismatch(what, "img 의 자료형 (dtype) 을 유지해야 합니다", expected=str(img.dtype),
                           received=str(np.asarray(out).dtype))


AUGMENT_TEXT = " (X 는 작은 (6, 6) uint8 시험 이미지 네 장)"


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
        return "아직 구현되지 않았습니다 (not implemented)"
    except Mismatch as mismatch:
        return f"아직 올바른 이미지를 내지 않습니다 ({mismatch.problem})"
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
        raise Mismatch(what, f"augment 는 여러분의 random_shift 를 쓰는데, random_shift 가 {problem}. "
                       f"random_shift 를 먼저 고치세요 (random_shift 의 검사 (check) 를 보세요)") from None


def augmented(sub, copies: int, seed: int, check) -> None:
    """``check(sub, X, y, what)``, a check of augment(X, y, copies, seed) on the four small digits;
    when it fails because the student's random_shift is wrong, the message says so."""
    X, y = small_digits()
    what = spelled("augment", "X", y, copies, seed) + AUGMENT_TEXT
    with using_random_shift(sub, what):
        check(sub, X, y, what)


@pytest.mark.graded("augment")
class TestAugment:
    @pytest.mark.points(1)
    @pytest.mark.hint("X 와 (h, w) 및 자료형 (dtype) 이 같은 이미지 n * (copies + 1) 장과, 같은 수의 "
                      "라벨 (label) 을 돌려주세요.")
    def test_shapes_and_dtype(self, sub):
        """X 는 (6, 6) uint8 이미지 네 장, copies = 2, seed 0, 그리고 X / 16 (float64), copies = 1: 모양 (shape) 과 자료형 (dtype)"""
        augmented(sub, 2, 0, self.shapes_and_dtype)

    @staticmethod
    def shapes_and_dtype(sub, X, y, what):
        X_aug, y_aug = sub.augment(X, y, 2, 0)
        X_aug = assert_shape(X_aug, (12, 6, 6), f"{what} 의 X_aug")
        y_aug = assert_shape(y_aug, (12,), f"{what} 의 y_aug")
        for name, got, want in [("X_aug", X_aug, X), ("y_aug", y_aug, y)]:
            if got.dtype != want.dtype:
                raise Mismatch(f"{what} 의 {name}", "입력의 자료형 (dtype) 을 유지해야 합니다",
                               expected=str(want.dtype), received=str(got.dtype))
        Xf = X.astype(float) / 16
        Xf_aug, _ = sub.augment(Xf, y, 1, 0)
        if np.asarray(Xf_aug).dtype != Xf.dtype:
            raise Mismatch(f"{spelled('augment', 'X / 16', y, 1, 0)}{AUGMENT_TEXT} 의 X_aug",
                           "X 의 자료형 (dtype) 을 유지해야 합니다",
                           expected=str(Xf.dtype), received=str(np.asarray(Xf_aug).dtype))

    @pytest.mark.points(1)
    @pytest.mark.hint("원본 이미지 n 장 (과 라벨 (label)) 을 바꾸지 않고 맨 앞에 두고, 그 뒤에 복사본 (copy) 을 "
                      "두세요.")
    def test_originals_first(self, sub):
        """X 는 (6, 6) uint8 이미지 네 장, copies = 2, seed 0: 처음 n 장의 이미지와 라벨 (label) 은 원본"""
        X, y = small_digits()
        what = spelled("augment", "X", y, 2, 0) + AUGMENT_TEXT
        X_aug, y_aug = sub.augment(X, y, 2, 0)
        assert_equal(np.asarray(X_aug)[:4], X, f"{what} 의 X_aug[:4]")
        assert_equal(np.asarray(y_aug)[:4], y, f"{what} 의 y_aug[:4]")

    @pytest.mark.points(1)
    @pytest.mark.hint("복사본 (copy) c 에는 i = 0..n-1 순서로 random_shift(X[i], 1, rng) 가 들어가므로, X_aug[k] 는 "
                      "X[k % n] 에서 나오고 y_aug[k] = y[k % n] 입니다: 라벨 (label) 은 이미지처럼 복사본마다 한 "
                      "덩어리 (block) 로 반복되며, 라벨 하나씩 반복되지 않습니다. 뒤집기 (flip) 는 쓰지 않습니다.")
    def test_labels_follow_images(self, sub):
        """X 는 (6, 6) uint8 이미지 네 장, copies = 3, seed 5: X_aug[k] 는 X[k % n] 을 1 이하로 이동 (shift), y_aug[k] = y[k % n]"""
        augmented(sub, 3, 5, self.labels_follow_images)

    @staticmethod
    def labels_follow_images(sub, X, y, what):
        X_aug, y_aug = sub.augment(X, y, 3, 5)
        X_aug = assert_shape(X_aug, (16, 6, 6), f"{what} 의 X_aug")
        assert_equal(y_aug, [1, 7, 3, 5] * 4, f"{what} 의 y_aug")
        for k in range(16):
            if shift_of(X_aug[k], X[k % 4], 1) is None:
                raise Mismatch(f"{what} 의 X_aug[{k}]", f"X[{k % 4}] 를 최대 1 픽셀 (pixel) 이동하고 비는 자리를 "
                               f"0 으로 채운 것이 아닙니다", expected=X[k % 4], received=X_aug[k])

    @pytest.mark.points(1)
    @pytest.mark.hint("rng = np.random.default_rng(seed) 는 복사본 (copy) 을 만들기 전에 한 번만 만드세요. 그래야 "
                      "복사본마다 새 이동 (shift) 을 받습니다. 픽셀 값 (pixel value) 은 그대로 두세요 "
                      "(크기 조정 (rescaling) 없음).")
    def test_copies_differ_and_range(self, sub):
        """X 는 (6, 6) uint8 이미지 네 장, copies = 3, seed 1: 픽셀 값 범위 (pixel range) 유지, 복사본 (copy) 이 모두 같지는 않음"""
        augmented(sub, 3, 1, self.copies_differ_and_range)

    @staticmethod
    def copies_differ_and_range(sub, X, y, what):
        X_aug, _ = sub.augment(X, y, 3, 1)
        X_aug = assert_shape(X_aug, (16, 6, 6), f"{what} 의 X_aug")
        if X_aug.min() < X.min() or X_aug.max() > X.max():
            raise Mismatch(f"{what} 의 X_aug", "픽셀 값 (pixel value) 이 X 의 범위를 벗어났습니다",
                           expected=f"{X.min()} 이상 {X.max()} 이하",
                           received=f"{X_aug.min()} 이상 {X_aug.max()} 이하")
        if all(np.array_equal(X_aug[4:8], X_aug[4 * c:4 * c + 4]) for c in (2, 3)):
            raise Mismatch(f"{what} 의 X_aug", "복사본 (copy) 세 개가 모두 똑같습니다: 복사본마다 하나의 rng 에서 "
                           "새 무작위 이동 (random shift) 을 받아야 합니다")


# --------------------------------------------------------------------------- ensembles


@pytest.mark.graded("majority_vote")
class TestMajorityVote:
    @pytest.mark.points(1)
    @pytest.mark.hint("샘플마다 (열 (column) 마다) 표를 세세요: predictions 는 행 (row) 하나가 모델 하나입니다. "
                      "답은 리스트 (list) 가 아니라 모양 (n_samples,) 의 정수 NumPy 배열 (integer array) 입니다.")
    def test_clear_majority(self, sub):
        """샘플 (열 (column)) 마다 가장 많이 나온 라벨 (label), 모양 (n_samples,) 의 정수 배열 (integer array): 모델 3 개 x 샘플 5 개, 모델 3 개 x 샘플 1 개"""
        predictions = np.array([[0, 2, 1, 4, 2],
                                [0, 2, 1, 4, 0],
                                [1, 0, 1, 4, 2]])
        got = sub.majority_vote(predictions)
        assert_ndarray(got, call("majority_vote", predictions))
        assert_integer(got, call("majority_vote", predictions))
        assert_shape(got, (5,), call("majority_vote", predictions))
        assert_equal(got, [0, 2, 1, 4, 2], call("majority_vote", predictions))
        predictions = np.array([[0], [2], [2]])
        assert_equal(sub.majority_vote(predictions), [2], call("majority_vote", predictions))

    @pytest.mark.points(1)
    @pytest.mark.hint("동점 (tie) 이면 모델의 순서와 상관없이 가장 작은 라벨 (label) 을 고르세요: "
                      "np.bincount(column).argmax() 가 그렇게 합니다.")
    def test_ties(self, sub):
        """동점 (tie) 이면 가장 작은 라벨 (label) (모델 4 개 x 샘플 4 개, 그중 셋이 동점)"""
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
    @pytest.mark.hint("먼저 확률 (probability) 을 모델 축 (axis 0) 으로 평균하고, 그다음 클래스 (class) 축에서 "
                      "argmax 를 고르세요. 모델마다의 최종 예측 (hard prediction) 으로 투표하지 마세요.")
    def test_mean_then_argmax(self, sub):
        """모델 3 개 x 샘플 3 개 x 클래스 2 개: 평균 확률 (mean probability) 의 argmax, 다수결 (hard vote) 과 다를 수 있음"""
        probabilities = np.array([[[0.9, 0.1], [0.95, 0.05], [0.55, 0.45]],
                                  [[0.4, 0.6], [0.2, 0.8], [0.55, 0.45]],
                                  [[0.45, 0.55], [0.2, 0.8], [0.1, 0.9]]])
        got = sub.soft_vote(probabilities)
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, [0, 1, 1], call("soft_vote", probabilities))

    @pytest.mark.points(1)
    @pytest.mark.hint("probabilities 의 모양 (shape) 은 (n_models, n_samples, n_classes) 입니다: 모델 축 (axis 0) "
                      "으로 평균한 뒤, 샘플마다 평균이 가장 큰 클래스 (class) 를 정수 (integer) 로 고르세요. 정확히 "
                      "동점 (tie) 이면 np.argmax 처럼 작은 클래스가 이깁니다.")
    def test_shape(self, sub):
        """모델 2 개 x 샘플 4 개 x 클래스 3 개의 두 경우: 정수 (integer) 라벨 4 개, 평균이 정확히 동점 (tie) 이면 작은 클래스"""
        probabilities = np.array([[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]],
                                  [[0.1, 0.3, 0.6], [0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.2, 0.7, 0.1]]])
        got = sub.soft_vote(probabilities)
        assert_shape(got, (4,), call("soft_vote", probabilities))
        assert_integer(got, call("soft_vote", probabilities))
        assert_equal(got, [2, 2, 0, 1], call("soft_vote", probabilities))
        probabilities = np.array([[[0.5, 0.25, 0.25], [0.25, 0.25, 0.5], [0.75, 0.125, 0.125], [0.25, 0.5, 0.25]],
                                  [[0.25, 0.25, 0.5], [0.25, 0.5, 0.25], [0.5, 0.25, 0.25], [0.5, 0.25, 0.25]]])
        what = call("soft_vote", probabilities) + " (샘플 0, 1, 3 에서 평균이 정확히 동점 (tie))"
        got = sub.soft_vote(probabilities)
        assert_integer(got, what)
        assert_equal(got, [0, 1, 0, 0], what)
