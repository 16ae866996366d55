"""What a student's functions do on fixed inputs: the data behind their feedback pictures.

After the specs, :func:`observe` calls a few of the student's functions once more on small,
fixed inputs (in the sandbox, each call bounded in time) and keeps what they return as plain
JSON. What to observe, and how to draw it, is the week's: each week lists its pictures in
``grader/weeks/<week>/instructor/pictures.py`` (``PICTURES``: one :class:`PictureRow` per
picture), found here by the spec's week. Nothing here is graded; a function that fails or
returns nonsense gives ``{"error": "..."}`` for that picture, and the rest goes on.
"""
from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from grader.core import words

SECONDS = 10.0                 # per observation
MAX_NUMBERS = 200_000          # the most numbers one observation may keep (or be drawn from)


@dataclass(frozen=True)
class PictureRow:
    """One picture of a notebook's feedback page: what to observe of the student's functions and
    how to draw it (a week's ``instructor/pictures.py`` lists them)."""

    spec: str                                   # the notebook
    name: str                                   # the key in observations.json
    observe: Callable[[object], dict]           # the submission -> plain JSON data (in the trusted process)
    draw: Callable[[dict], object] | None       # that data -> grader.pages.pictures.Picture (None: not drawn)
    caption: tuple[str, str]                    # (Korean, English): what the picture shows, e.g. in "could not draw"
    shown: bool = True                          # False: for the class report only (e.g. a hidden test's accuracy)


@functools.lru_cache(maxsize=None)
def picture_rows(spec: str | None) -> tuple[PictureRow, ...]:
    """The pictures of notebook ``spec``, from its week's table (none when the week has no table)."""
    from grader.core.course import week_of
    from grader.weeks import week_module
    table = week_module(week_of(spec), "instructor.pictures") if spec else None
    return tuple(row for row in getattr(table, "PICTURES", ()) if row.spec == spec)


class Unusable(ValueError):
    """A student's function returned something that cannot be drawn (or an observation is such)."""


def _size_hint(value, depth: int = 6) -> int:
    """The number of entries a nested list would hold, judged from its first elements
    (cheap: refuses a huge observation before NumPy copies it)."""
    size = 1
    while isinstance(value, (list, tuple)) and depth > 0:
        size *= len(value)
        if not value:
            return 0
        value, depth = value[0], depth - 1
    return size


def numbers(value, shape: tuple | None = None, name: str = "the result", *, ndim: int | None = None,
            limit: int = MAX_NUMBERS, strict: bool = False) -> np.ndarray:
    """``value`` as a finite float array (of ``shape`` or with ``ndim`` dimensions, if given), or raise
    :class:`Unusable`. ``strict`` (data read back to be drawn): numbers only, and at least one;
    strings, None, dicts and ragged lists are refused."""
    if strict and (isinstance(value, (str, bytes, dict)) or value is None):
        raise Unusable(f"{name} is not numbers")
    if strict and _size_hint(value) > limit:
        raise Unusable(f"{name} is too large")
    try:
        array = np.asarray(value) if strict else np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise Unusable(f"{name} is not numbers ({type(value).__name__})") from None
    if array.dtype.kind not in "biuf":
        raise Unusable(f"{name} is not numbers ({array.dtype})")
    if array.size > limit:
        raise Unusable(f"{name} is too large to draw ({array.size} numbers)")
    if strict and array.size == 0:
        raise Unusable(f"{name} is empty")
    if ndim is not None and array.ndim != ndim:
        raise Unusable(f"{name} has {array.ndim} dimensions, expected {ndim}")
    if shape is not None and array.shape != tuple(shape):
        raise Unusable(f"{name} has shape {array.shape}, expected {tuple(shape)}")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise Unusable(f"{name} contains nan or inf")
    return array


# ---------------------------------------------------------------- running them

def attempt(make) -> object:
    """``make()``, or ``{"error": ...}`` when the student's code raised (a sandbox that timed out
    or died is not the student's answer: that propagates, to the observation's time limit)."""
    from grader.sandbox.protocol import DeadlineExceeded, ProtocolError
    try:
        return make()
    except (DeadlineExceeded, ProtocolError):
        raise
    except Exception as error:
        return {"error": _explain(error)}


NOT_WRITTEN = words.PICTURE_NOT_WRITTEN   # a picture's note on the feedback page


def _explain(error: BaseException) -> str:
    if isinstance(error, Unusable):
        return str(error)
    if isinstance(error, AssertionError) and str(error):      # e.g. MissingDefinition: says it all
        return str(error).strip().splitlines()[0][:300]
    if isinstance(error, NotImplementedError) or getattr(error, "remote_type", None) == "NotImplementedError":
        return NOT_WRITTEN
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


def observe(spec: str, sub, seconds: float = SECONDS) -> dict:
    """``{picture name: data or {"error": ...}}`` for notebook ``spec``, from the submission ``sub``
    (each observation bounded by ``seconds``, see ``Submission.time_limit``)."""
    found = {}
    for row in picture_rows(spec):
        try:
            with sub.time_limit(seconds), warnings.catch_warnings():
                warnings.simplefilter("ignore")     # the student's warnings, sent back by the sandbox
                found[row.name] = row.observe(sub)
        except Exception as error:
            found[row.name] = {"error": _explain(error)}
    return found
