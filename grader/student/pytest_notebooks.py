"""Plain ``pytest`` as the student's self-check: each course notebook is a test file.

Installed with the student wheel (entry point ``pytest11``, name ``grader-notebooks``). In a
folder of course notebooks, ``pytest`` collects each ``NN_<spec>.ipynb`` and, as its items,
the notebook's public checks: ``01_perceptron.ipynb::step::<what the check judges>``. The
first item that runs grades its notebook as ``grader check`` does
(:func:`grader.student.notebook.grade_notebook`, once per notebook and pytest run); a failure reads
like the test cell's report; the terminal summary gives each graded notebook's public points.

Left alone: checkpoint copies (``.ipynb_checkpoints/``), notebooks whose file name names no
spec or whose ``grader.spec`` metadata names another one, and everything under the
``testpaths`` of the project being tested (this repository's ``tests/``). The engine's own
pytest runs switch it off (``-p no:grader-notebooks``).
"""
from __future__ import annotations

import functools
import glob
import json
import re
import textwrap
from pathlib import Path

import pytest

from grader.core import words
from grader.core.course import hidden_points
from grader.core.engine import DEFAULT_TIMEOUT, available_specs, run_specs
from grader.student.report import format_result, hidden_points_note, points_text
from grader.core.results import TestResult, total

CELL_TIMEOUT = 120.0                   # as `grader check`
GRADED = pytest.StashKey[dict]()       # NotebookFile -> (results, notes), once it has been graded
POINTS_LABEL = words.label(words.POINTS)
PUBLIC_POINTS = words.PUBLIC_POINTS


def pytest_addoption(parser):
    group = parser.getgroup("grader", "course notebooks (the grader wheel)")
    group.addoption("--grader-cell-timeout", type=float, default=CELL_TIMEOUT,
                    help=words.CLI_CELL_TIMEOUT.format(seconds=CELL_TIMEOUT))
    group.addoption("--item", dest="grader_items", action="append", default=[], metavar="NAME",
                    help=words.CLI_ONLY)
    group.addoption("--grader-test-timeout", type=float, default=DEFAULT_TIMEOUT,
                    help=words.CLI_TEST_TIMEOUT.format(seconds=DEFAULT_TIMEOUT))


@functools.cache
def public_checks(spec: str) -> tuple[TestResult, ...]:
    """The public checks of ``spec``, unrun, from the same specs ``grader check`` runs."""
    return tuple(run_specs(spec, {}, scope="public", collect_only=True))


def course_spec(path: Path) -> str | None:
    """The spec of a course notebook named ``NN_<spec>.ipynb``, else None.

    A readable notebook whose ``grader.spec`` metadata names another spec is not this
    course's; an unreadable one is collected, so that each of its checks fails and says why.
    """
    match = re.fullmatch(r"\d+_(\w+)\.ipynb", path.name)
    if not match or match.group(1) not in available_specs() or ".ipynb_checkpoints" in path.parts:
        return None
    try:
        declared = json.loads(path.read_text(encoding="utf-8"))["metadata"]["grader"]["spec"]
    except Exception:
        declared = match.group(1)
    return match.group(1) if declared == match.group(1) else None


def _under_testpaths(path: Path, config) -> bool:
    folders = [Path(found) for pattern in config.getini("testpaths")
               for found in glob.glob(str(config.rootpath / pattern), recursive=True)]
    return any(path.is_relative_to(folder) for folder in folders)


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix != ".ipynb" or _under_testpaths(file_path, parent.config):
        return None
    spec = course_spec(file_path)
    return NotebookFile.from_parent(parent, path=file_path, spec=spec) if spec else None


def pytest_collection_modifyitems(config, items):
    """``--item step``: keep only the checks of the graded items named exactly (not ``sgd_step``)."""
    wanted = set(config.getoption("grader_items"))
    if not wanted:
        return
    kept = [item for item in items if not isinstance(item, Check) or item.check.target in wanted]
    dropped = [item for item in items if item not in kept]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


class CheckFailed(Exception):
    """A check that did not pass; its text is the test cell's report of it."""


