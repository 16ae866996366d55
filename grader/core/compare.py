"""Assertions that explain themselves: type, then shape, then values.

Every check raises :class:`Mismatch`, whose message names what was checked, the
expected value and the received value (never swapped), and the tolerance used.
"""
from __future__ import annotations

import contextlib
import numbers
import warnings

import numpy as np

from grader.core.submission import MachineryError, explain_error, quoting

_PRINT = dict(precision=6, threshold=20, edgeitems=3, suppress_small=True)


class Mismatch(AssertionError):
    """A failed check with a student-facing message."""

    def __init__(self, what: str, problem: str, expected=None, received=None, tolerance: str = ""):
        self.what, self.problem = what, problem
        lines = [f"{what}: {problem}"]
        if expected is not None:
            lines.append(f"  {LABELS['expected']}: {show(expected)}")
        if received is not None:
            lines.append(f"  {LABELS['received']}: {show(received)}")
        if tolerance:
            lines.append(f"  {LABELS['tolerance']}: {tolerance}")
        super().__init__("\n".join(lines))


# The rows of a Mismatch message: each section's name (the English term) and its Korean word, and
# the label the student reads, e.g. "기댓값 (expected)".
KOREAN_LABELS = {"expected": "기댓값", "received": "받은 값", "tolerance": "허용 오차"}
LABELS = {name: f"{korean} ({name})" for name, korean in KOREAN_LABELS.items()}
SECTIONS = tuple(LABELS)
# A row's label -> its section: today's Korean labels, and the English ones of older results files.
_SECTION_OF = {**{name: name for name in SECTIONS}, **{label: name for name, label in LABELS.items()}}


def split_message(message: str) -> dict[str, str]:
    """The parts of a :class:`Mismatch` message: ``problem`` and, where present, ``expected``,
    ``received`` and ``tolerance`` (any other message is all ``problem``)."""
    parts: dict[str, list[str]] = {"problem": []}
    current = "problem"
    for line in message.splitlines():
        name = _SECTION_OF.get(line.strip().split(":", 1)[0])
        if line.startswith("  ") and name and ":" in line and name not in parts:
            current = name
            parts[current] = [line.split(":", 1)[1].strip()]
        else:   # a continuation (e.g. the next row of a printed array)
            parts[current].append(line)
    return {name: "\n".join(lines).strip() for name, lines in parts.items()}


