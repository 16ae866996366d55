"""``make bench``, beside the grader: otter-grader's ``otter run`` on the same perceptron submissions.

otter-grader lives in a virtual environment of its own (``.venv-otter``, made by ``make
.venv-otter``: otter-grader, NumPy and matplotlib from PyPI), never in the project's. Its
autograder is generated here from the released notebook: one otter test file per graded item,
which runs this course's checks (public and hidden) on the notebook's namespace and gives the
item's points when every check passes, so the two graders do the same work on the same files.
``otter run`` executes each submission in a Jupyter kernel (unsandboxed) and then the tests;
the CPU seconds of its whole process tree are measured per submission.

When otter-grader is not installed (or fails), the bench says so and why, and goes on.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.bench.measure import children_cpu, grade_with_grader
from grader.course.demo import ASSIGNMENT
from grader.course.release import ROOT
from grader.grading.check_calls import NotATestCell, checks_of

OTTER_VENV = Path(os.environ.get("GRADER_OTTER_VENV", ROOT / ".venv-otter"))
NOTEBOOK = "01_perceptron"
TEST_FILE = '''OK_FORMAT = False
from otter.test_files import test_case

name = {name!r}
points = {points!r}


@test_case(points={points!r})
def test_{name}(env):
    from grader.student.checker import check
    earned = check({selector!r}, env) + check({selector!r}, env, hidden=True)
    assert earned >= {points!r} - 1e-9, f"{{earned}} of {points!r} points"
'''


@dataclass
class OtterRun:
    """``otter run`` on some submissions: CPU and wall seconds per submission, scores, or why not."""
    missing: str = ""                       # why otter was not measured ("" when it was)
    cpu_seconds: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    grader_cpu: float = 0.0                 # grader grade's CPU per submission on the same files

    def ratio_text(self, grader_cpu: float) -> str:
        if self.missing:
            return f"not measured: {self.missing}"
        otter = sum(self.cpu_seconds) / len(self.cpu_seconds)
        grader = self.grader_cpu or grader_cpu
        return f"{otter:.2f} s / {grader:.2f} s = {otter / grader:.1f}x"


def otter_command() -> tuple[Path | None, str]:
    """The ``otter`` executable of the otter venv, or None and why not."""
    otter = OTTER_VENV / "bin" / "otter"
    if not otter.exists():
        return None, (f"otter-grader is not installed in {OTTER_VENV} (make .venv-otter: "
                      f"pip install otter-grader ipykernel numpy matplotlib pytest pytest-timeout, from PyPI)")
    return otter, ""


def graded_items(release) -> list[tuple[str, str, float]]:
    """(grade_id, check selector, points) of every test cell of a released notebook."""
    items = []
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not (meta.get("grade") and cell.cell_type == "code"):
            continue
        try:
            first = checks_of(cell.source)[0]
        except NotATestCell:
            continue
        selector = f"{first.spec}:{first.target}" if first.target else first.spec
        items.append((meta["grade_id"], selector, float(meta.get("points", 0))))
    return items


def build_autograder(folder: Path, release, otter: Path) -> Path:
    """``otter generate`` from one test file per graded item; returns autograder.zip."""
    tests = folder / "tests"
    tests.mkdir(parents=True)
    for grade_id, selector, points in graded_items(release):
        (tests / f"{grade_id}.py").write_text(TEST_FILE.format(name=grade_id, points=points, selector=selector))
    (folder / "otter_config.json").write_text(json.dumps({"name": "perceptron-bench"}))
    zip_path = folder / "autograder.zip"
    subprocess.run([str(otter), "generate", "-t", "tests", "-o", str(zip_path), "--no-requirements",
                    "--no-environment"], cwd=folder, check=True, capture_output=True, text=True, timeout=300)
    return zip_path


def otter_env() -> dict[str, str]:
    """otter's own venv first on PATH (its Jupyter kernel), and this project importable by the notebook."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    env["PATH"] = os.pathsep.join([str(OTTER_VENV / "bin"), env.get("PATH", "")])
    env.pop("VIRTUAL_ENV", None)
    return env


def run_otter(submissions: dict[str, Path], folder: Path, release) -> OtterRun:
    """``otter run`` on each submission (student -> notebook), one after another, measured."""
    otter, missing = otter_command()
    if otter is None:
        return OtterRun(missing=missing)
    try:
        autograder = build_autograder(folder, release, otter)
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return OtterRun(missing=f"otter generate failed: {detail.strip().splitlines()[-1:] or error}")
    run = OtterRun()
    for student, notebook in submissions.items():
        out = folder / "out" / student
        out.mkdir(parents=True)
        cpu, started = children_cpu(), time.monotonic()
        done = subprocess.run([str(otter), "run", "-a", str(autograder), "-o", str(out), "--no-logo",
                               str(notebook)], env=otter_env(), capture_output=True, text=True, timeout=600)
        run.seconds.append(time.monotonic() - started)
        run.cpu_seconds.append(children_cpu() - cpu)
        run.scores[student] = otter_score(out / "results.json") if done.returncode == 0 else 0.0
    return run


def otter_score(results: Path) -> float:
    try:
        data = json.loads(results.read_text())
    except (OSError, ValueError):
        return 0.0
    return float(sum(test.get("score") or 0.0 for test in data.get("tests", [])))


def compare_with_otter(course: Path, made: list[tuple[str, str]], ours: dict[str, float], workers: int) -> OtterRun:
    """Measure ``otter run`` on the class's perceptron submissions, and ``grader grade`` on the same
    files alone; print the CPU of each and the scores side by side."""
    release = nbformat.read(course / "assignments" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    submissions = {student: course / "submitted" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
                   for student, _ in made}
    submissions = {s: p for s, p in submissions.items() if p.exists()}
    folder = course / "otter"
    try:
        run = run_otter(submissions, folder, release)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if run.missing:
        print(f"otter-grader: not measured: {run.missing}")
        return run
    run.grader_cpu = grader_cpu_on(submissions, course.with_name(course.name + "-perceptron"), workers)
    count = len(run.cpu_seconds)
    kinds = dict(made)
    differ = sorted(s for s in run.scores if abs(run.scores[s] - ours.get(s, 0.0)) > 1e-6)
    print(f"otter run (otter-grader, unsandboxed kernel), {count} {NOTEBOOK} submissions one at a time: "
          f"{sum(run.seconds) / count:.2f} s and {sum(run.cpu_seconds) / count:.2f} CPU s per submission "
          f"(CPU {min(run.cpu_seconds):.2f}-{max(run.cpu_seconds):.2f} s); grader grade on the same "
          f"files: {run.grader_cpu:.2f} CPU s per submission")
    print("otter run and grader grade: "
          + ("the same score for every submission" if not differ else
             "different scores for " + ", ".join(f"{s} ({kinds[s]}: otter {run.scores[s]:g}, grader "
                                                 f"{ours.get(s, 0.0):g})" for s in differ)))
    return run


def grader_cpu_on(submissions: dict[str, Path], course: Path, workers: int) -> float:
    """``grader grade``'s CPU seconds per submission on these files alone (a class of its own)."""
    try:
        for student, notebook in submissions.items():
            target = course / "submitted" / student / ASSIGNMENT / notebook.name
            target.parent.mkdir(parents=True)
            shutil.copy(notebook, target)
        return grade_with_grader(course, workers).cpu_seconds / max(len(submissions), 1)
    finally:
        shutil.rmtree(course, ignore_errors=True)
