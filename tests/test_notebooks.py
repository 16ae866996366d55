"""Both grading paths give the solutions full marks and the untouched release zero.

(a) the notebook path: autograder cells run in the notebook's own kernel and evaluate to
    the points earned, writing nothing to stderr (nbgrader would score such a cell 0);
(b) the command-line path: ``grader`` executes the notebook's cells, then runs the specs.
"""
import nbformat
import pytest
from nbclient import NotebookClient

from grader.cells import kind
from grader.notebook import grade_notebook
from grader.results import total
from tests.helpers import RELEASE, source_notebooks

NOTEBOOKS = source_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def run_without_demos(path):
    """Execute every cell but the demo ones; return the executed test cells."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [c for c in notebook.cells if kind(c) != "demo"]
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return [c for c in notebook.cells if kind(c) == "test"]


def cell_points(cell) -> float:
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1, f"{cell.metadata.nbgrader.grade_id} did not evaluate to a number"
    return float(results[0].data["text/plain"])


def stderr_of(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_path_solution_full_marks(path):
    for cell in run_without_demos(path):
        grade_id = cell.metadata.nbgrader.grade_id
        assert not [o for o in cell.outputs if o.output_type == "error"], f"{grade_id} raised"
        assert stderr_of(cell) == "", f"{grade_id} wrote to stderr: nbgrader would score it 0"
        assert cell_points(cell) == cell.metadata.nbgrader.points, grade_id


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_path_release_scores_zero(path):
    for cell in run_without_demos(RELEASE / path.name):
        grade_id = cell.metadata.nbgrader.grade_id
        assert stderr_of(cell) == "", f"{grade_id} wrote to stderr"
        assert cell_points(cell) == 0.0, grade_id
        assert "not implemented yet" in "".join(o.get("text", "") for o in cell.outputs)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_command_line_path(path):
    solved = grade_notebook(path, scope="all")
    earned, possible = total(solved.results)
    assert possible > 0 and earned == possible, [r for r in solved.results if not r.passed]
    assert not solved.notes
    untouched = grade_notebook(RELEASE / path.name, scope="all")
    assert total(untouched.results) == (0.0, possible)


@pytest.mark.slow
def test_release_without_grader_explains_how_to_install(tmp_path, monkeypatch):
    """Where the grader is missing (a fresh Colab), the first cell says how to install it and
    the test cells report that instead of raising ImportError."""
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['grader'] = None\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    notebook = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    notebook.cells = [c for c in notebook.cells if kind(c) != "demo"]
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True).execute()
    bootstrap = next(c for c in notebook.cells if kind(c) == "bootstrap")
    printed = "".join(o.get("text", "") for o in bootstrap.outputs)
    assert "pip install" in printed and "설치" in printed
    for cell in (c for c in notebook.cells if kind(c) == "test"):
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.metadata.nbgrader.grade_id
        assert cell_points(cell) == 0.0
        assert "grader not installed" in "".join(o.get("text", "") for o in cell.outputs)
