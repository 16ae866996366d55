"""What the specs see of a student's work, and how its failures are explained."""
from __future__ import annotations

import traceback

from grader.core import words


class MissingDefinition(AssertionError):
    """The notebook never defined a name that a spec needs."""

    def __init__(self, name: str):
        super().__init__(words.missing_name(name))


class Submission:
    """A student's namespace (e.g. a notebook's ``globals()``), read as attributes.

    ``sub.step`` is the student's ``step``; a missing name raises :class:`MissingDefinition`.
    """

    def __init__(self, namespace: dict):
        self._namespace = namespace

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._namespace[name]
        except KeyError:
            raise MissingDefinition(name) from None


def explain_error(exc: BaseException) -> str:
    """A one-paragraph explanation of an exception raised by student code."""
    remote_type = getattr(exc, "remote_type", None)     # raised in a sandboxed process
    if remote_type is not None:
        return _explain_remote(remote_type, str(exc), getattr(exc, "where", ""))
    if isinstance(exc, NotImplementedError):
        return words.NOT_IMPLEMENTED
    if isinstance(exc, AssertionError) and str(exc):
        return str(exc)
    where = _student_frame(exc)
    return words.code_raised(type(exc).__name__, str(exc), where)


def _explain_remote(remote_type: str, message: str, where: str) -> str:
    if remote_type == "NotImplementedError":
        return explain_error(NotImplementedError())
    if remote_type == "AssertionError" and message:
        return message
    return words.code_raised(remote_type, message, where)


def _student_frame(exc: BaseException) -> str:
    """Where in the student's code the exception came from, (:data:`words.STUDENT_FRAME`)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "/grader/" not in f.filename and "site-packages" not in f.filename]
    if not frames:
        return ""
    frame = frames[-1]
    return words.STUDENT_FRAME.format(name=frame.name, line=frame.lineno) + (f": {frame.line}" if frame.line else "")