def failure_text(result: TestResult, notes: list[str]) -> str:
    """What went wrong in the notebook, then the test cell's report of the check without its
    first line (pytest's header already names it), then the points."""
    details = textwrap.dedent("\n".join(format_result(result).splitlines()[1:]))
    points = f"{POINTS_LABEL}: {points_text(result.points)} / {points_text(result.max_points)}"
    return "\n".join([*(f"! {note}" for note in notes), details, points])


class NotebookFile(pytest.File):
    """A course notebook: one :class:`Target` per graded function, graded on first use."""

    def __init__(self, *, spec: str, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec

    def collect(self):
        checks = public_checks(self.spec)
        for target in dict.fromkeys(check.target for check in checks):
            yield Target.from_parent(self, name=target, checks=[c for c in checks if c.target == target])

    def graded(self) -> tuple[list[TestResult], list[str]]:
        """(results, notes) of grading this notebook, computed once per run."""
        outcomes = self.config.stash.setdefault(GRADED, {})
        if self not in outcomes:
            outcomes[self] = self._grade()
        return outcomes[self]

    def _grade(self) -> tuple[list[TestResult], list[str]]:
        from grader.student.notebook import NotebookError, grade_notebook
        try:
            graded = grade_notebook(self.path, scope="public",
                                    cell_timeout=self.config.getoption("grader_cell_timeout"),
                                    test_timeout=self.config.getoption("grader_test_timeout"))
            return graded.results, graded.notes
        except NotebookError as error:
            problem = words.CANNOT_BE_GRADED_FILE.format(error=error)
        except Exception as error:  # a kernel that cannot start, ...: the other notebooks still run
            problem = words.NOTEBOOK_NOT_RUN.format(error_type=type(error).__name__, error=error)
        return [TestResult(**{**check.to_dict(), "message": problem, "hint": ""})
                for check in public_checks(self.spec)], []


def item_name(description: str) -> str:
    """``description`` as a node name: pytest reads ``[...]`` as parameters and ``::`` as a
    separator (``params[k]`` -> ``params(k)``)."""
    return description.replace("::", ":").replace("[", "(").replace("]", ")")


class Target(pytest.Collector):
    """The checks of one graded function (``step``), named by what each one judges."""

    def __init__(self, *, checks: list[TestResult], **kwargs):
        super().__init__(**kwargs)
        self.checks = checks

    def collect(self):
        names = [item_name(check.description) for check in self.checks]
        for check, name in zip(self.checks, names):
            unique = name if names.count(name) == 1 else f"{name} ({check.name})"
            yield Check.from_parent(self, name=unique, check=check)


class Check(pytest.Item):
    """One public check of a notebook."""

    def __init__(self, *, check: TestResult, **kwargs):
        super().__init__(**kwargs)
        self.check = check
        self.extra_keyword_matches.add(check.name)

    def runtest(self):
        results, notes = self.parent.parent.graded()
        key = (self.check.target, self.check.name)
        result = next((r for r in results if (r.target, r.name) == key), None)
        if result is None:
            result = TestResult(**{**self.check.to_dict(), "message": words.CHECK_DID_NOT_RUN})
        self.user_properties.append(("points", f"{result.points:g} / {result.max_points:g}"))
        if not result.passed:
            raise CheckFailed(failure_text(result, notes))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.parent.parent.nodeid} - {self.check.target}: {self.check.description}"


def pytest_terminal_summary(terminalreporter, config):
    """Each graded notebook's public points and what its hidden checks are worth, as ``grader check`` ends."""
    outcomes = config.stash.get(GRADED, {})
    if not outcomes:
        return
    terminalreporter.write_sep("=", PUBLIC_POINTS)
    for notebook, (results, _) in sorted(outcomes.items(), key=lambda item: item[0].nodeid):
        earned, possible = total(results)
        hidden = sum(hidden_points(notebook.spec).values())
        terminalreporter.write_line(f"{notebook.nodeid}: {earned:g} / {possible:g} {PUBLIC_POINTS}"
                                    + (f"; {hidden_points_note(hidden)}" if hidden else ""))
