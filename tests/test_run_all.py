"""Run All reaches every test cell, on the untouched release and on partial work (issue 16).

Each notebook runs with nbclient, stopping on the first error (``allow_errors=False``): the
untouched release, then partial submissions made from the reference with some graded items
left unwritten and one with a bug that raises inside a demo cell. Every test cell must run,
and the friendly line must appear where a demo or a graded value was skipped.

One kernel runs all of a notebook's submissions, so TensorFlow loads once: the untouched
release first, in full; before each partial submission the kernel forgets every graded name.
A demo cell that uses no graded name (04's learning curves take half a minute) does the same
in every submission: the release runs it, and the partial submissions reuse what it made.
"""
from __future__ import annotations

import copy
import re
from contextlib import contextmanager
from dataclasses import dataclass

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from grader.course.classroom import filled
from grader.core.cells import kind, spec_name
from grader.student.demo import DEMO_STOPPED
from tests.helpers import RELEASE, SOURCE, source_notebooks
from tests.no_work import graded_names

NOT_WRITTEN = "아직 작성하지 않았습니다 (not implemented yet)"
FORGET = "for _name in {names!r}:\n    globals().pop(_name, None)"


@dataclass
class Partial:
    """A submission from the reference: ``unwritten`` cells (grade ids) stay release stubs;
    ``bug`` names a function that raises ``ValueError`` as its first line; ``skipped`` names
    what the friendly lines must mention."""

    unwritten: tuple[str, ...] = ()
    bug: str | None = None
    skipped: tuple[str, ...] = ()


# Keras notebooks leave their model builder unwritten, so their long training demos are skipped
# (and 06 its train_model, whose check trains a model of the grader's).
PARTIALS = {
    "01_perceptron": [
        Partial(unwritten=("gates",), skipped=("and_gate",)),
        Partial(bug="train_perceptron"),
    ],
    "02_xor_mlp": [
        Partial(unwritten=("xor_weights", "build_xor_model"), skipped=("XOR_WEIGHTS", "build_xor_model")),
        Partial(unwritten=("build_xor_model",), bug="mlp_forward", skipped=("build_xor_model",)),
    ],
    "03_backprop": [   # the case: everything done except numerical_gradient
        Partial(unwritten=("numerical_gradient",), skipped=("numerical_gradient",)),
        Partial(unwritten=("train",), bug="rel_error", skipped=("train",)),
    ],
    "04_training_skills": [
        Partial(unwritten=("ACTIVATION_QUIZ", "augment"), skipped=("ACTIVATION_QUIZ", "augment")),
        Partial(bug="dropout_forward"),
    ],
    "05_sign_language_mnist": [
        Partial(unwritten=("build_sign_model",), skipped=("build_sign_model",)),
        Partial(unwritten=("build_sign_model",), bug="letter", skipped=("build_sign_model",)),
    ],
    "06_mnist_homework": [
        Partial(unwritten=("build_model", "train_model"), skipped=("build_model",)),
        Partial(unwritten=("build_model", "train_model"), bug="load_mnist"),
    ],
}


def test_every_notebook_has_partial_submissions():
    assert sorted(PARTIALS) == [p.stem for p in source_notebooks()]


def test_bootstrap_cell_is_the_same_in_every_notebook():
    sources = {p.name: next(c.source for c in nbformat.read(p, as_version=4).cells if kind(c) == "bootstrap")
               for p in source_notebooks()}
    assert len(set(sources.values())) == 1, sorted(sources)
    bootstrap = next(iter(sources.values()))
    for name in ("check", "summary", "demo", "skip_if_unwritten"):
        assert re.search(rf"^    grader\.(\w+ = grader\.)?{name} =", bootstrap, re.M), name


def test_the_bootstrap_cell_is_short_and_defines_no_class():
    """The first thing a student reads: a dozen lines, no class or function of its own (issue 22)."""
    bootstrap = next(c.source for c in nbformat.read(source_notebooks()[0], as_version=4).cells
                     if kind(c) == "bootstrap")
    assert len(bootstrap.splitlines()) <= 12, bootstrap
    assert not re.search(r"^\s*(class|def) ", bootstrap, re.M), bootstrap


def test_demo_cells_run_inside_demo():
    for path in source_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if kind(cell) == "demo" and "summary" not in cell.metadata.get("tags", []):
                assert "\nwith demo():\n" in cell.source, f"{path.name}: {cell.source[:80]}"


def _raising(function: str):
    """An edit that makes ``function`` raise ValueError on its first line."""
    def edit(grade_id: str, code: str) -> str:
        return re.sub(rf"(\n?def {function}\(.*\):\n)", r'\1    raise ValueError("a bug in partial work")\n', code, count=1)
    return edit


def submission(release, source, partial: Partial):
    stubs = {c.metadata.nbgrader.grade_id: c.source for c in release.cells if kind(c) == "solution"}
    bug = _raising(partial.bug) if partial.bug else (lambda grade_id, code: code)
    notebook = filled(release, source, edit=lambda grade_id, code:
                      stubs[grade_id] if grade_id in partial.unwritten else bug(grade_id, code))
    assert not partial.bug or any('ValueError("a bug' in c.source for c in notebook.cells), partial.bug
    return notebook


@contextmanager
def one_kernel(cwd: str):
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=cwd)
    try:
        yield manager
    finally:
        manager.shutdown_kernel(now=True)


def uses_student_work(cell, graded: list[str]) -> bool:
    return kind(cell) != "demo" or "summary" in cell.metadata.get("tags", []) or any(re.search(rf"\b{name}\b", cell.source) for name in graded)


