"""nbgrader's autograde step, sandboxed: which checks a test cell runs, and what each cell gets.

The preprocessor is driven directly here (no gradebook: test cells are read from the notebook
itself); tests/test_nbgrader_e2e.py runs it inside ``nbgrader autograde``.
"""
import copy

import nbformat
import pytest

from grader.core.cells import kind
from grader.course.classroom import filled
from grader.core.engine import run_specs
from grader.grading.nbgrader_executor import Check, NotATestCell, SandboxedExecute, checks_of
from tests.helpers import RELEASE, SOURCE, source_notebooks


def test_every_source_test_cell_names_its_public_then_hidden_checks():
    for path in source_notebooks():
        notebook = nbformat.read(path, as_version=4)
        tests = [c for c in notebook.cells if kind(c) == "test"]
        assert tests, path.name
        targets = {r.target for r in run_specs(path.stem.split("_", 1)[1], {}, scope="all", collect_only=True)}
        for cell in tests:
            checks = checks_of(cell.source)
            assert [c.hidden for c in checks] == [False, True], cell.source
            assert len({(c.spec, c.target) for c in checks}) == 1
            assert checks[0].target in targets


@pytest.mark.parametrize("source, problem", [
    ("x = 1\nx", r"check\(\.\.\.\) 를 호출하지 않습니다"),
    ("name = 'perceptron:step'\ncheck(name, globals())", "문자열 리터럴 \\(string literal\\)"),
    ("check('perceptron:step', globals(), hidden=flag)", "hidden="),
    ("check('perceptron:step', globals(),", "not valid Python"),
])
def test_a_test_cell_that_is_not_a_list_of_checks_is_refused(source, problem):
    with pytest.raises(NotATestCell, match=problem):
        checks_of(source)


def test_checks_come_in_source_order_with_or_without_the_module_name():
    source = ("import grader\n_p = grader.check('backprop:softmax', globals())\n"
              "_p += check('backprop:softmax', globals(), hidden=True)\n_p")
    assert checks_of(source) == [Check("backprop", "softmax", False), Check("backprop", "softmax", True)]


def _execute(notebook):
    """The notebook after the executor (generous limits: these tests check what is written, and
    the hostile corpus's fork bomb may be taking the machine's CPU in another test worker)."""
    notebook = copy.deepcopy(notebook)
    executor = SandboxedExecute(cell_timeout=60, test_timeout=60, submission_timeout=300)
    executor.preprocess(notebook, {})
    return notebook


def _points(cell) -> float:
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1, cell.outputs
    return float(results[0].data["text/plain"])


def _text(cell) -> str:
    """The cell's report as text: its stream, or the text fallback of its rich display."""
    return "".join(o.get("text", "") if o.output_type == "stream" else o.data.get("text/plain", "")
                   for o in cell.outputs if o.output_type in ("stream", "display_data"))


def _html(cell) -> str:
    return "".join(o.data.get("text/html", "") for o in cell.outputs if o.output_type == "display_data")


@pytest.mark.slow
@pytest.mark.xdist_group("corpus")   # never beside the hostile corpus: its bombs stall a concurrent grading (see note)
def test_each_test_cell_gets_its_report_and_points_and_student_cells_keep_their_output():
    source = nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4)
    release = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    student = filled(release, source)
    solutions = [c for c in student.cells if kind(c) == "solution"]
    solutions[0].source += "\nprint('my step works')\n"
    solutions[-1].source += "\nimport sys\nprint('a note on stderr', file=sys.stderr)\n"
    for cell, test in zip([c for c in student.cells if kind(c) == "test"],
                          [c for c in source.cells if kind(c) == "test"]):
        cell.source = test.source              # as nbgrader restores them: hidden tests included
    graded = _execute(student)

    tests = [c for c in graded.cells if kind(c) == "test"]
    for cell in tests:
        points = cell.metadata.nbgrader.points
        assert _points(cell) == points, _text(cell)
        assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert "공개 검사 (public checks)" in _text(cell) and "숨은 검사 (hidden checks)" in _text(cell)
        # the same rich report the kernel shows, so nbgrader's feedback page and the formgrader render it
        assert "공개 검사 (public checks)" in _html(cell) and "color: #2ea043" in _html(cell), cell.outputs
    printed = {o.name: o.text for c in graded.cells if kind(c) == "solution" for o in c.outputs}
    assert printed == {"stdout": "my step works\n", "stderr": "a note on stderr\n"}
    counts = [c.execution_count for c in graded.cells if kind(c) in ("setup", "solution")]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.slow
