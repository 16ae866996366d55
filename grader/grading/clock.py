"""The whole-submission clock: one notebook is graded in a process of its own, stopped at
``submission_timeout`` plus :data:`GRACE_SECONDS`, whatever it is doing.

Inside, :func:`grader.grading.sandboxed.grade_cells` bounds the student's child with the same
deadline; but the trusted side works for the student too (decoding replies, loading and
evaluating a Keras model, the specs' own code), and that work can be made long. So both
instructor paths (``grader grade``'s :func:`grader.batch.run.grade_unit` and nbgrader's
:class:`grader.grading.nbgrader_executor.SandboxedExecute`) call :func:`grade_on_clock`, which
runs ``grade_cells`` in a fresh ``python -m grader.grading.clock`` and kills it (SIGTERM, then
SIGKILL; bubblewrap's ``--die-with-parent`` takes the sandbox with it) when the clock runs out.
The worker is then free, and every check of the notebook fails with the reason.

Request and result cross as JSON on the process's stdin and stdout (no pickle). Temporary files
of the grading process (its sandboxes' folders) live in a folder removed afterwards.
"""
from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from grader.grading.sandboxed import Graded, Options, expected_tests, explain_unrun, grade_cells
from grader.sandbox.launcher import Limits, remove_tree, unmount_under
from grader.sandbox.warm import warm_up
from grader.core import words
from grader.core.results import TestResult

GRACE_SECONDS = 15.0            # start-up (imports) and wrap-up of the grading process
STOP_SECONDS = 3.0              # between SIGTERM and SIGKILL

OVER_CLOCK = words.OVER_CLOCK


def grade_on_clock(spec: str, cells: list[tuple[int, str]], options: Options = Options(),
                   observe_work: bool = False) -> Graded:
    """:func:`grade_cells` in a process of its own, never longer than the submission's clock allows:
    forked from this process when that is safe (:func:`can_fork`, a few milliseconds), else a
    fresh ``python -m grader.grading.clock``."""
    request = {"spec": spec, "cells": [list(c) for c in cells], "observe_work": observe_work,
               "options": dataclasses.asdict(options)}
    folder = tempfile.mkdtemp(prefix="grader-submission-")
    seconds = options.submission_timeout + GRACE_SECONDS
    try:
        if can_fork():
            out, code = _forked(request, folder, seconds)
        else:
            out, code = _spawned(request, folder, seconds)
    finally:
        unmount_under(folder)           # the working folders of sandboxes it could not stop (killed)
        try:
            os.rmdir(folder)            # empty, as it is after a forked child (nothing to walk)
        except OSError:
            remove_tree(folder)
    if out is None:
        return _failed(spec, "graded", OVER_CLOCK.format(seconds=options.submission_timeout))
    try:
        return _graded_from(json.loads(out))
    except (ValueError, KeyError, TypeError):
        return _failed(spec, "error", words.PROCESS_ENDED_SILENT.format(code=code))


def can_fork() -> bool:
    """Forking is safe here: one thread, and no TensorFlow started in this process (the grading
    process imports it when it needs it, so a worker that grades by forking never does)."""
    return (hasattr(os, "fork") and threading.active_count() == 1 and "tensorflow" not in sys.modules
            and os.environ.get("GRADER_CLOCK_SPAWN") != "1")


def warm(spec: str, limits: Limits = Limits()) -> None:
    """What every forked grading process would otherwise redo: the modules grading imports, the
    sandbox's code folder and its filesystem view (made here once, removed when this process ends),
    and the warm sandbox its children are forked from (:mod:`grader.sandbox.warm`)."""
    import pytest  # noqa: F401
    import grader.core.engine  # noqa: F401
    from grader.sandbox.held_out import sandbox_data_view
    from grader.sandbox.launcher import CHILD_CODE, child_code
    from grader.sandbox.view import sandbox_view
    if not _warmed:
        try:                            # what every reference solution imports first (0.8 s on a busy machine)
            import matplotlib.pyplot  # noqa: F401
        except ImportError:
            pass
        sandbox_view(child_code(), tempfile.gettempdir(), CHILD_CODE)     # its lists are cached
        sandbox_data_view(child_code(), environ={}, cover_hidden=False)
        _warmed.add("")
    if spec not in _warmed:             # the spec's modules imported, and its list of tests made, once here
        _warmed.add(spec)
        expected_tests(spec)
    warm_up(limits)


