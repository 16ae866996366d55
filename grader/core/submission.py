"""What the specs and the engine see of a student's work, and how its failures are explained.

The interface every submission has, in this process (:class:`Submission`) or in a sandbox
(``grader.sandbox.session.SandboxedSubmission``, a subclass):

- ``sub.NAME``: the student's ``NAME``; :class:`MissingDefinition` when the notebook has none;
- ``sub.time_limit(seconds)``: a context manager that bounds one test (or one observation);
- ``sub.replace_for_test(monkeypatch, name, value)``: the student's ``name`` is ``value``
  until the test ends (a spec grades one function on the reference's helpers);
- ``sub.namespace()``: the student's names as a mutable mapping (a sandbox's: a view into it);
- ``sub.shared_folder()``: a folder for a spec's files that the student's code sees too
  (None: pytest's own ``tmp_path`` will do).

Errors of the machinery, not of the student (a time limit, a sandboxed process that died,
an unreadable reply), are subclasses of :class:`MachineryError`: a check never blames them on the
student's code, and specs tell them apart with ``isinstance``.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import traceback
from pathlib import Path

from grader.core import words


class MachineryError(Exception):
    """The grading machinery failed (a time limit, a sandboxed process), not the student's code."""


class TestTimeout(MachineryError):
    """Raised inside a test that ran past its time limit (in this process)."""

    __test__ = False        # not a pytest test class


class MissingDefinition(AssertionError):
    """The notebook never defined a name that a spec needs."""

    def __init__(self, name: str):
        super().__init__(words.missing_name(name))


class Submission:
    """A student's namespace (e.g. a notebook's ``globals()``), read as attributes.

    ``sub.step`` is the student's ``step``; a missing name raises :class:`MissingDefinition`.
    Its methods are the interface the engine and the specs use (they shadow a student's global
    of the same name).
    """

    def __init__(self, namespace: dict):
        self._names = namespace

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._names[name]
        except KeyError:
            raise MissingDefinition(name) from None

    @contextlib.contextmanager
    def time_limit(self, seconds: float):
        """Raise :class:`TestTimeout` in the main thread after ``seconds`` (no limit elsewhere)."""
        if seconds <= 0 or threading.current_thread() is not threading.main_thread():
            yield
            return

        def on_alarm(signum, frame):
            raise TestTimeout(words.check_too_long(seconds))

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def namespace(self):
        """The student's namespace as a mutable mapping (a sandbox's is a view into its process)."""
        return self._names

    def replace_for_test(self, monkeypatch, name: str, value) -> None:
        """Bind the student's ``name`` to ``value`` until the test ends (``monkeypatch`` undoes it)."""
        monkeypatch.setitem(self.namespace(), name, value)

    def shared_folder(self) -> Path | None:
        """A folder the student's code sees too; None here, where every folder is shared."""
        return None


def explain_error(exc: BaseException) -> str:
    """A one-paragraph explanation of an exception raised by student code (with where in the
    code it came from, :func:`error_frame`, worded by ``words.code_at``)."""
    plain = _plain_explanation(exc)
    if plain is not None:
        return plain
    frame = error_frame(exc)
    remote_type = getattr(exc, "remote_type", None)     # raised in a sandboxed process
    return words.code_raised(type(exc).__name__ if remote_type is None else remote_type, str(exc),
                             words.code_at(*frame) if frame else "")


def error_frame(exc: BaseException) -> tuple[str, int, str] | None:
    """``(name, line, code)`` of the student's code that :func:`explain_error` names for ``exc``
    (raised here or, as a RemoteError, in a sandboxed process), or None. A check whose own
    message quotes such an explanation sets ``frame_in_message`` on its exception
    (:func:`quoting`)."""
    if getattr(exc, "frame_in_message", None):     # a check's message that quotes an explanation
        return exc.frame_in_message
    if _plain_explanation(exc) is not None:
        return None
    if getattr(exc, "remote_type", None) is not None:
        return getattr(exc, "frame", None)
    return student_frame(exc)


def quoting(error: BaseException, explained: BaseException) -> BaseException:
    """``error``, whose message quotes :func:`explain_error` of ``explained``, marked with its frame."""
    error.frame_in_message = error_frame(explained)
    return error


def _plain_explanation(exc: BaseException) -> str | None:
    """Not implemented yet, or an assertion's own message: said without a frame (else None)."""
    remote_type = getattr(exc, "remote_type", None)
    if remote_type is not None:
        not_implemented, asserted = remote_type == "NotImplementedError", remote_type == "AssertionError"
    else:
        not_implemented, asserted = isinstance(exc, NotImplementedError), isinstance(exc, AssertionError)
    if not_implemented:
        return words.NOT_IMPLEMENTED
    return str(exc) if asserted and str(exc) else None


def student_frame(exc: BaseException) -> tuple[str, int, str] | None:
    """``(name, line, code)`` of the innermost frame of the student's code (outside the grader
    and the installed packages), or None."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "/grader/" not in f.filename and "site-packages" not in f.filename]
    if not frames:
        return None
    frame = frames[-1]
    return frame.name, frame.lineno or 0, frame.line or ""
