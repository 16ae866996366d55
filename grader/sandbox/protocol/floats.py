"""NumPy's floating-point error state and the warnings of a call, across the wire.

A request may carry the caller's ``np.geterr()`` (``"errstate": {"divide": "warn", ...}``); the
grader sends it with every call into the sandbox, the child runs the call under it and sends
back the warnings raised with the reply::

    "warnings": [[[category, its ancestors...], text, file, line], ...]

which the caller issues again under its own filters (:func:`reissue_warnings`).
"""
from __future__ import annotations

import warnings

from .errors import text_of

MAX_WARNINGS = 100
MAX_WARNING_TEXT = 1000
ERRSTATE_MODES = ("ignore", "warn", "raise", "print")

def errstate_of(sent) -> dict:
    """The caller's ``np.geterr()`` as sent, ready for ``np.errstate``. Modes that need a
    callback on the caller's side ("call", "log") become "warn"."""
    if not isinstance(sent, dict):
        return {}
    return {key: mode if mode in ERRSTATE_MODES else "warn" for key, mode in sent.items()
            if key in ("divide", "over", "under", "invalid")}


def warning_records(caught) -> list:
    """What crosses for each warning a call raised (the first ``MAX_WARNINGS``):
    ``[names of its category and of the category's ancestors, text, file, line]``."""
    return [[[c.__name__ for c in w.category.__mro__][:20], text_of(w.message)[:MAX_WARNING_TEXT],
             str(w.filename)[:200], int(w.lineno or 0)] for w in caught[:MAX_WARNINGS]]


def reissue_warnings(records, registry: dict) -> None:
    """Issue here, again, the warnings that a call raised on the other side, so that the filters
    in force here decide: ignored, recorded (``catch_warnings(record=True)``) or raised. The
    category is the first built-in warning class in the original's ancestry (else UserWarning).

    Under an "error" filter this raises the warning's exception from the call once the call is
    over, where in one process it would have stopped the function at the warning: the caller
    sees the same exception type (changes the call made after that point are not undone)."""
    builtins = __import__("builtins")
    for record in records[:MAX_WARNINGS] if isinstance(records, list) else ():
        try:
            names, text, filename, lineno = record
            classes = (getattr(builtins, str(name), None) for name in list(names)[:20])
            category = next((c for c in classes if isinstance(c, type) and issubclass(c, Warning)), UserWarning)
            text, filename, lineno = str(text)[:MAX_WARNING_TEXT], str(filename)[:200], int(lineno)
        except (TypeError, ValueError):
            continue
        warnings.warn_explicit(text, category, filename, lineno, registry=registry,
                               module="__main__" if filename.startswith("<cell") else None)
