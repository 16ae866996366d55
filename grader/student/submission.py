"""What the specs see of a student's work, and how its failures are explained."""
from __future__ import annotations

import traceback


class MissingDefinition(AssertionError):
    """The notebook never defined a name that a spec needs."""

    def __init__(self, name: str):
        super().__init__(
            f"`{name}` is not defined. Run the cell that defines it (and the cells above it), "
            f"and check that the name is spelled exactly `{name}`.")


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
        return ("not implemented yet: replace `raise NotImplementedError()` "
                "under `# YOUR CODE HERE` with your code.")
    if isinstance(exc, AssertionError) and str(exc):
        return str(exc)
    where = _student_frame(exc)
    return f"your code raised {type(exc).__name__}: {exc}" + (f" ({where})" if where else "")


def _explain_remote(remote_type: str, message: str, where: str) -> str:
    if remote_type == "NotImplementedError":
        return explain_error(NotImplementedError())
    if remote_type == "AssertionError" and message:
        return message
    return f"your code raised {remote_type}: {message}".rstrip(": ") + (f" ({where})" if where else "")


def _student_frame(exc: BaseException) -> str:
    """Where in the student's code the exception came from, e.g. ``in step, line 3``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "/grader/" not in f.filename and "site-packages" not in f.filename]
    if not frames:
        return ""
    frame = frames[-1]
    return f"in {frame.name}, line {frame.lineno}" + (f": {frame.line}" if frame.line else "")
