"""Plain `pytest` as the student's self-check, with the student wheel and nothing else.

One fresh virtual environment for this module: the wheel, and links to the installed
distributions its `Requires-Dist` pull in (their closure), nothing more: no repository, no
Dask, no nbgrader. There, every module of the wheel imports, and `pytest` in a folder of
released notebooks (one completed from the reference, one untouched, one whose cell raises,
one that is not a notebook, and files it must leave alone) gives one item per public check,
honours `-k`, `-x`, `--lf`, `-v`, `-q` and `--junitxml`, explains failures like the test
cells (a wrong value, a cell that loops) and ends with the points `grader check` prints.
The project's own test runs collect no notebook, even with the plugin loaded.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from grader.course import student_dist
from grader.core.cells import kind
from grader.course.classroom import filled
from grader.core.engine import run_specs
from grader.core.course import hidden_points
from grader.student.report import hidden_points_note
from grader.student.pytest_notebooks import item_name
from tests.helpers import RELEASE, ROOT, SOURCE
from tests.test_student_dist import PROVIDED_BY

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("student_pytest")]

# Not importable in the student's venv: Dask, nbgrader, the batch grader, the solutions.
ABSENT = ("distributed", "dask", "nbgrader", "tqdm", "grader.batch.run", "solutions")
# The project installs TensorFlow as tensorflow-cpu; the wheel asks for tensorflow.
INSTALLED_AS = {"tensorflow": "tensorflow-cpu"}
BROKEN_CELL = 'raise RuntimeError("broken on purpose")\n'
COUNT_RUNS = 'open("runs.log", "a").write("ran\\n")\n'


def run(command, cwd, env, timeout=300):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_closure(requires: list[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requires`` pull in, their own requirements included."""
    found, todo = {}, [Requirement(r) for r in requires]
    while todo:
        requirement = todo.pop()
        name = INSTALLED_AS.get(_key(requirement.name), requirement.name)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}) or _key(name) in found:
            continue
        found[_key(name)] = dist = metadata.distribution(name)
        todo += [Requirement(r) for r in dist.requires or []]
    return list(found.values())


def link_distributions(dists: list[metadata.Distribution], site: Path) -> None:
    """Make ``dists`` importable in ``site`` by linking their top-level files and folders."""
    for dist in dists:
        base = Path(dist.locate_file(""))
        tops = {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in sorted(tops - {"__pycache__"}):
            if not (site / top).exists():
                (site / top).symlink_to(base / top)


@pytest.fixture(scope="module")
def lean(tmp_path_factory):
    """(python, env, wheel): a new venv holding the wheel and only its declared requirements."""
    home = tmp_path_factory.mktemp("lean")
    wheel = student_dist.build(home / "dist").wheel
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    home, None).stdout.strip())
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not key.startswith("PYTEST_")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", PIP_DISABLE_PIP_VERSION_CHECK="1",
               TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    installed = run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                     "--quiet", str(wheel)], home, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    link_distributions(requirement_closure(requires_dist(wheel)), site)
    return python, env, wheel


def requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode("utf-8")).get_all("Requires-Dist") or []


def notebook(name: str, *, solved: bool, cell: str = "", first: str = ""):
    """A released notebook, solved from the reference or not; ``cell`` starts its first solution
    cell, ``first`` is a given cell put before all others."""
    release = nbformat.read(RELEASE / name, as_version=4)
    result = filled(release, nbformat.read(SOURCE / name, as_version=4)) if solved else release
    if cell:
        solution = next(c for c in result.cells if kind(c) == "solution")
        solution.source = cell + solution.source
    if first:
        result.cells.insert(0, nbformat.v4.new_code_cell(first))
    return result


