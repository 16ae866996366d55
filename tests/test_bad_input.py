"""Broken notebooks are graded with a message; the grader never crashes or hangs."""
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.student.notebook import NotebookError, grade_notebook, read_notebook
from grader.core.results import total
from tests.helpers import SOLUTIONS


def perceptron_notebook(tmp_path, *cells: str, name="01_perceptron.ipynb"):
    """A notebook graded by the perceptron specs, with the reference code then ``cells``."""
    reference = (SOLUTIONS / "perceptron.py").read_text(encoding="utf-8")
    notebook = new_notebook(cells=[new_code_cell(reference), *map(new_code_cell, cells)])
    notebook.metadata["grader"] = {"spec": "perceptron"}
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def by_target(results):
    out = {}
    for r in results:
        earned, possible = out.get(r.target, (0.0, 0.0))
        out[r.target] = (earned + r.points, possible + r.max_points)
    return out


def test_not_json(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(NotebookError, match="not valid JSON"):
        read_notebook(path)


def test_not_a_notebook(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(NotebookError, match="not a Jupyter notebook"):
        read_notebook(path)


def test_a_file_beyond_any_notebooks_size_is_refused_before_it_is_parsed(tmp_path):
    from grader.core.notebook_file import read_text
    path = tmp_path / "huge.ipynb"
    path.write_text("{" + " " * 4096 + "}", encoding="utf-8")
    with pytest.raises(NotebookError, match="larger than"):
        read_text(path, max_bytes=1024)
    assert read_text(path, max_bytes=1 << 20).startswith("{")


def test_missing_file(tmp_path):
    with pytest.raises(NotebookError, match="cannot read"):
        read_notebook(tmp_path / "absent.ipynb")


@pytest.mark.slow
def test_missing_function_loses_only_its_points(tmp_path):
    path = perceptron_notebook(tmp_path, "del xor_gate")
    graded = grade_notebook(path, scope="public")
    scores = by_target(graded.results)
    assert scores["xor_gate"][0] == 0 and scores["step"][0] == scores["step"][1]
    message = next(r.message for r in graded.results if r.target == "xor_gate")
    assert "`xor_gate` 이(가) 정의되지 않았습니다 (is not defined)" in message


@pytest.mark.slow
def test_raising_cell_does_not_stop_later_cells(tmp_path):
    path = perceptron_notebook(tmp_path, "1 / 0", "def step(z):\n    return (np.asarray(z) >= 0).astype(int)")
    graded = grade_notebook(path, scope="public")
    assert any("셀 (cell) 2: 예외 (exception)가 났습니다 (raised ZeroDivisionError" in note for note in graded.notes)
    assert by_target(graded.results)["step"][0] == 0      # the cell after the error ran
    assert by_target(graded.results)["and_gate"] == (1.0, 1.0)


@pytest.mark.slow
def test_infinite_loop_in_a_cell_is_stopped(tmp_path):
    path = perceptron_notebook(tmp_path, "while True:\n    pass")
    graded = grade_notebook(path, scope="public", cell_timeout=3)
    assert any("3초 안에 끝나지 않아 멈췄습니다 (did not finish within 3 s" in note for note in graded.notes)
    earned, possible = total(graded.results)
    assert earned == possible


@pytest.mark.slow
def test_infinite_loop_in_a_graded_function_fails_that_test(tmp_path):
    path = perceptron_notebook(tmp_path, "def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):\n"
                                         "    while True:\n        pass")
    graded = grade_notebook(path, scope="public", test_timeout=1)
    failed = [r for r in graded.results if not r.passed]
    assert failed and {r.target for r in failed} == {"train_perceptron"}
    assert all("took longer than 1 s" in r.message for r in failed)


@pytest.mark.slow
def test_kernel_death_is_reported(tmp_path):
    path = perceptron_notebook(tmp_path, "import os\nos._exit(1)")
    graded = grade_notebook(path, scope="public")
    assert total(graded.results)[0] == 0 and total(graded.results)[1] > 0
    assert any("kernel died" in note for note in graded.notes)
    assert all("kernel died" in r.message for r in graded.results)


@pytest.mark.slow
def test_notebook_cannot_award_itself_points(tmp_path):
    """A kernel that reports every test passed with extra points is not believed."""
    forged = ("import grader.core.engine as e\n"
              "e.run_specs = lambda *a, **k: []\n")
    graded = grade_notebook(perceptron_notebook(tmp_path, forged), scope="public")
    assert total(graded.results)[0] == 0
    assert all(r.message == "검사가 실행되지 않았습니다 (the checks did not run)" for r in graded.results)


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "grader.student.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_check_exit_code_unreadable(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text("not json", encoding="utf-8")
    result = run_cli("check", path)
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr


@pytest.mark.slow
def test_check_exit_codes_and_report(tmp_path):
    solved = run_cli("check", perceptron_notebook(tmp_path))
    assert solved.returncode == 0, solved.stdout + solved.stderr
    last_two = solved.stdout.strip().splitlines()[-2:]
    assert last_two == ["점수 (score): 13 / 13", "숨은 검사 (hidden checks) 9점은 채점 때 실행됩니다 (run at grading time)."]
    wrong = run_cli("check", perceptron_notebook(
        tmp_path, "def step(z):\n    return (np.asarray(z) >= 0).astype(int)", name="wrong.ipynb"))
    assert wrong.returncode == 1
    lines = wrong.stdout.strip().splitlines()
    assert lines[-2].startswith("점수 (score): ") and lines[-2] != "점수 (score): 13 / 13"
    assert "기댓값 (expected): 0" in wrong.stdout and "받은 값 (received): 1" in wrong.stdout
    assert "힌트 (hint):" in wrong.stdout


@pytest.mark.slow
def test_loop_that_ignores_interrupts_is_killed(tmp_path, monkeypatch):
    """The interrupt at the cell's timeout does nothing: the run's deadline stops the kernel.
    That deadline is the timeouts plus a slack (SPECS_SLACK_SECONDS + RUN_SLACK_SECONDS, 40 s);
    a smaller slack shows the same stop in a quarter of the time."""
    import grader.student.notebook as notebook_module
    monkeypatch.setattr(notebook_module, "SPECS_SLACK_SECONDS", 3)
    monkeypatch.setattr(notebook_module, "RUN_SLACK_SECONDS", 2)
    path = perceptron_notebook(tmp_path, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                         "while True:\n    pass")
    graded = grade_notebook(path, scope="public", cell_timeout=2, test_timeout=0.5)
    assert total(graded.results)[0] == 0
    assert any("did not finish" in note for note in graded.notes)
