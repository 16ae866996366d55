"""Hidden checks of 05_sign_language_mnist: seeded random files and inputs, compared with the reference."""
import numpy as np
import pytest

from grader.core.compare import assert_close, assert_equal, call
from grader.weeks.week3.data.sign_mnist import HEADER
from grader.weeks.week3.keras_checks import check_new_model_each_call
from grader.weeks.week3.sign_language_mnist_public import (KERAS_TIMEOUT, VALID_LABELS, model_of, check_arrays,
                                                     csv_line, expect_error, loaded, write_csv)

pytestmark = pytest.mark.hidden


def random_rows(rng, count: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    labels = rng.choice(VALID_LABELS, size=count)
    images = rng.integers(0, 256, size=(count, 28, 28))
    return [csv_line(label, image) for label, image in zip(labels, images)], images, labels


@pytest.mark.graded("load_sign_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("줄이 몇 개든, 픽셀 (pixel) 이 0-255 의 어디에 있든, 빈 줄 (empty line) 은 건너뛰고 참조 구현 "
                  "(reference) 과 같은 결과를 내야 합니다.")
def test_random_files(sub, ref, tmp_path):
    """올바른 무작위 파일 (일부는 빈 줄 (empty line) 포함): 참조 구현 (reference) 과 같음"""
    rng = np.random.default_rng(2051)
    for case in range(4):
        lines, _, _ = random_rows(rng, int(rng.integers(1, 25)))
        if case % 2:
            lines.insert(int(rng.integers(0, len(lines))), "")
            lines.append("")
        path = write_csv(tmp_path, f"random{case}.csv", [HEADER, *lines], newline_at_end=bool(case != 2))
        (X, y), what = loaded(sub, path)
        X_ref, y_ref = ref.load_sign_mnist(str(path))
        check_arrays(X, y, X_ref, y_ref, what)


@pytest.mark.graded("load_sign_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("줄은 머리글 (header) 을 1 로 하고 빈 줄까지 포함해 세고, 처음 잘못된 줄을 알리세요. 한 줄에 "
                  "문제가 여럿이면 표의 순서 (columns, integer, label, 0-255) 로 처음 것을 알리세요.")
def test_errors_at_random_lines(sub, tmp_path):
    """무작위 줄의 오류 (pixel784 = 256 포함) 와 오류가 두 개인 줄: 그 줄 번호 (line) 와 첫 오류를 알림

    One fault per line: a missing or an extra value, an empty or a non-integer value, labels 26 and 100, pixels
    300 and 256, some after an empty line. Two faults on one line: a wrong count with a non-integer, a non-integer
    with label 9 or pixel 300, label 25 with pixel 256; the table's order (columns, integer, label, 0-255) decides.
    """
    rng = np.random.default_rng(2052)
    faults = [("columns", lambda f: f[:-3]), ("columns", lambda f: f + ["0"]),
              ("integer", lambda f: f[:100] + [""] + f[101:]), ("integer", lambda f: ["A"] + f[1:]),
              ("label", lambda f: ["26"] + f[1:]), ("label", lambda f: ["100"] + f[1:]),
              ("0-255", lambda f: f[:700] + ["300"] + f[701:]), ("0-255", lambda f: f[:-1] + ["256"]),
              # two faults on one line: the table's order decides which one is reported
              ("columns", lambda f: f[:50] + ["x"] + f[51:] + ["7"]),
              ("integer", lambda f: ["9"] + f[1:300] + ["4.5"] + f[301:]),
              ("integer", lambda f: ["B"] + f[1:600] + ["300"] + f[601:]),
              ("label", lambda f: ["25"] + f[1:10] + ["256"] + f[11:])]
    for case, (keyword, spoil) in enumerate(faults):
        lines, _, _ = random_rows(rng, int(rng.integers(3, 12)))
        if case % 2:
            lines.insert(0, "")                           # an empty line right after the header
        candidates = [k for k, line in enumerate(lines) if line]
        bad = int(rng.choice(candidates))
        lines[bad] = ",".join(spoil(lines[bad].split(",")))
        path = write_csv(tmp_path, f"fault{case}.csv", [HEADER, *lines])
        expect_error(sub, path, bad + 2, keyword, f"{bad + 2} 번째 줄이 잘못된 파일 ({keyword})")


@pytest.mark.graded("letter")
@pytest.mark.points(1)
@pytest.mark.hint("9 를 뺀 0-24 의 모든 정답 번호 (label) 는 글자입니다. 파이썬 int 로 오든 np.int32, np.uint8 "
                  "같은 NumPy 정수 (integer) 로 오든 같습니다 (보통의 int 로 다루세요).")
def test_all_letters(sub, ref):
    """정답 번호 (label) 24 개 모두, 파이썬 정수와 NumPy 정수 (integer) 로: 참조 구현 (reference) 과 같음"""
    for label in VALID_LABELS:
        for value in (label, np.int32(label), np.uint8(label)):
            got = sub.letter(value)
            assert_equal(got, ref.letter(label), call("letter", value))


@pytest.mark.graded("preprocess")
@pytest.mark.points(1)
@pytest.mark.hint("이미지가 몇 장이든 동작해야 합니다. 새 배열을 돌려주고 X 와 y 는 바꾸지 마세요.")
def test_random_batches(sub, ref):
    """무작위 이미지 1, 7, 30 장의 묶음 (batch): 참조 구현 (reference) 과 같고, X 와 y 는 그대로"""
    rng = np.random.default_rng(2053)
    for n in (1, 7, 30):
        X = rng.integers(0, 256, size=(n, 28, 28)).astype(np.uint8)
        y = rng.choice(VALID_LABELS, size=n)
        X_copy, y_copy = X.copy(), y.copy()
        what = f"preprocess(X, y) (무작위 이미지 {n} 장)"
        X_ready, Y = sub.preprocess(X, y)
        X_ref, Y_ref = ref.preprocess(X_copy, y_copy)
        assert_close(X_ready, X_ref, f"{what} 의 X_ready", rtol=1e-6)
        assert_equal(np.asarray(Y), Y_ref, f"{what} 의 Y_onehot")
        assert_equal(X, X_copy, f"{what} 뒤의 X")
        assert_equal(y, y_copy, f"{what} 뒤의 y")


@pytest.mark.graded("build_sign_model")
@pytest.mark.points(1)
@pytest.mark.timeout(KERAS_TIMEOUT)
@pytest.mark.hint("층 (layer) 과 모델을 build_sign_model() 안에서 만드세요. 그래야 부를 때마다 새 모델이 나옵니다.")
def test_new_model_each_call(sub):
    """부를 때마다 새 모델: 앞 모델과 함께 쓰는 층 (layer) 이 없음"""
    check_new_model_each_call(lambda: model_of(sub), "build_sign_model()")
