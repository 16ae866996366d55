"""``nbgrader autograde`` through the sandbox: the first step of nbgrader's autograde pipeline.

nbgrader's ``Autograde`` converter runs ``Autograde.autograde_preprocessors`` on each
submitted notebook, the first of which (``Execute``) runs every cell in a Jupyter kernel and
trusts what the test cells print. This course's ``nbgrader_config.py`` puts
:class:`SandboxedExecute` in its place. It grades the notebook exactly as ``grader grade``
does (:func:`grader.grading.sandboxed.grade_cells`):

- the student's setup and solution cells run only in the sandboxed child; what each printed
  or raised becomes that cell's output, as a kernel would have shown it;
- each autograder test cell's checks are read from the instructor's source of that cell in
  nbgrader's gradebook (never from the student's copy) and run in this process;
- each test cell then gets the report as the kernel shows it (rich HTML with the text as its
  fallback, so nbgrader's feedback pages and the formgrader render it as the test cell does) and
  the points as a float ``execute_result``, between 0 and the cell's points from the gradebook.

nbgrader's own later steps (``SaveAutoGrades``, late penalties, ``generate_feedback``,
``export``) read those outputs unchanged. Nothing is written to stderr and nothing raises,
so a notebook that cannot be graded gets 0 with the reason in every test cell.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from traitlets import Float, Integer

from nbgrader.preprocessors import NbGraderPreprocessor

from grader.core import words
from grader.core.cells import kind
from grader.grading.check_calls import Check, NotATestCell, checks_of  # noqa: F401
from grader.student.checker import report_title
from grader.grading.clock import grade_on_clock
from grader.grading.sandboxed import Graded, Options, expected_tests, runnable_cells
from grader.grading.submissions import stray_note, stray_notebooks
from grader.student.report import format_report
from grader.student.report_html import report_html
from grader.sandbox.launcher import Limits, isolation_note

DEFAULTS = Options()
Answer = tuple[str, "str | None", float]   # a test cell's report text, its HTML (None: text only), points


def is_test_cell(cell) -> bool:
    """A code cell that nbgrader scores from its output, whatever its tags say (a student may tag
    a test cell ``demo``; nbgrader gives an output-less test cell full marks)."""
    return cell.get("cell_type") == "code" and bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's ``Execute`` step, replaced: grade the notebook in the sandbox (see the module)."""

    cell_timeout = Float(DEFAULTS.cell_timeout, help="seconds one notebook cell may run").tag(config=True)
    test_timeout = Float(DEFAULTS.test_timeout, help="seconds one check may run (unless its spec says more)"
                         ).tag(config=True)
    submission_timeout = Float(DEFAULTS.submission_timeout, help="seconds for the whole notebook").tag(config=True)
    memory_mb = Integer(DEFAULTS.limits.memory_mb, help="address space of the sandboxed process (MB)"
                        ).tag(config=True)
    threads = Integer(0, help="BLAS/OpenMP/TensorFlow threads of the sandboxed process (0: one per core); "
                      "less when something else grades beside this autograde").tag(config=True)

    _isolation_said = False

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        self._say_isolation_once()
        try:
            answers = self._grade(nb, self._test_cells(nb, resources))
        except Exception as error:      # the grader itself failed: 0 with the reason, never a crash
            self.log.error("grading %s failed: %s: %s", resources.get("unique_key", "a notebook"),
                           type(error).__name__, error)
            failure = (words.GRADING_FAILED_CELL.format(error_type=type(error).__name__, error=error), None, 0.0)
            answers = {index: failure for index, cell in enumerate(nb.cells) if is_test_cell(cell)}
        self._write_outputs(nb, answers)
        self._say_stray_copies(resources)
        return nb, resources

    _stray_said: set = set()

    def _say_stray_copies(self, resources: ResourcesDict) -> None:
        """One line per student and assignment naming the notebooks nbgrader does not grade
        (``week3/old/...``), as ``grader grade`` notes them: the two paths grade the same files."""
        from nbgrader.coursedir import CourseDirectory

        ids = resources.get("nbgrader") or {}
        student, assignment = ids.get("student"), ids.get("assignment")
        if not student or not assignment:
            return
        try:            # the handed-in folder (autograde grades a copy of its top notebooks only)
            course = CourseDirectory(config=self.config)
            folder = course.format_path(course.submitted_directory, student, assignment)
        except Exception:       # noqa: BLE001  (only a report: never stop grading for it)
            return
        if (student, folder) in SandboxedExecute._stray_said:
            return
        SandboxedExecute._stray_said.add((student, folder))
        try:
            stray = stray_notebooks(Path(folder))
        except OSError:
            return
        if stray:
            self.log.warning("%s: %s", student, stray_note(Path(folder).parent, stray))

    # ---- which cells are tests, and what they check ---------------------------------------------

    def _test_cells(self, nb: NotebookNode, resources: ResourcesDict) -> dict[int, tuple[str, float]]:
        """Test cells by index: (the instructor's source, the cell's points), from the gradebook
        when nbgrader gives one (else from the cell, for use outside nbgrader)."""
        known = _gradebook_tests(resources)
        tests = {}
        for index, cell in enumerate(nb.cells):
            if not is_test_cell(cell):
                continue
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if known is None:
                tests[index] = (cell.source, float(cell.metadata["nbgrader"].get("points", 0)))
            elif grade_id in known:
                tests[index] = known[grade_id]
        return tests

    # ---- grading --------------------------------------------------------------------------------

    def _grade(self, nb: NotebookNode, tests: dict[int, tuple[str, float]]) -> dict[int, Answer]:
        """Grade every spec the test cells name; return each test cell's (report, its HTML, points)."""
        checks: dict[int, list[Check]] = {}
        problems: dict[int, str] = {}
        for index, (source, _) in tests.items():
            try:
                checks[index] = checks_of(source)
            except NotATestCell as error:
                problems[index] = words.TEST_CELL_UNGRADABLE.format(error=error)
        cells = runnable_cells(nb)
        by_spec: dict[str, Graded] = {}
        for spec in dict.fromkeys(c.spec for cell_checks in checks.values() for c in cell_checks):
            by_spec[spec] = self._grade_spec(spec, cells)
        self._show_cell_outputs(nb, by_spec)
        answers = {}
        for index, (_, points) in tests.items():
            if index in problems:
                answers[index] = (f"! {problems[index]}\n", None, 0.0)
                continue
            report, rich, earned = [], [], 0.0
            for check in checks[index]:
                graded = by_spec[check.spec]
                results = check.results(graded.results)
                notes = graded.notes if graded.status != "graded" else []
                title = report_title(check.spec, check.target, check.hidden)
                report.append(format_report(results, title=title, notes=notes))
                rich.append(report_html(results, title=title, notes=notes))
                earned += sum(r.points for r in results)
            answers[index] = ("\n".join(report) + "\n", "".join(rich), min(max(earned, 0.0), points))
        return answers

    def _grade_spec(self, spec: str, cells: list[tuple[int, str]]) -> Graded:
        from grader.core.engine import SpecsNotFound
        try:
            expected_tests(spec)        # (cached: grade_cells asks again)
        except SpecsNotFound as error:
            return Graded("unknown", [], [words.NO_SUCH_SPEC.format(spec=spec, error=error)])
        options = Options(test_timeout=self.test_timeout, cell_timeout=self.cell_timeout,
                          submission_timeout=self.submission_timeout,
                          limits=Limits(memory_mb=self.memory_mb,
                                        threads_per_library=self.threads or os.cpu_count() or 1))
        return grade_on_clock(spec, cells, options)   # never past the clock (grader/grading/clock.py)

    # ---- outputs ----------------------------------------------------------------------------------

    @staticmethod
    def _show_cell_outputs(nb: NotebookNode, by_spec: dict[str, Graded]) -> None:
        """What the student's cells printed or raised (the first spec's run), as their outputs."""
        outputs = next((g.cell_outputs for g in by_spec.values() if g.cell_outputs), {})
        count = 0
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code" or is_test_cell(cell):
                continue
            cell.outputs = [from_dict(o) for o in outputs.get(number, [])]
            if kind(cell) in ("setup", "solution"):
                count += 1
                cell.execution_count = count
            else:
                cell.execution_count = None

    @staticmethod
    def _write_outputs(nb: NotebookNode, answers: dict[int, Answer]) -> None:
        """Every test cell: the report as it displays (HTML over its text, or the text alone), the
        points as its value (0 for a cell that is none of this notebook's tests: nbgrader would give
        a cell without a value full marks)."""
        for index, cell in enumerate(nb.cells):
            if not is_test_cell(cell):
                continue
            if index not in answers:    # a cell that claims to be a test but is none of this notebook's
                cell.outputs = [_stream(words.FOREIGN_TEST_CELL), _points(0.0)]
                continue
            report, rich, points = answers[index]
            cell.outputs = [_stream(report) if rich is None else _rich(report, rich), _points(points)]

    def _say_isolation_once(self) -> None:
        if not SandboxedExecute._isolation_said:
            SandboxedExecute._isolation_said = True
            note = isolation_note()
            if note:
                self.log.warning("grader: %s", note)


def _gradebook_tests(resources: ResourcesDict) -> dict[str, tuple[str, float]] | None:
    """Each test cell of this notebook in nbgrader's gradebook: grade id -> (source, points)."""
    info = resources.get("nbgrader") or {}
    if not all(info.get(key) for key in ("db_url", "notebook", "assignment")):
        return None
    from nbgrader.api import Gradebook

    with Gradebook(info["db_url"]) as gradebook:
        notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
        sources = {cell.name: cell.source for cell in notebook.source_cells}
        return {cell.name: (sources.get(cell.name, ""), float(cell.max_score))
                for cell in notebook.grade_cells if cell.cell_type == "code"}


def _stream(text: str) -> NotebookNode:
    return from_dict({"output_type": "stream", "name": "stdout", "text": text})


def _rich(text: str, html: str) -> NotebookNode:
    """The report as the kernel displays it: HTML, with the text for front ends without HTML."""
    return from_dict({"output_type": "display_data", "metadata": {},
                      "data": {"text/html": html, "text/plain": text}})


def _points(points: float) -> NotebookNode:
    return from_dict({"output_type": "execute_result", "execution_count": None, "metadata": {},
                      "data": {"text/plain": repr(float(points))}})


