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
import signal
import subprocess
import sys
import tempfile

from grader.grading.sandboxed import Graded, Options, expected_tests, explain_unrun, grade_cells
from grader.sandbox.launcher import Limits, remove_tree, unmount_under
from grader.student import words
from grader.student.results import TestResult

GRACE_SECONDS = 15.0            # start-up (imports) and wrap-up of the grading process
STOP_SECONDS = 3.0              # between SIGTERM and SIGKILL

OVER_CLOCK = ("채점이 제출물 (submission)의 전체 시간 제한 (time limit) {seconds:.0f}초 안에 끝나지 않아 "
              "멈췄습니다 (stopped: the whole submission ran out of time)")


def grade_on_clock(spec: str, cells: list[tuple[int, str]], options: Options = Options(),
                   observe_work: bool = False) -> Graded:
    """:func:`grade_cells` in a process of its own, never longer than the submission's clock allows."""
    request = json.dumps({"spec": spec, "cells": [list(c) for c in cells], "observe_work": observe_work,
                          "options": dataclasses.asdict(options)})
    folder = tempfile.mkdtemp(prefix="grader-submission-")
    seconds = options.submission_timeout + GRACE_SECONDS
    process = subprocess.Popen([sys.executable, "-m", "grader.grading.clock"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env={**os.environ, "TMPDIR": folder},
                               start_new_session=True)
    try:
        out, _ = process.communicate(request.encode(), timeout=seconds)
    except subprocess.TimeoutExpired:
        _stop(process)
        return _failed(spec, "graded", OVER_CLOCK.format(seconds=options.submission_timeout))
    finally:
        if process.poll() is None:
            _stop(process)
        unmount_under(folder)           # the working folders of sandboxes it could not stop (killed)
        remove_tree(folder)
    try:
        return _graded_from(json.loads(out))
    except (ValueError, KeyError, TypeError):
        return _failed(spec, "error", f"grading failed: the grading process ended with code {process.returncode} "
                                      f"and no result")


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
    request = json.loads(sys.stdin.read())
    graded = grade_cells(request["spec"], [(int(n), str(code)) for n, code in request["cells"]],
                         _options_from(request["options"]), bool(request["observe_work"]))
    result.write(json.dumps(_graded_to(graded), ensure_ascii=False))
    result.flush()


if __name__ == "__main__":
    main()
