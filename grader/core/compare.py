"""Assertions that explain themselves: type, then shape, then values.

Every check raises :class:`Mismatch`, whose message names what was checked, the
expected value and the received value (never swapped), and the tolerance used.
"""
from __future__ import annotations

import contextlib
import numbers
import warnings

import numpy as np

from grader.core import words
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
# the label the student reads, e.g. words.label(words.EXPECTED).
KOREAN_LABELS = {term[1]: term[0] for term in (words.EXPECTED, words.RECEIVED, words.TOLERANCE)}
LABELS = {name: words.label((korean, name)) for name, korean in KOREAN_LABELS.items()}
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
        return (words.ARRAY_DETAILS.format(text=text, shape=value.shape, dtype=value.dtype)
                if details and value.ndim else text)
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
    raise Mismatch(what, words.NOT_NUMBERS.format(type=type(received).__name__), received=received)


def _first_difference(bad: np.ndarray) -> tuple:
    return tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()


def _element(index: tuple) -> str:
    return words.ELEMENT.format(index=", ".join(map(str, index))) if index else words.VALUE


def _differs(index: tuple, bad: np.ndarray) -> str:
    """:data:`words.ELEMENTS_DIFFER`: which element differs first, and how many of how many."""
    wrong, size = int(bad.sum()), bad.size
    return words.ELEMENTS_DIFFER.format(element=_element(index), size=size, wrong=wrong)


def relative_tolerance(rtol: float, atol: float = 0.0) -> str:
    """A tolerance row's text (:data:`words.RELATIVE_TOLERANCE`, and the absolute one if any)."""
    return words.RELATIVE_TOLERANCE.format(rtol=rtol) + (words.ABSOLUTE_TOLERANCE.format(atol=atol) if atol else "")


def assert_shape(received, shape: tuple, what: str) -> np.ndarray:
    """Check that ``received`` is numeric with ``shape``; return it as an array."""
    array = _as_array(received, what)
    if array.shape != tuple(shape):
        raise Mismatch(what, words.SHAPE_DIFFERS.format(expected=tuple(shape), received=array.shape))
    return array


def assert_ndarray(received, what: str) -> np.ndarray:
    """Check that ``received`` is a NumPy array, where the notebook asks for one (not a list or tuple)."""
    if not isinstance(received, np.ndarray):
        raise Mismatch(what, words.NOT_AN_ARRAY.format(type=type(received).__name__), received=received)
    return received


def assert_integer(received, what: str) -> np.ndarray:
    """Check that ``received`` holds integers (not floats, not booleans)."""
    array = _as_array(received, what)
    if array.dtype.kind not in "iu":
        raise Mismatch(what, words.NOT_INTEGERS.format(dtype=array.dtype), received=received)
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
        raise Mismatch(what, words.NOT_FINITE.format(element=_element(index)),
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
        raise Mismatch(what, words.TYPE_DIFFERS.format(expected=type(expected).__name__,
                                                       received=type(received).__name__),
                       expected=expected, received=received)
    if received != expected:
        raise Mismatch(what, words.VALUE_DIFFERS, expected=expected, received=received)


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
            raise Mismatch(what, words.OVERFLOW.format(error_type=type(error).__name__, error=error)) from None
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:
        raise Mismatch(what, words.WARNING_RAISED.format(message=numeric[0].message))


@contextlib.contextmanager
def builds_on(checked: str, probes: dict, relation: str = words.BUILDS_ON):
    """Run a check of the graded function ``checked``, which builds on other graded functions
    of the student (where the notebook says so). ``probes`` maps each of their names, in the
    order to blame them, to a short check of it on hard-coded inputs (a callable that raises
    when that function is wrong). When the check fails and a probe fails too, the failure
    names that function first (``relation`` says how ``checked`` depends on it, e.g. "may call it"
    where the notebook leaves that to the student), then says what the check saw."""
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
    return words.FIX_FIRST.format(culprit=culprit, checked=checked, relation=relation, saw=saw)
