"""Both grading paths give the solutions full marks and the untouched release zero.

(a) the notebook path: autograder cells run in the notebook's own kernel and evaluate to
    the points earned, writing nothing to stderr (nbgrader would score such a cell 0);
(b) the batch path: ``grader grade`` runs the notebook's cells in a sandboxed process and
    the specs in the grader's, every value crossing between them in a safe encoding.
"""
import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from grader.core.cells import kind
from grader.batch.run import run_batch
from grader.pages.pictures import pictures
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


def report_text(cell) -> str:
    """What a test cell shows as text: its report (a display_data's text/plain) and anything printed."""
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs
                   if o.output_type in ("stream", "display_data"))


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
        assert "not implemented yet" in report_text(cell)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_sandboxed_batch_path(path, tmp_path):
    for student, notebook in [("solved", path), ("untouched", RELEASE / path.name)]:
        (tmp_path / "in" / student).mkdir(parents=True)
        shutil.copy(notebook, tmp_path / "in" / student / path.name)
    rows = {r["student"]: r for r in run_batch(tmp_path / "in", tmp_path / "out", workers=2, progress=False)}
    solved = json.loads((tmp_path / "out" / "solved" / path.stem / "results.json").read_text())
    assert rows["solved"]["max_score"] > 0
    assert rows["solved"]["score"] == rows["solved"]["max_score"], \
        [t for t in solved["tests"] if t["status"] != "passed"]
    assert solved["extra_data"]["notes"] == []
    assert (rows["untouched"]["score"], rows["untouched"]["max_score"]) == (0.0, rows["solved"]["max_score"])
    # the reference draws every picture of its feedback page; the untouched release draws none
    for student, drawn in (("solved", True), ("untouched", False)):
        folder = tmp_path / "out" / student / path.stem
        observations = json.loads((folder / "observations.json").read_text())
        assert observations, "no observation for the feedback pictures"
        failed = {name: value["error"] for name, value in observations.items() if "error" in value}
        assert (not failed) if drawn else failed, failed
        page = (folder / "feedback.html").read_text(encoding="utf-8")
        assert page.count('<img src="data:image/png;base64,') == (len(pictures(path.stem[3:], observations))
                                                                  if drawn else 0)


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
