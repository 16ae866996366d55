"""Grade one notebook's code in a sandbox: the one trusted way to score, whatever the command.

``grader grade`` (:mod:`grader.batch.run`) and ``nbgrader autograde`` (:mod:`grader.grading.nbgrader_executor`)
both call :func:`grade_cells`: the notebook's setup and solution cells run in a sandboxed
child (:class:`grader.sandbox.session.SandboxedSubmission`); the specs, the reference
solutions and the list of tests stay in this process, so a notebook can neither add tests,
change their points nor reach the hidden ones.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field

from grader.core import words
from grader.core.results import TestResult, merge_results
from grader.sandbox.launcher import Limits

_ONE_AT_A_TIME = threading.Lock()   # pytest runs one session per process at a time


@dataclass(frozen=True)
class Options:
    """How to grade: time limits (seconds), resources and whether to regrade."""

    test_timeout: float = 10.0
    cell_timeout: float = 120.0
    submission_timeout: float = 600.0
    limits: Limits = field(default_factory=Limits)
    force: bool = False


@dataclass
class Graded:
    """What grading one notebook's cells gave.

    ``status`` is ``graded`` or ``error`` (the grader itself failed); ``results`` holds every
    test of the spec, in the specs' order (a test that did not run is failed, with a message);
    ``cell_outputs`` maps a cell's number to what it printed or raised, as notebook outputs.
    """

    status: str
    results: list[TestResult]
    notes: list[str] = field(default_factory=list)
    cell_seconds: float = 0.0
    cell_outputs: dict[int, list[dict]] = field(default_factory=dict)
    observations: dict = field(default_factory=dict)


def runnable_cells(notebook: dict) -> list[tuple[int, str]]:
    """``(number, code)`` of the setup and solution cells of ``notebook`` (numbered from 1 over
    all cells), IPython syntax turned into Python; tests, demos and the bootstrap cell are left out."""
    from IPython.core.inputtransformer2 import TransformerManager

    from grader.core.cells import kind

    transform = TransformerManager().transform_cell
    cells = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if kind(cell) in ("setup", "solution"):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            try:
                cells.append((number, transform(source)))
            except Exception:   # leave it as it is: the sandbox will report the syntax error
                cells.append((number, source))
    return cells


def expected_tests(spec: str) -> list[TestResult]:
    """Every test of ``spec`` (all failed, unrun): the trusted list a result must cover."""
    return [TestResult.from_dict(d) for d in _collected(spec)]


@functools.lru_cache(maxsize=None)
def _collected(spec: str) -> tuple[dict, ...]:
    from grader.core.engine import run_specs
    return tuple(r.to_dict() for r in run_specs(spec, {}, scope="all", collect_only=True))


def grade_cells(spec: str, cells: list[tuple[int, str]], options: Options = Options(),
                observe_work: bool = False) -> Graded:
    """Run ``cells`` in a sandbox and every public and hidden check of ``spec`` against them.

    ``observe_work`` also records what the student's functions draw on fixed inputs (for the
    feedback pages). Never raises for anything the notebook does.
    """
    with _ONE_AT_A_TIME:
        return _grade_cells(spec, cells, options, observe_work)


def _grade_cells(spec: str, cells: list[tuple[int, str]], options: Options, observe_work: bool) -> Graded:
    from grader.core.engine import run_specs
    from grader.sandbox import keras_guard
    from grader.core.model_eval import forget, use_predictor
    from grader.grading.observe import observe
    from grader.sandbox.session import SandboxedSubmission

    graded = Graded("graded", expected_tests(spec))
    sandbox = SandboxedSubmission(cells, options.limits, cell_timeout=options.cell_timeout,
                                  deadline_seconds=options.submission_timeout)
    forget()    # one student's trained model never reaches the next student's grading
    use_predictor(functools.partial(_predict_in_guard, sandbox, options.limits))
    try:
        with sandbox:
            results = run_specs(spec, sandbox, scope="all", timeout=options.test_timeout)
            if observe_work:
                graded.observations = observe(spec, sandbox)
        graded.results = merge_results(graded.results, {(r.target, r.name): r for r in results})
    except Exception as error:  # the grader itself failed: say so, keep the batch going
        graded.status = "error"
        graded.notes.append(words.GRADING_FAILED.format(error_type=type(error).__name__, error=error))
    finally:
        graded.notes[:0] = sandbox.notes
        graded.cell_seconds = sandbox.cell_seconds
        graded.cell_outputs = sandbox.cell_outputs
        sandbox.close()
        use_predictor(None)
        keras_guard.close()
    explain_unrun(graded.results, graded.notes)
    return graded


def _predict_in_guard(sandbox, limits: Limits, path, images: list) -> list:
    """A saved model's outputs, computed under the student's limits, within the current check's time."""
    from grader.sandbox.keras_guard import predict_saved
    from grader.sandbox.session import SandboxedSubmission
    peer = sandbox.peer
    deadline = min(peer.deadline, sandbox.deadline) if peer is not None and peer.deadline else sandbox.deadline
    return predict_saved(path, images, limits, deadline, SandboxedSubmission)


def explain_unrun(results: list[TestResult], notes: list[str]) -> None:
    """Give every failed test without a message the reason nothing ran (the first note)."""
    for result in results:
        if not result.passed and not result.message:
            result.message = words.not_run(notes[0] if notes else words.NOTEBOOK_UNGRADABLE)