@pytest.mark.xdist_group("corpus")   # never beside the hostile corpus: its bombs stall a concurrent grading (see note)
def test_the_release_earns_nothing_and_says_why_and_a_raising_cell_shows_its_error():
    source = nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4)
    student = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    for cell, test in zip([c for c in student.cells if kind(c) == "test"],
                          [c for c in source.cells if kind(c) == "test"]):
        cell.source = test.source
    # a student who patches the checker in their own process: the sandbox never sees the grader
    first = next(i for i, c in enumerate(student.cells) if kind(c) == "setup")
    student.cells.insert(first + 1, nbformat.v4.new_code_cell(
        "import grader\ngrader.check = lambda *a, **k: -1.0\ncheck = grader.check\n"))
    student.cells.insert(first + 2, nbformat.v4.new_code_cell("print('before')\nratio = 1 / 0\n"))
    graded = _execute(student)

    for cell in (c for c in graded.cells if kind(c) == "test"):
        assert _points(cell) == 0.0
        assert "not implemented yet" in _text(cell)
    raising = graded.cells[first + 2]
    assert [o.output_type for o in raising.outputs] == ["stream", "error"]
    assert raising.outputs[0].text == "before\n"
    error = raising.outputs[1]
    assert (error.ename, error.evalue) == ("ZeroDivisionError", "division by zero")
    assert "ratio = 1 / 0" in "\n".join(error.traceback)


@pytest.mark.slow
@pytest.mark.xdist_group("corpus")   # never beside the hostile corpus: its bombs stall a concurrent grading (see note)
def test_a_test_cell_it_cannot_read_earns_nothing_and_says_so():
    notebook = nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4)
    test = next(c for c in notebook.cells if kind(c) == "test")
    test.source = "_points = 2.0\n_points"
    graded = _execute(notebook)
    cell = next(c for c in graded.cells if kind(c) == "test")
    assert _points(cell) == 0.0
    assert "채점할 수 없습니다 (could not be graded): 테스트 셀 (test cell)이 check(...) 를 호출하지 않습니다" in _text(cell)


@pytest.mark.slow
@pytest.mark.xdist_group("corpus")   # never beside the hostile corpus: its bombs stall a concurrent grading (see note)
def test_a_test_cell_tagged_demo_or_bootstrap_is_still_graded():
    """nbgrader gives a test cell with no value full marks: every one must get its points."""
    notebook = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    tests = [c for c in notebook.cells if kind(c) == "test"]
    tests[0].metadata["tags"] = ["demo"]
    tests[1].metadata["tags"] = ["bootstrap"]
    graded = _execute(notebook)
    for index in (notebook.cells.index(tests[0]), notebook.cells.index(tests[1])):
        assert _points(graded.cells[index]) == 0.0


def test_when_the_grader_itself_fails_every_test_cell_gets_zero_and_the_reason(monkeypatch):
    import grader.grading.nbgrader_executor as executor

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(executor, "grade_on_clock", broken)
    graded = _execute(nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4))
    tests = [c for c in graded.cells if kind(c) == "test"]
    assert tests and all(_points(c) == 0.0 for c in tests)
    assert all("채점에 실패했습니다 (grading failed): OSError: disk full" in _text(c) for c in tests)
