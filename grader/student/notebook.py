"""Grade a notebook file: execute its cells in a Jupyter kernel, then run the specs there.

Cells run in order with a per-cell timeout; a cell that raises does not stop the ones
after it. Test and demo cells are skipped. The list of tests, their points and their
visibility come from the specs collected here, in the grading process: whatever the
kernel reports is matched against that list, so a notebook can neither add tests nor
change what they are worth, and a test the kernel never answered counts as failed.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader.core import words
from grader.core.cells import kind, spec_name
from grader.core.notebook_file import NotebookError, parse, read_text  # noqa: F401 (NotebookError: re-exported)
from grader.core.engine import DEFAULT_TIMEOUT, run_specs
from grader.core.results import TestResult, merge_results

RESULTS_MIME = "application/vnd.grader.results+json"
#: Beyond the checks' own timeouts: the kernel's pytest start, and the whole run's stop.
SPECS_SLACK_SECONDS = 30
RUN_SLACK_SECONDS = 10
RUN_SPECS_CELL = """\
import json as __json, IPython.display as __display
from grader.core.engine import run_specs as __run_specs
__display.display({{{mime!r}: [__r.to_dict() for __r in __run_specs({spec!r}, globals(), scope={scope!r}, timeout={timeout!r})]}}, raw=True)
"""


@dataclass
class GradedNotebook:
    """What grading one notebook produced."""

    path: Path
    spec: str
    results: list[TestResult]
    notes: list[str] = field(default_factory=list)   # cell errors, timeouts, a dead kernel


def read_notebook(path: str | Path):
    """Read and validate a notebook, or raise :class:`NotebookError` saying what is wrong."""
    path = Path(path)
    return nbformat.from_dict(parse(read_text(path), path.name))


def _cell_error(cell, timeout: float) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            if output.get("ename") == "KeyboardInterrupt":
                return words.cell_too_long(timeout)
            return words.cell_raised(str(output.get("ename")), str(output.get("evalue") or ""))
    return None


def _kernel_results(cell) -> list[dict]:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if RESULTS_MIME in data:
            payload = data[RESULTS_MIME]
            return json.loads(payload) if isinstance(payload, str) else payload
    return []


def _from_kernel(expected: list[TestResult], reported: list[dict], fallback: str) -> list[TestResult]:
    """Keep the trusted list of tests; take only pass/fail and the message from the kernel."""
    def outcome(test: TestResult, item: dict | None) -> TestResult:
        passed = bool(item and item.get("passed") is True)
        message = str(item.get("message", "")) if item else fallback
        return TestResult(**{**test.to_dict(), "passed": passed, "message": message,
                             "points": test.max_points if passed else 0.0})

    found = {(item.get("target"), item.get("name")): item for item in reported if isinstance(item, dict)}
    return merge_results(expected, found, outcome)


def grade_notebook(path: str | Path, scope: str = "public", cell_timeout: float = 60.0,
                   test_timeout: float = DEFAULT_TIMEOUT) -> GradedNotebook:
    """Execute the notebook at ``path`` and run its specs (``scope``) against it."""
    path = Path(path).resolve()
    notebook = read_notebook(path)
    spec = spec_name(notebook, path)
    expected = run_specs(spec, {}, scope=scope, collect_only=True)

    picked = [(number, cell) for number, cell in enumerate(notebook.cells, start=1)
              if kind(cell) in ("setup", "solution")]
    numbers = [number for number, _ in picked]
    runner = nbformat.v4.new_code_cell(RUN_SPECS_CELL.format(
        mime=RESULTS_MIME, spec=spec, scope=scope, timeout=test_timeout))
    program = nbformat.v4.new_notebook(cells=[*(cell for _, cell in picked), runner], metadata=notebook.metadata)
    for cell in program.cells:
        cell.outputs, cell.execution_count = [], None

    notes, fallback = [], words.CHECKS_DID_NOT_RUN
    specs_timeout = len(expected) * test_timeout + SPECS_SLACK_SECONDS

    def timeout_for(cell) -> float:
        return specs_timeout if cell is program.cells[-1] else cell_timeout

    sockets = tempfile.TemporaryDirectory(prefix="grader-kernel-")
    config = Config()
    config.KernelManager.transport = "ipc"          # local sockets: no TCP ports, no warning on stderr
    config.KernelManager.ip = os.path.join(sockets.name, "kernel")
    client = NotebookClient(program, config=config, kernel_name="python3", timeout_func=timeout_for,
                            allow_errors=True, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(path.parent)}})
    kernel_env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
                  "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}
    # Whatever the code does (ignore interrupts, sleep in C), the whole run ends by this time.
    deadline = cell_timeout * len(picked) + specs_timeout + RUN_SLACK_SECONDS
    started = time.monotonic()
    try:
        with mock.patch.dict(os.environ, kernel_env):
            asyncio.run(asyncio.wait_for(client.async_execute(), timeout=deadline))
    except (asyncio.TimeoutError, DeadKernelError):
        if time.monotonic() - started >= deadline:
            fallback = words.NOTEBOOK_TOO_LONG.format(seconds=deadline)
        else:
            fallback = words.KERNEL_DIED
        notes.append(fallback)
    except CellTimeoutError:
        fallback = words.NOTEBOOK_OUT_OF_TIME
        notes.append(fallback)
    finally:
        sockets.cleanup()
    for number, cell in zip(numbers, program.cells):
        error = _cell_error(cell, cell_timeout)
        if error:
            notes.append(words.cell_note(number, error))
    results = _from_kernel(expected, _kernel_results(program.cells[-1]), fallback)
    return GradedNotebook(path, spec, results, notes)
