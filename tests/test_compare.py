"""Feedback messages: type, then shape, then values; expected and received never swapped."""
import numpy as np
import pytest

from grader.core.compare import (Mismatch, assert_close, assert_equal, assert_integer, assert_shape, builds_on,
                                    call, split_message, without_overflow)


def message(check, *args, **kwargs) -> str:
    with pytest.raises(Mismatch) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def test_type_before_shape_and_values():
    text = message(assert_close, "abc", np.zeros(3), "f(x)")
    assert "숫자 (numbers" in text and "str 을(를) 받았습니다" in text


def test_shape_names_both_shapes():
    text = message(assert_shape, np.zeros((2, 3)), (3, 2), "f(x)")
    assert "모양 (shape)이 다릅니다: 기댓값 (expected) (3, 2), 받은 값 (received) (2, 3)" in text


def test_values_name_element_expected_received_and_tolerance():
    text = message(assert_close, np.array([1.0, 2.5, 3.0]), np.array([1.0, 2.0, 3.0]), "f(x)", rtol=1e-7)
    assert "원소 (element) [1] 이(가) 다릅니다 (3개 중 1개 틀림, 1 of 3 wrong)" in text
    assert "\n  기댓값 (expected): 2.0\n  받은 값 (received): 2.5\n" in text
    assert text.endswith("허용 오차 (tolerance): 상대 (relative) 1e-07, 절대 (absolute) 1e-12")


def test_split_message_puts_each_row_in_its_own_part():
    text = message(assert_close, np.array([[1.0, 2.5], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), "f(x)")
    parts = split_message(text)
    assert parts == {"problem": "f(x): 원소 (element) [0, 1] 이(가) 다릅니다 (4개 중 1개 틀림, 1 of 4 wrong)",
                     "expected": "2.0", "received": "2.5",
                     "tolerance": "상대 (relative) 1e-07, 절대 (absolute) 1e-12"}
    # results written before the rows were Korean still split
    assert split_message("f: wrong\n  expected: 1\n  received: 2") == {"problem": "f: wrong", "expected": "1",
                                                                        "received": "2"}


def test_close_values_pass_and_nan_is_reported():
    assert_close(np.array([1.0 + 1e-9]), np.array([1.0]), "f(x)", rtol=1e-7)
    assert "유한한 수가 아닙니다 (not finite" in message(assert_close, np.array([np.nan]), np.array([1.0]), "f(x)")


def test_equal_on_scalars_arrays_and_other_values():
    assert_equal(np.int64(3), 3, "g")
    assert_equal(np.array(1), np.int64(1), "g")
    text = message(assert_equal, 1, 0, "g")
    assert "기댓값 (expected): 0" in text and "받은 값 (received): 1" in text
    assert "값 (value)이 다릅니다" in message(assert_equal, "relu", "sigmoid", "quiz")
    assert "형 (type)이 다릅니다: str 이어야 하는데 int 을(를) 받았습니다" in message(assert_equal, 3, "relu", "quiz")


def test_integer_check_rejects_floats_and_booleans():
    assert_integer(np.array([0, 1]), "s")
    assert "정수 (integers)여야 하는데 자료형 (dtype)이 float64 입니다" in message(assert_integer, np.array([0.0, 1.0]), "s")
    assert "자료형 (dtype)이 bool 입니다" in message(assert_integer, np.array([True]), "s")


def test_call_renders_arguments_compactly():
    assert call("step", np.array([1, 2]), lr=0.5) == "step([1, 2], lr=0.5)"


def test_overflow_and_warnings_are_named_in_korean():
    with pytest.raises(Mismatch, match=r"오버플로 \(overflow\)가 일어났습니다"):
        with without_overflow("sigmoid(z)"):
            np.exp(np.array([1000.0]))
    with pytest.raises(Mismatch, match=r"경고 \(warning\)가 났습니다"):
        with without_overflow("f(x)"):
            import warnings
            warnings.warn("careful", RuntimeWarning, stacklevel=1)


def test_builds_on_names_the_wrong_function_first_in_the_agreed_words():
    def wrong_step():
        raise Mismatch("step(0)", "값 (value)이 다릅니다")

    with pytest.raises(Mismatch) as caught:
        with builds_on("perceptron", {"step": wrong_step}):
            raise ValueError("bad")
    assert str(caught.value).startswith(
        "perceptron: step 이(가) 아직 맞지 않습니다 (not right yet; 그 함수의 검사를 먼저 보세요). "
        "perceptron 은(는) 그 함수를 사용합니다 (builds on it): step 을(를) 먼저 고치세요 (fix it first). "
        "이 검사가 본 것 (what this check saw): 여러분의 코드가 예외 (exception)를 일으켰습니다: ValueError: bad (")
