"""A screenshot of a test cell as a student sees it in JupyterLab, for the README.

The perceptron release is copied to a temporary folder with ``perceptron`` done right and
``step`` done wrong (``>=`` instead of ``>``, the most common mistake); JupyterLab runs every
cell above the ``step`` test cell and that cell, in a real kernel, and headless Chromium
takes a picture of the test cell and its output. Used by ``python -m grader.bench.screenshots
--jupyterlab``.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat

from grader.bench.browser import Browser
from grader.bench.jupyter_server import jupyter_server
from grader.course.classroom import filled
from grader.course.release import ROOT

NOTEBOOK = "week3/01_perceptron.ipynb"
TEST_CELL = "test_step"
WRONG_STEP = "def step(z):\n    return (np.asarray(z) >= 0).astype(int)\n"
RUN_TIMEOUT_S = 45
# No pop-ups over the notebook: the news question, the kernel and update notices.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
                "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}

# The notebook's panel in JupyterLab's main area (window.jupyterapp: --LabApp.expose_app_in_browser).
_PANEL = """const panelOf = (name) => {
    const app = window.jupyterapp;
    if (!app || !app.shell) return null;
    for (const widget of app.shell.widgets("main")) {
        if (widget.context && widget.context.path.endsWith(name)) return widget;
    }
    return null;
};"""

_KERNEL_READY = """(name) => {
    %s
    const panel = panelOf(name);
    const session = panel && panel.context.isReady && panel.sessionContext.isReady && panel.sessionContext.session;
    return !!(session && session.kernel && session.kernel.status === "idle");
}""" % _PANEL

# Run every cell above the test cell, then the test cell (queued; the kernel runs them in order).
_RUN_UP_TO = """([name, index]) => {
    %s
    const panel = panelOf(name);
    const commands = window.jupyterapp.commands;
    panel.content.activeCellIndex = index;
    return commands.execute("notebook:run-all-above").then(() => {
        panel.content.activeCellIndex = index;
        commands.execute("notebook:run-cell");
        return true;
    });
}""" % _PANEL

# Done: the kernel is idle and the cell has run and shows an output. Mark it, bring it into view.
_CELL_DONE = """([name, index]) => {
    %s
    const panel = panelOf(name);
    const cell = panel.content.widgets[index];
    const kernel = panel.sessionContext.session.kernel;
    const done = kernel.status === "idle" && cell.model.executionCount !== null && cell.model.outputs.length > 0;
    if (done) {
        cell.node.setAttribute("data-screenshot", "");
        cell.node.scrollIntoView({block: "center"});
    }
    return done;
}""" % _PANEL


def student_notebook(folder: Path) -> tuple[Path, int]:
    """The release with ``step`` wrong and ``perceptron`` right, in ``folder``; and the test cell's index."""
    release = nbformat.read(ROOT / "assignments" / NOTEBOOK, as_version=4)
    source = nbformat.read(ROOT / "source" / NOTEBOOK, as_version=4)
    notebook = filled(release, source, keep=2, edit=lambda grade_id, code: WRONG_STEP if grade_id == "step" else code)
    index = next(i for i, cell in enumerate(notebook.cells)
                 if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == TEST_CELL)
    path = folder / Path(NOTEBOOK).name
    nbformat.write(notebook, path)
    return path, index


def shoot_test_cell(browser: Browser, out: Path, scale: float = 1.0) -> list[str]:
    """Write the PNG of the ``step`` test cell to ``out``; return the problems the page logged."""
    with tempfile.TemporaryDirectory(prefix="grader-lab-") as scratch:
        path, index = student_notebook(Path(scratch))
        with jupyter_server(Path(scratch), "lab", "--LabApp.expose_app_in_browser=True",
                            lab_settings=LAB_SETTINGS) as server, \
                browser.visit(server.origin, viewport={"width": 1400, "height": 900}, scale=scale) as visit:
            page = visit.page
            page.goto(server.url(f"lab/tree/{path.name}"))
            page.wait_for_function(_KERNEL_READY, arg=path.name, timeout=RUN_TIMEOUT_S * 1000, polling=250)
            page.evaluate(_RUN_UP_TO, [path.name, index])
            page.wait_for_function(_CELL_DONE, arg=[path.name, index], timeout=RUN_TIMEOUT_S * 1000, polling=250)
            time.sleep(0.5)    # the output's last paint
            out.parent.mkdir(parents=True, exist_ok=True)
            page.locator("[data-screenshot]").screenshot(path=str(out))
            return list(visit.problems)
