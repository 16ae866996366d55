"""The pytest plugin that turns spec modules into graded results.

Markers used by specs:

- ``@pytest.mark.graded("step")`` (usually on a class): the graded item a test belongs to.
- ``@pytest.mark.points(2)``: what the test is worth (default 1).
- ``@pytest.mark.hint("...")``: one line shown to the student when the test fails.
- ``@pytest.mark.title("...")``: the test's title, where a docstring cannot give it (one case of a
  parametrized table: ``pytest.param(..., marks=[graded, points, hint, title])``).
- ``@pytest.mark.timeout(30)``: wall-clock seconds before the test fails (default from the run).
- ``pytestmark = pytest.mark.hidden`` (module level): a hidden test; its failure message is
  never shown to students.

Fixtures: ``sub`` (the student's namespace, see :class:`grader.core.submission.Submission`) and,
for hidden specs, ``ref`` (the reference solution module).
"""
from __future__ import annotations

import importlib

import pytest

from grader.core import words
from grader.core.results import TestResult
from grader.core.submission import MachineryError, Submission, TestTimeout, error_frame, explain_error

MARKERS = {
    "graded(target)": "the graded item (function or constant) this test checks",
    "points(n)": "points the test is worth",
    "hint(text)": "a one-line hint shown when the test fails",
    "title(text)": "the test's title (else its docstring's first line)",
    "timeout(seconds)": "wall-clock limit for the test",
    "hidden": "a hidden test: its details never reach students",
}


class StudentInterrupt(MachineryError):
    """A KeyboardInterrupt raised inside a test (by the student's code), as a test failure."""

    def __init__(self, interrupt: KeyboardInterrupt):
        super().__init__(words.code_raised("KeyboardInterrupt", str(interrupt)))


def marker_arg(item, name: str, default=None):
    marker = item.get_closest_marker(name)
    return marker.args[0] if marker and marker.args else default


def describe(item) -> str:
    if marker_arg(item, "title"):
        return str(marker_arg(item, "title"))
    doc = getattr(item.obj, "__doc__", None) or ""
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    return first or item.name.removeprefix("test_").replace("_", " ")


class SpecPlugin:
    """Collects results of one spec run; gives specs the ``sub`` and ``ref`` fixtures."""

    def __init__(self, namespace, reference: str | None, target: str | None = None,
                 timeout: float = 10.0):
        # a dict of names (a notebook's globals), or a Submission that reads them elsewhere
        # (grader.sandbox's SandboxedSubmission, which also brings its own time limit)
        self.submission = namespace if isinstance(namespace, Submission) else Submission(namespace)
        self.reference = reference
        self.target = target
        self.timeout = timeout
        self.results: list[TestResult] = []
        self.collected: list[TestResult] = []

    def pytest_configure(self, config):
        for name, text in MARKERS.items():
            config.addinivalue_line("markers", f"{name}: {text}")

    @pytest.fixture
    def sub(self) -> Submission:
        return self.submission

    @pytest.fixture
    def tmp_path(self, tmp_path_factory):
        """pytest's ``tmp_path``; with a sandboxed submission, a folder the sandbox sees too."""
        return self.submission.shared_folder() or tmp_path_factory.mktemp("spec", numbered=True)

    @pytest.fixture
    def ref(self):
        if self.reference is None:
            pytest.fail(words.NO_REFERENCE, pytrace=False)
        return importlib.import_module(self.reference)

    def pytest_collection_modifyitems(self, session, config, items):
        chosen = [i for i in items if self.target is None or marker_arg(i, "graded") == self.target]
        dropped = [i for i in items if i not in chosen]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = chosen
        self.collected = [self._result(item, passed=False) for item in chosen]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        seconds = float(marker_arg(item, "timeout", self.timeout))
        with self.submission.time_limit(seconds):
            try:
                return (yield)
            except KeyboardInterrupt as error:
                # pytest ends the whole session on a KeyboardInterrupt; one raised by the
                # student's code fails this test only, as it does in the sandbox
                raise StudentInterrupt(error) from None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and not report.passed):
            message, frame = ("", None) if report.passed else self._message(call)
            self.results.append(self._result(item, passed=report.passed, message=message, frame=frame))

    def _message(self, call) -> tuple[str, list | None]:
        """The failure's message, and where in the student's code its error came from (if it says)."""
        if call.excinfo is None:
            return words.SKIPPED, None
        error = call.excinfo.value
        if isinstance(error, (TestTimeout, StudentInterrupt, pytest.fail.Exception)):
            return str(error), None
        frame = error_frame(error)
        return explain_error(error), list(frame) if frame else None

    @staticmethod
    def _result(item, passed: bool, message: str = "", frame: list | None = None) -> TestResult:
        points = float(marker_arg(item, "points", 1))
        return TestResult(
            target=str(marker_arg(item, "graded", "")), name=item.name, description=describe(item),
            points=points if passed else 0.0, max_points=points, passed=passed,
            hidden=item.get_closest_marker("hidden") is not None,
            message=message, hint=str(marker_arg(item, "hint", "")), frame=frame)