def run_all(notebook, manager, cwd: str, forget: list[str] = ()):
    """Execute every cell, stopping on the first error, in ``manager``'s kernel, after
    forgetting the names ``forget``."""
    notebook.cells.insert(0, nbformat.v4.new_code_cell(FORGET.format(names=list(forget))))
    NotebookClient(notebook, km=manager, timeout=600, allow_errors=False,
                   resources={"metadata": {"path": cwd}}).execute()
    return notebook


def printed(cells) -> str:
    return "".join(o.get("text", "") for c in cells for o in c.get("outputs", []) if o.output_type == "stream")


def assert_every_test_cell_ran(notebook, label: str):
    tests = [c for c in notebook.cells if kind(c) == "test"]
    assert tests
    for cell in tests:
        grade_id = cell.metadata.nbgrader.grade_id
        assert cell.execution_count and cell.outputs, f"{label}: {grade_id} did not run"
        assert not [o for o in cell.outputs if o.output_type == "error"], f"{label}: {grade_id} raised"
    summary = notebook.cells[-1]
    assert "summary" in summary.metadata.tags and summary.execution_count, f"{label}: the summary cell did not run"


def assert_partial_explained(notebook, partial: Partial, label: str):
    lines = [line for line in printed(notebook.cells).splitlines() if NOT_WRITTEN in line]
    for name in partial.skipped:
        assert any(f"`{name}`" in line for line in lines), f"{label}: no friendly line names {name}: {lines}"
    demos = [c for c in notebook.cells if kind(c) == "demo"]
    if partial.bug:
        errors = [o for c in demos for o in c.outputs if o.output_type == "error"]
        assert any(o.ename == "ValueError" for o in errors), f"{label}: the bug's traceback is not shown"
        assert DEMO_STOPPED in printed(demos), label
    else:
        assert DEMO_STOPPED not in printed(demos), f"{label}: a demo stopped on an error: {printed(demos)[-800:]}"


def assert_skipped_demos_draw_nothing(notebook, label: str):
    """A demo cell that printed its skip line shows no figure, not even an empty one (issue 22)."""
    for cell in notebook.cells:
        if kind(cell) == "demo" and NOT_WRITTEN in printed([cell]):
            drawn = [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")
                     and ("image/png" in o.data or "<Figure" in o.data.get("text/plain", ""))]
            assert not drawn, f"{label}: a skipped demo drew {[o.data.get('text/plain') for o in drawn]}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PARTIALS))
def test_run_all_reaches_every_test_cell(name, monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_MNIST_QUICK", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)     # Jupyter's inline backend: figures are shown, as a student sees
    release = nbformat.read(RELEASE / f"{name}.ipynb", as_version=4)
    source = nbformat.read(SOURCE / f"{name}.ipynb", as_version=4)
    cwd = str(tmp_path)
    with one_kernel(cwd) as manager:
        untouched = run_all(copy.deepcopy(release), manager, cwd)
        assert_every_test_cell_ran(untouched, f"{name} untouched")
        assert_skipped_demos_draw_nothing(untouched, f"{name} untouched")
        assert NOT_WRITTEN in printed(c for c in untouched.cells if kind(c) == "demo"), name
        graded = graded_names(spec_name(source, SOURCE / f"{name}.ipynb"))
        for number, partial in enumerate(PARTIALS[name], start=1):
            label = f"{name} partial {number}"
            notebook = submission(release, source, partial)
            notebook.cells = [c for c in notebook.cells if uses_student_work(c, graded)]
            executed = run_all(notebook, manager, cwd, forget=graded)
            assert_every_test_cell_ran(executed, label)
            assert_partial_explained(executed, partial, label)


def _stub():
    raise NotImplementedError()


def test_demo_skips_a_stub_naming_it(capsys):
    from grader import demo
    with demo():
        _stub()
        raise AssertionError("the rest of the cell must not run")
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and "`_stub` 를 아직 작성하지 않았습니다 (not implemented yet)" in out and not err


def test_a_skipped_demo_closes_the_figures_it_opened():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from grader import demo
    kept = plt.figure()
    with demo():
        plt.figure(figsize=(6, 4))
        plt.subplots(1, 3)
        _stub()
    assert plt.get_fignums() == [kept.number]      # the figures the cell opened are gone, not the earlier one
    plt.close(kept)


def test_demo_shows_another_error_and_goes_on(capsys):
    from grader import demo
    with demo():
        int("not a number")
    out, err = capsys.readouterr()
    assert "Traceback" in out and "ValueError" in out and DEMO_STOPPED in out and not err


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit])
def test_demo_never_swallows_an_interrupt(error):
    from grader import demo
    with pytest.raises(error), demo():
        raise error()


def test_skip_if_unwritten_skips_only_a_stub(capsys):
    from grader import skip_if_unwritten
    with skip_if_unwritten("XOR_WEIGHTS"):
        raise NotImplementedError()
    assert "`XOR_WEIGHTS` 를 아직 작성하지 않았습니다" in capsys.readouterr().out
    with pytest.raises(KeyError), skip_if_unwritten("XOR_WEIGHTS"):
        {}["W1"]


@pytest.mark.slow
def test_run_all_without_the_grader_reaches_every_test_cell(tmp_path, monkeypatch):
    """Where the grader is missing (a fresh Colab), the bootstrap cell's fallbacks keep Run All
    going too: 02's demos meet a stub and a value never defined (XOR_WEIGHTS), and skip."""
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['grader'] = None\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    notebook = nbformat.read(RELEASE / "02_xor_mlp.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert_every_test_cell_ran(notebook, "02 without the grader")
    assert "grader not installed" in printed(notebook.cells) and "pip install" in printed(notebook.cells)