_warmed: set[str] = set()


def _forked(request: dict, folder: str, seconds: float) -> tuple[bytes | None, int | None]:
    """Grade in a child forked from this (warm) process; its result comes back on a pipe."""
    warm(request["spec"], Limits(**request["options"]["limits"]))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                        # the grading process: never returns
        os.close(read_end)
        _grade_forked(request, folder, write_end)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                _stop_pid(pid)
                return None, None
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return b"".join(chunks), os.waitstatus_to_exitcode(status)


def _grade_forked(request: dict, folder: str, write_end: int) -> None:
    code = 1
    try:
        os.setsid()                     # its own process group: stopped as one
        os.environ["TMPDIR"] = folder
        tempfile.tempdir = folder
        signal.signal(signal.SIGTERM, _on_term)
        graded = _grade(request)
        with os.fdopen(write_end, "w", encoding="utf-8") as result:
            result.write(json.dumps(_graded_to(graded), ensure_ascii=False))
        code = 0
    except BaseException:               # noqa: BLE001  (the parent reports a missing result)
        pass
    finally:
        os._exit(code)                  # never the parent's atexit handlers or buffers


def _stop_pid(pid: int) -> None:
    """SIGTERM (the sandbox is closed on the way out), then SIGKILL to the grading process's group."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)
        except OSError:
            pass
        stop = time.monotonic() + wait
        while time.monotonic() < stop:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
            time.sleep(0.05)


def _spawned(request: dict, folder: str, seconds: float) -> tuple[bytes | None, int | None]:
    """Grade in a fresh ``python -m grader.grading.clock`` (where forking is not safe)."""
    process = subprocess.Popen([sys.executable, "-m", "grader.grading.clock"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env={**os.environ, "TMPDIR": folder},
                               start_new_session=True)
    try:
        out, _ = process.communicate(json.dumps(request).encode(), timeout=seconds)
    except subprocess.TimeoutExpired:
        _stop(process)
        return None, None
    finally:
        if process.poll() is None:
            _stop(process)
    return out, process.returncode


def _grade(request: dict) -> Graded:
    return grade_cells(request["spec"], [(int(n), str(code)) for n, code in request["cells"]],
                       _options_from(request["options"]), bool(request["observe_work"]))


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the sandbox is closed on the way out), then SIGKILL to the grading process's group."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except OSError:
            pass
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    try:
        process.communicate(timeout=5)      # close our ends of its pipes
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


def _failed(spec: str, status: str, note: str) -> Graded:
    graded = Graded(status, expected_tests(spec), [note], cell_seconds=0.0)
    explain_unrun(graded.results, graded.notes)
    return graded


def _graded_to(graded: Graded) -> dict:
    return {"status": graded.status, "results": [r.to_dict() for r in graded.results], "notes": graded.notes,
            "cell_seconds": graded.cell_seconds, "observations": graded.observations,
            "cell_outputs": [[number, outputs] for number, outputs in graded.cell_outputs.items()]}


def _graded_from(data: dict) -> Graded:
    return Graded(str(data["status"]), [TestResult.from_dict(r) for r in data["results"]],
                  [str(n) for n in data["notes"]], float(data["cell_seconds"]),
                  {int(number): outputs for number, outputs in data["cell_outputs"]}, data["observations"])


def _options_from(data: dict) -> Options:
    return Options(**{**data, "limits": Limits(**data["limits"])})


def _on_term(signum, frame):
    raise SystemExit(f"stopped by the submission's clock ({words.OUT_OF_TIME})")


def main() -> None:
    """The grading process: read the request on stdin, grade, write the result on stdout."""
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)                       # anything printed on the way goes to stderr, not into the result
    signal.signal(signal.SIGTERM, _on_term)
    graded = _grade(json.loads(sys.stdin.read()))
    result.write(json.dumps(_graded_to(graded), ensure_ascii=False))
    result.flush()


if __name__ == "__main__":
    main()
