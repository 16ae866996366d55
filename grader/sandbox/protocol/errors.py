"""What can go wrong on the wire, and an exception that crosses it.

The machinery's own failures (:class:`ProtocolError` and its kinds, :class:`DeadlineExceeded`)
subclass :class:`grader.core.submission.MachineryError` where the grader's public core is
importable (always in the grader, and in the sandbox's public copy): a spec or a comparison
tells them from the student's errors with ``isinstance``. A protocol copied on its own gets a
plain ``Exception`` for a base instead.

An error reply (see :mod:`.peer`) carries what the served code raised::

    {"reply": ID, "error": {"type": "ValueError", "message": "...", "mro": ["ValueError", ...],
                            "frame": ["step", 3, "return 1 / z"] | null}}

``frame`` is the innermost frame of student code (a notebook cell), as data: the grader words
it (:func:`grader.core.submission.explain_error`), in one language, for every path.
"""
from __future__ import annotations

import traceback

try:
    from grader.core.submission import MachineryError
except ImportError:         # a protocol copied without the grader's public core
    class MachineryError(Exception):
        """The grading machinery failed, not the student's code."""


class ProtocolError(MachineryError):
    """The other side sent something that is not a valid message (or vanished)."""


class PeerGone(ProtocolError):
    """The other process closed the pipe or died."""


class TooLarge(ProtocolError):
    """The other side sent more than this side decodes (a message, a transfer file, an array)."""


class DeadlineExceeded(MachineryError):
    """No answer came before the deadline (or decoding it ran past the deadline)."""


class Refused(Exception):
    """A trusted peer refused a request it does not allow."""


class RemoteError(Exception):
    """The other side raised while serving a request.

    ``remote_type`` is the exception's class name there and ``frame`` the innermost frame of
    student code as ``(name, line, code)``, when there is one (see :func:`student_frame`).
    """

    def __init__(self, remote_type: str, message: str, frame: tuple[str, int, str] | None = None):
        super().__init__(message)
        self.remote_type, self.frame = remote_type, frame


_REMOTE_BUILTINS: dict[str, type] = {}
NOT_REBUILT = ("StopIteration", "StopAsyncIteration", "GeneratorExit")


def said(entry: str, **fields) -> str:
    """The language table's sentence ``entry`` (:mod:`grader.core.words`), imported when needed:
    the grader's public core, which the sandbox has its copy of."""
    from grader.core import words
    return getattr(words, entry).format(**fields)


def remote_error(remote_type: str, message: str, frame=None, mro: list[str] = ()) -> RemoteError:
    """A :class:`RemoteError` that is also the first built-in exception in its class's ancestry
    (``except ValueError`` catches a ValueError, or a student's subclass of it, raised in the
    other process)."""
    builtins = __import__("builtins")
    for name in [remote_type, *mro]:
        builtin = getattr(builtins, name, None)
        if isinstance(builtin, type) and issubclass(builtin, Exception) and builtin is not Exception \
                and name not in NOT_REBUILT:
            break
    else:
        return RemoteError(remote_type, message, frame)
    if name not in _REMOTE_BUILTINS:
        def init(self, remote_type, message, frame=None):
            RemoteError.__init__(self, remote_type, message, frame)
        _REMOTE_BUILTINS[name] = type(name, (RemoteError, builtin),
                                      {"__init__": init, "__str__": lambda self: self.args[0] if self.args else "",
                                       "__module__": "builtins"})
    return _REMOTE_BUILTINS[name](remote_type, message, frame)


def error_reply(number, error: BaseException) -> dict:
    """The reply to request ``number`` whose served code raised ``error``."""
    if isinstance(error, Exception):
        fields = {"message": text_of(error), "mro": [c.__name__ for c in type(error).__mro__][:20]}
    else:       # KeyboardInterrupt, SystemExit
        fields = {"message": f"raised {type(error).__name__}"}
    return {"reply": number, "error": {"type": type(error).__name__, "frame": student_frame(error), **fields}}


def raised_remotely(error) -> RemoteError:
    """The exception an error reply stands for (its fields checked: they come from the other side)."""
    error = error if isinstance(error, dict) else {}
    return remote_error(str(error.get("type", "Error")), str(error.get("message", "")),
                        frame_of(error.get("frame")), [str(n) for n in error.get("mro") or []])


def student_frame(exc: BaseException) -> list | None:
    """``[name, line, code]`` of the innermost frame in a notebook cell (None when there is none)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")]
    if not frames:
        return None
    frame = frames[-1]
    return [frame.name, frame.lineno or 0, frame.line or ""]


def frame_of(sent) -> tuple[str, int, str] | None:
    """A frame as the other side sent it (``[name, line, code]``), or None if it is not one."""
    try:
        name, line, code = sent
        return str(name)[:200], int(line), str(code)[:500]
    except (TypeError, ValueError):
        return None


def text_of(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:
        text = "(an exception that cannot be shown)"
    return text[:2000]