@pytest.fixture(scope="module")
def course(lean, tmp_path_factory):
    """A student's folder, and what `pytest -v --junitxml` printed there (the run before the others)."""
    python, env, _ = lean
    folder = tmp_path_factory.mktemp("course")
    for path, nb in {"01_perceptron.ipynb": notebook("01_perceptron.ipynb", solved=True, first=COUNT_RUNS),
                     "untouched/01_perceptron.ipynb": notebook("01_perceptron.ipynb", solved=False),
                     "broken/01_perceptron.ipynb": notebook("01_perceptron.ipynb", solved=True, cell=BROKEN_CELL),
                     # left alone: a checkpoint copy, another course's notebook, a name that is no spec
                     ".ipynb_checkpoints/01_perceptron.ipynb": notebook("01_perceptron.ipynb", solved=False),
                     "other/01_perceptron.ipynb": nbformat.v4.new_notebook(metadata={"grader": {"spec": "other"}}),
                     "01_introduction.ipynb": nbformat.v4.new_notebook()}.items():
        (folder / path).parent.mkdir(exist_ok=True)
        nbformat.write(nb, folder / path)
    (folder / "03_backprop.ipynb").write_text('{"cells": [', encoding="utf-8")    # cut off during upload
    done = run([str(python), "-m", "pytest", "-v", "--junitxml=report.xml"], folder, env)
    return folder, done, runs(folder)


def runs(folder: Path) -> int:
    """How often the completed notebook's cells ran (its first cell counts in runs.log)."""
    log = folder / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def pytest_in(lean, folder, *args):
    python, env, _ = lean
    return run([str(python), "-m", "pytest", *args], folder, env)


def public(spec: str):
    return run_specs(spec, {}, collect_only=True)


def item_ids(prefix: str, spec: str) -> list[str]:
    return [f"{prefix}::{check.target}::{item_name(check.description)}" for check in public(spec)]


def score_lines(output: str) -> dict[str, str]:
    """``{notebook: "X / Y"}`` from the summary's ``NOTEBOOK: X / Y 공개 점수 (public points)`` lines."""
    return dict(re.findall(r"^(\S+\.ipynb): (\S+ / \S+) 공개 점수 \(public points\)(?:; .*)?$", output, re.M))


# ---------------------------------------------------------------- a lean install

