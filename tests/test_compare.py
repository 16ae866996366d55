"""Feedback messages: type, then shape, then values; expected and received never swapped."""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, assert_integer, assert_shape, call


def message(check, *args, **kwargs) -> str:
    with pytest.raises(Mismatch) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def test_type_before_shape_and_values():
    text = message(assert_close, "abc", np.zeros(3), "f(x)")
    assert "expected numbers" in text and "str" in text


def test_shape_names_both_shapes():
    text = message(assert_shape, np.zeros((2, 3)), (3, 2), "f(x)")
    assert "expected (3, 2), received (2, 3)" in text


def test_values_name_element_expected_received_and_tolerance():
    text = message(assert_close, np.array([1.0, 2.5, 3.0]), np.array([1.0, 2.0, 3.0]), "f(x)", rtol=1e-7)
    assert "element [1]" in text and "1 of 3 wrong" in text
    assert "expected: 2.0" in text and "received: 2.5" in text
    assert "relative 1e-07" in text


def test_close_values_pass_and_nan_is_reported():
    assert_close(np.array([1.0 + 1e-9]), np.array([1.0]), "f(x)", rtol=1e-7)
    assert "not finite" in message(assert_close, np.array([np.nan]), np.array([1.0]), "f(x)")


def test_equal_on_scalars_arrays_and_other_values():
    assert_equal(np.int64(3), 3, "g")
    assert_equal(np.array(1), np.int64(1), "g")
    assert "expected: 0" in message(assert_equal, 1, 0, "g") and "received: 1" in message(assert_equal, 1, 0, "g")
    assert "wrong value" in message(assert_equal, "relu", "sigmoid", "quiz")
    assert "expected a str" in message(assert_equal, 3, "relu", "quiz")


def test_integer_check_rejects_floats_and_booleans():
    assert_integer(np.array([0, 1]), "s")
    assert "dtype float64" in message(assert_integer, np.array([0.0, 1.0]), "s")
    assert "dtype bool" in message(assert_integer, np.array([True]), "s")


def test_call_renders_arguments_compactly():
    assert call("step", np.array([1, 2]), lr=0.5) == "step([1, 2], lr=0.5)"