def show(value, details: bool = True) -> str:
    """A short, readable rendering of ``value`` for feedback (arrays abbreviated).

    With ``details``, an array of more than one element also gives its shape and dtype.
    """
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", **_PRINT)
        return f"{text} (모양 (shape) {value.shape}, 자료형 (dtype) {value.dtype})" if details and value.ndim else text
    if isinstance(value, (np.generic, numbers.Number)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def call(name: str, *args, **kwargs) -> str:
    """How a call looks in feedback, e.g. ``step(z=[-1, 0, 2])``."""
    parts = [show(a, details=False) for a in args] + [f"{k}={show(v, details=False)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _as_array(received, what: str) -> np.ndarray:
    if isinstance(received, (np.ndarray, numbers.Number, np.generic, bool, list, tuple)):
        try:
            array = np.asarray(received)
        except (ValueError, TypeError):
            array = None
        if array is not None and array.dtype.kind in "biuf":
            return array
    raise Mismatch(what, f"숫자 (numbers: NumPy 배열 (array) 또는 수)여야 하는데 "
                         f"{type(received).__name__} 을(를) 받았습니다", received=received)


def _first_difference(bad: np.ndarray) -> tuple:
    return tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()


def _element(index: tuple) -> str:
    return f"원소 (element) [{', '.join(map(str, index))}]" if index else "값 (value)"


def _differs(index: tuple, bad: np.ndarray) -> str:
    """``원소 (element) [1] 이(가) 다릅니다 (3개 중 1개 틀림, 1 of 3 wrong)``."""
    wrong, size = int(bad.sum()), bad.size
    return f"{_element(index)} 이(가) 다릅니다 ({size}개 중 {wrong}개 틀림, {wrong} of {size} wrong)"


def relative_tolerance(rtol: float, atol: float = 0.0) -> str:
    """A tolerance row's text, e.g. ``상대 (relative) 1e-07, 절대 (absolute) 1e-12``."""
    return f"상대 (relative) {rtol:g}" + (f", 절대 (absolute) {atol:g}" if atol else "")


def assert_shape(received, shape: tuple, what: str) -> np.ndarray:
    """Check that ``received`` is numeric with ``shape``; return it as an array."""
    array = _as_array(received, what)
    if array.shape != tuple(shape):
        raise Mismatch(what, f"모양 (shape)이 다릅니다: 기댓값 (expected) {tuple(shape)}, "
                             f"받은 값 (received) {array.shape}")
    return array


def assert_ndarray(received, what: str) -> np.ndarray:
    """Check that ``received`` is a NumPy array, where the notebook asks for one (not a list or tuple)."""
    if not isinstance(received, np.ndarray):
        raise Mismatch(what, f"NumPy 배열 (array)이어야 하는데 {type(received).__name__} 을(를) 받았습니다: "
                             "노트북이 배열을 돌려달라고 합니다 (the notebook asks for an array)", received=received)
    return received


def assert_integer(received, what: str) -> np.ndarray:
    """Check that ``received`` holds integers (not floats, not booleans)."""
    array = _as_array(received, what)
    if array.dtype.kind not in "iu":
        raise Mismatch(what, f"정수 (integers)여야 하는데 자료형 (dtype)이 {array.dtype} 입니다", received=received)
    return array


ABSOLUTE_FLOOR = 1e-12   # float64 results near zero differ by rounding of about this size


def assert_close(received, expected, what: str, rtol: float = 1e-7, atol: float = ABSOLUTE_FLOOR) -> None:
    """Type, shape, then values within ``|r - e| <= atol + rtol * |e|``.

    The absolute floor keeps a correct formula from failing on a value such as 1.9e-22 that
    another correct formula rounds to 0.0; a check where the tiny value itself is what the
    notebook teaches passes ``atol=0``."""
    expected = np.asarray(expected)
    array = assert_shape(received, expected.shape, what)
    if not np.all(np.isfinite(array)) and np.all(np.isfinite(expected)):
        index = _first_difference(~np.isfinite(array))
        raise Mismatch(what, f"{_element(index)} 이(가) 유한한 수가 아닙니다 (not finite: nan 또는 inf)",
                       expected=expected[index], received=array[index])
    bad = ~np.isclose(array, expected, rtol=rtol, atol=atol)
    if bad.any():
        index = _first_difference(bad)
        raise Mismatch(what, _differs(index, bad), expected=expected[index], received=array[index],
                       tolerance=relative_tolerance(rtol, atol))


def assert_equal(received, expected, what: str) -> None:
    """Exact equality: numbers and arrays by type, shape, then elements; anything else by ==."""
    numeric = isinstance(expected, (np.ndarray, np.generic, numbers.Number, list, tuple))
    if numeric and np.asarray(expected).dtype.kind in "biuf":
        expected = np.asarray(expected)
        array = assert_shape(received, expected.shape, what)
        bad = np.asarray(array != expected)
        if bad.any():
            index = _first_difference(bad)
            raise Mismatch(what, _differs(index, bad), expected=expected[index], received=array[index])
        return
    if type(received) is not type(expected) and not isinstance(received, type(expected)):
        raise Mismatch(what, f"형 (type)이 다릅니다: {type(expected).__name__} 이어야 하는데 "
                             f"{type(received).__name__} 을(를) 받았습니다",
                       expected=expected, received=received)
    if received != expected:
        raise Mismatch(what, "값 (value)이 다릅니다", expected=expected, received=received)


@contextlib.contextmanager
def without_overflow(what: str):
    """Run the block with floating-point overflow, division by zero and invalid operations as
    errors, and fail with a :class:`Mismatch` naming ``what`` if any occurs or a numeric
    warning is raised (the grading engine silences warnings, so they are recorded here)."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("always")
        try:
            yield
        except (FloatingPointError, OverflowError) as error:
            raise Mismatch(what, f"넘침 (overflow)이 일어났습니다 ({type(error).__name__}: {error}). 큰 양수의 "
                           f"exp 는 float 에 담기지 않습니다") from None
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:
        raise Mismatch(what, f"경고 (warning)가 났습니다: {numeric[0].message}")


@contextlib.contextmanager
def builds_on(checked: str, probes: dict, relation: str = "그 함수를 사용합니다 (builds on it)"):
    """Run a check of the graded function ``checked``, which builds on other graded functions
    of the student (where the notebook says so). ``probes`` maps each of their names, in the
    order to blame them, to a short check of it on hard-coded inputs (a callable that raises
    when that function is wrong). When the check fails and a probe fails too, the failure
    names that function first (``relation`` says how ``checked`` depends on it, e.g. "그 함수를
    사용해도 됩니다 (may call it)" where the notebook leaves that to the student), then says what the check saw."""
    try:
        yield
    except Exception as error:
        if isinstance(error, MachineryError):   # a time limit, a stopped process: not the student's
            raise
        culprit = None
        for name, probe in probes.items():
            try:
                probe()
            except Exception as failure:   # a wrong value, or an error raised by that function
                if isinstance(failure, MachineryError):
                    raise
                culprit = name
                break
        if culprit is None:
            raise
        raise quoting(Mismatch(checked, builds_on_problem(checked, culprit, relation, explain_error(error))),
                      error) from None


def builds_on_problem(checked: str, culprit: str, relation: str, saw: str) -> str:
    """The problem :func:`builds_on` reports: ``culprit`` is wrong, so ``checked`` cannot be right yet."""
    return (f"{culprit} 이(가) 아직 맞지 않습니다 (not right yet; 그 함수의 검사를 먼저 보세요). "
            f"{checked} 은(는) {relation}: {culprit} 을(를) 먼저 고치세요 (fix it first). "
            f"이 검사가 본 것 (what this check saw): {saw}")