def test_every_module_of_the_wheel_imports_with_only_its_requirements(lean):
    python, env, wheel = lean
    with zipfile.ZipFile(wheel) as archive:
        modules = [n.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                   for n in archive.namelist() if n.endswith(".py")]
    assert "grader.student.pytest_notebooks" in modules
    probe = (f"import importlib, importlib.util\n"
             f"for name in {modules!r}: importlib.import_module(name)\n"
             f"for name in {ABSENT!r}:\n"
             f"    try: found = importlib.util.find_spec(name)\n"
             f"    except ImportError: found = None\n"
             f"    print(name, 'FOUND' if found else 'absent')\n")
    done = run([str(python), "-c", probe], wheel.parent, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [word for name in ABSENT for word in (name, "absent")]
    requires = {_key(Requirement(r).name) for r in requires_dist(wheel)}
    # each requirement provides something the wheel's modules or the notebooks import (the
    # reverse, every such import is required, is test_student_dist's)
    assert requires <= {_key(name) for name in PROVIDED_BY.values()}, requires


# ---------------------------------------------------------------- pytest in a folder of notebooks

def test_each_public_check_is_an_item_and_other_files_are_left_alone(lean, course):
    folder, _, _ = course
    listed = pytest_in(lean, folder, "--collect-only", "-q")
    items = [line for line in listed.stdout.splitlines() if "::" in line]
    assert items == [*item_ids("01_perceptron.ipynb", "perceptron"), *item_ids("03_backprop.ipynb", "backprop"),
                     *item_ids("broken/01_perceptron.ipynb", "perceptron"),
                     *item_ids("untouched/01_perceptron.ipynb", "perceptron")], listed.stdout
    assert "public points" not in listed.stdout     # collecting grades nothing


def test_a_run_grades_each_notebook_once_and_scores_as_grader_check(lean, course):
    folder, done, ran = course
    python, env, _ = lean
    assert done.returncode == 1, done.stdout + done.stderr
    assert ran == 1
    assert re.search(r"^01_perceptron\.ipynb::step::\S.* PASSED", done.stdout, re.M)   # -v lists every item
    scores = score_lines(done.stdout)
    names = ("01_perceptron.ipynb", "untouched/01_perceptron.ipynb", "broken/01_perceptron.ipynb")
    checks = {name: subprocess.Popen([str(python), "-m", "grader.student.cli", "check", name], cwd=folder, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for name in names}
    hidden = hidden_points_note(sum(hidden_points("perceptron").values()))
    assert f"01_perceptron.ipynb: {scores['01_perceptron.ipynb']} 공개 점수 (public points); {hidden}" in done.stdout
    for name, check in checks.items():
        last_two = check.communicate(timeout=300)[0].splitlines()[-2:]
        assert last_two == [f"점수 (score): {scores[name]}", hidden], (name, done.stdout)
    perceptron = sum(c.max_points for c in public("perceptron"))
    assert scores["01_perceptron.ipynb"] == f"{perceptron:g} / {perceptron:g}"
    assert scores["untouched/01_perceptron.ipynb"] == f"0 / {perceptron:g}"
    assert scores["03_backprop.ipynb"] == f"0 / {sum(c.max_points for c in public('backprop')):g}"


def failure_section(output: str, title: str) -> str:
    """The text pytest shows under the ``___ title ___`` header of one failure."""
    match = re.search(rf"^_+ {re.escape(title)} _+\n(.*?)(?=^_+ .* _+\n|^=+ )", output, re.M | re.S)
    assert match, f"no failure titled {title!r} in:\n{output}"
    return match.group(1)


def test_failures_read_like_the_test_cells(course):
    _, done, _ = course
    step = next(c for c in public("perceptron") if c.target == "step")
    text = failure_section(done.stdout, f"untouched/01_perceptron.ipynb - step: {step.description}")
    assert "not implemented yet" in text and f"힌트 (hint): {step.hint}" in text and "점수 (points): 0 / 1" in text
    text = failure_section(done.stdout, f"broken/01_perceptron.ipynb - step: {step.description}")
    assert re.match(r"! 셀 \(cell\) \d+: 예외 \(exception\)가 났습니다 \(raised RuntimeError: broken on purpose\)\n",
                    text), text
    failed = done.stdout.count("\nFAILED broken/")
    assert failed == len(re.findall(r"^! 셀 \(cell\) \d+: 예외 \(exception\)가 났습니다 \(raised RuntimeError", done.stdout, re.M))   # each says why
    first = public("backprop")[0]
    text = failure_section(done.stdout, f"03_backprop.ipynb - {first.target}: {first.description}")
    assert "03_backprop.ipynb 은(는) 올바른 JSON 이 아닙니다 (not valid JSON" in text and "hint" not in text, text
    for leak in ("Traceback", "grader/", "site-packages", "def runtest", "CheckFailed"):
        assert leak not in done.stdout, leak


def test_a_wrong_value_and_a_cell_that_loops(lean, tmp_path):
    """The failure gives expected, received and tolerance; the loop is stopped and named."""
    wrong = notebook("03_backprop.ipynb", solved=True)
    solutions = [c for c in wrong.cells if kind(c) == "solution"]
    cell = next(c for c in solutions if "def sigmoid_backward" in c.source)
    cell.source += "\ndef sigmoid_backward(dout, cache):\n    return dout * cache * (1 + cache)\n"
    solutions[-1].source = "while True:\n    pass\n" + solutions[-1].source
    nbformat.write(wrong, tmp_path / "03_backprop.ipynb")
    done = pytest_in(lean, tmp_path, "-q", "-k", "sigmoid_backward", "--grader-cell-timeout=2")
    check = next(c for c in public("backprop") if c.target == "sigmoid_backward")
    assert re.search(r"^1 failed, \d+ deselected", done.stdout.splitlines()[-1]), done.stdout
    text = failure_section(done.stdout, f"03_backprop.ipynb - sigmoid_backward: {check.description}")
    assert re.match(r"! 셀 \(cell\) \d+: 2초 안에 끝나지 않아 멈췄습니다 \(did not finish within 2 s and was stopped\)",
                    text), text
    assert re.search(r"^  기댓값 \(expected\): \S+\n  받은 값 \(received\): \S+\n  허용 오차 \(tolerance\): "
                     r"(?:상대 \(relative\)|relative)", text, re.M), text
    assert f"힌트 (hint): {check.hint}" in text and "Traceback" not in text


def test_junit_xml_lists_every_check_with_its_points(course):
    folder, _, _ = course
    suite = ElementTree.parse(folder / "report.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 3 * len(public("perceptron")) + len(public("backprop"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(failed) == len(cases) - len(public("perceptron"))
    first = cases[0]
    assert (first.get("classname"), first.get("name")) == ("01_perceptron.ipynb.step",
                                                           item_name(public("perceptron")[0].description))
    assert first.find("properties/property").attrib == {"name": "points", "value": "1 / 1"}
    untouched = next(c for c in failed if c.get("classname").startswith("untouched.01_perceptron.ipynb."))
    assert "not implemented yet" in untouched.find("failure").text and "힌트 (hint):" in untouched.find("failure").text


def test_last_failed_reruns_only_the_failures(lean, course):
    folder, _, _ = course
    before = runs(folder)
    done = pytest_in(lean, folder, "--lf", "-q")
    failures = 2 * len(public("perceptron")) + len(public("backprop"))
    assert f"{failures} failed" in done.stdout and "passed" not in done.stdout.splitlines()[-1], done.stdout
    assert set(score_lines(done.stdout)) == {"03_backprop.ipynb", "broken/01_perceptron.ipynb",
                                             "untouched/01_perceptron.ipynb"}
    assert runs(folder) == before                       # nothing it needed to run


def test_select_and_stop_at_the_first_failure(lean, course):
    folder, _, _ = course
    done = pytest_in(lean, folder, "-x", "-q", "-k", "train_perceptron", "broken", "untouched")
    deselected = 2 * sum(c.target != "train_perceptron" for c in public("perceptron"))
    assert done.stdout.splitlines()[-1].startswith(f"1 failed, {deselected} deselected"), done.stdout
    assert "FAILED broken/01_perceptron.ipynb::train_perceptron::" in done.stdout
    assert set(score_lines(done.stdout)) == {"broken/01_perceptron.ipynb"}      # untouched/ never ran


def test_item_selects_a_graded_function_by_its_exact_name(lean, course):
    """`-k step` matches by substring (03's sgd_step too); `--item step` only step (issue 22)."""
    folder, _, _ = course
    by_k = pytest_in(lean, folder, "--collect-only", "-q", "-k", "step", "03_backprop.ipynb", "01_perceptron.ipynb")
    by_item = pytest_in(lean, folder, "--collect-only", "-q", "--item", "step", "03_backprop.ipynb",
                        "01_perceptron.ipynb")
    assert "03_backprop.ipynb::sgd_step::" in by_k.stdout
    items = [line for line in by_item.stdout.splitlines() if "::" in line]
    assert items == [i for i in item_ids("01_perceptron.ipynb", "perceptron") if "::step::" in i], by_item.stdout


def test_a_selection_that_needs_no_notebook_runs_none(lean, course):
    folder, _, _ = course
    before = runs(folder)
    done = pytest_in(lean, folder, "-q", "-k", "no_such_check")
    assert done.returncode == 5 and "public points" not in done.stdout, done.stdout
    assert runs(folder) == before


# ---------------------------------------------------------------- not where it does not belong

def test_the_project_own_test_runs_collect_no_notebook(tmp_path):
    """Loaded by hand in this repository (its venv does not register it), the plugin finds no notebook
    under `testpaths`, yet collects the release when asked."""
    assert "grader-notebooks" not in {e.name for e in metadata.entry_points(group="pytest11")}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python = [sys.executable, "-m", "pytest", "-p", "grader.student.pytest_notebooks", "--collect-only", "-q"]
    own = run([*python, "--ignore-glob=*.py"], ROOT, env)       # every file of tests/ that is no .py
    assert own.returncode == 5 and "::" not in own.stdout, own.stdout + own.stderr
    asked = run([*python, "assignments/week3/01_perceptron.ipynb"], ROOT, env)
    assert f"{len(public('perceptron'))} tests collected" in asked.stdout, asked.stdout + asked.stderr

    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "setup.cfg").write_text("[tool:pytest]\ntestpaths = tests\n")
    shutil.copy(RELEASE / "01_perceptron.ipynb", project / "tests" / "01_perceptron.ipynb")
    (project / "tests" / "test_own.py").write_text("def test_own():\n    pass\n")
    mimic = run(python, project, env)
    assert [line for line in mimic.stdout.splitlines() if "::" in line] == ["tests/test_own.py::test_own"]
