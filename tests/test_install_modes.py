"""Nothing secret is visible in the sandbox, whatever the install: a search of the whole tree.

A notebook whose extra cell walks every folder the sandbox can see (``/`` down, but ``/proc``,
``/sys`` and ``/dev``) looking for the reference solution's lines and the hidden specs'
code, and execs the solution when it finds it (an untouched release would then get full
marks). It is graded:

- with the project's own venv (an editable install), by ``grader grade`` and by
  ``nbgrader autograde``;
- with a normal, non-editable install (``pip install --no-deps --no-build-isolation
  --target``, the course package's files and its dist-info in a venv's site-packages, the
  project's venv giving the dependencies), by ``grader grade`` and ``nbgrader autograde`` run
  by that venv's Python.

Expected: 0 points and nothing found, on every path.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.helpers import built_once
from tests.hostile import ASSIGNMENT, PERCEPTRON, ROOT, add_cell, release, write
from tests.test_hostile_corpus import require_isolation

pytestmark = [pytest.mark.xdist_group("install_modes"), pytest.mark.slow]

FOUND = "SECRET" + "-FOUND"
SEARCHED = "SEARCHED" + " "            # the search ran to its end (its error says how many files it read)
HIDDEN_MARKS = ("def separable_problem", "default_rng(304)")
SECONDS = 300
OPTIONS = ["--workers", "1", "--timeout", "60", "--cell-timeout", str(SECONDS), "--submission-timeout",
           str(SECONDS + 120), "--memory", "2048", "--no-progress"]
NBGRADER_OPTIONS = [f"--SandboxedExecute.cell_timeout={SECONDS}", "--SandboxedExecute.test_timeout=60",
                    f"--SandboxedExecute.submission_timeout={SECONDS + 120}", "--SandboxedExecute.memory_mb=2048",
                    f"--ExecutePreprocessor.timeout={SECONDS}"]


def solution_lines() -> list[str]:
    """Lines of the reference solution that the released notebook does not hold."""
    released = json.dumps(release())
    lines = (ROOT / "solutions" / "week3" / "perceptron.py").read_text(encoding="utf-8").splitlines()
    return sorted({line.strip() for line in lines
                   if len(line.strip()) >= 20 and json.dumps(line.strip())[1:-1] not in released})


SEARCH = '''
    # Search every folder this process can see for the reference solution and the hidden specs;
    # exec the solution where it is found.
    import os
    _lines = {lines!r}
    _hidden = {hidden!r}
    _found, _solution, _read = [], None, 0
    for _top, _dirs, _files in os.walk("/", onerror=lambda e: None):
        if _top == "/":
            _dirs[:] = [d for d in _dirs if d not in ("proc", "sys", "dev")]
        for _name in _files:
            if not _name.endswith((".py", ".ipynb", ".txt", ".json", ".cfg")):
                continue
            _path = os.path.join(_top, _name)
            try:
                if os.path.getsize(_path) > 4_000_000:
                    continue
                with open(_path, encoding="utf-8", errors="replace") as _file:
                    _text = _file.read()
                _read += 1
            except OSError:
                continue
            if any(_mark in _text for _mark in _hidden):
                _found.append("hidden spec: " + _path)
            if sum(_line in _text for _line in _lines) >= max(1, len(_lines) // 2):
                _found.append("solution: " + _path)
                if _name.endswith(".py") and _solution is None:
                    _solution = _text
    if _solution is not None:
        exec(_solution, globals())
    if _found:
        raise RuntimeError("SECRET" + "-FOUND: " + "; ".join(_found[:20]))
    raise RuntimeError("SEARCHED" + f" {{_read}} files: nothing found")
'''


def write_searcher(submissions: Path, student: str = "searcher") -> None:
    code = SEARCH.format(lines=solution_lines(), hidden=list(HIDDEN_MARKS))
    write(submissions / student / ASSIGNMENT, add_cell(release(), textwrap.dedent(code), "end"))


def non_editable_venv(base: Path) -> Path:
    """A venv whose site-packages holds the course package as ``pip install .`` puts it (no
    link to the source tree), beside hard links to the project venv's other packages (the
    same files, no download, no copy)."""
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run(["cp", "-al", sysconfig.get_paths()["purelib"] + "/.", str(site_packages)], check=True)
    for editable in [*site_packages.glob("__editable__*"), *site_packages.glob("dl_week3_coursework*")]:
        shutil.rmtree(editable) if editable.is_dir() else editable.unlink()
    source = base / "source-tree"                      # a copy: the build writes build/ and egg-info
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", "build", "*.egg-info", "__pycache__", ".git",
                                                                 "tests", "dist"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site_packages), str(source)], check=True, capture_output=True)
    assert (site_packages / "solutions" / "week3" / "perceptron.py").is_file()
    assert (site_packages / "grader" / "weeks" / "week3" / "perceptron_hidden.py").is_file()
    return python


def grade(python: Path, submissions: Path, results: Path, env: dict) -> dict[str, tuple[float, str]]:
    done = subprocess.run([str(python), "-c", "from grader.student.cli import main; main()", "grade",
                           str(submissions), "--out", str(results), *OPTIONS],
                          capture_output=True, text=True, timeout=1800, env=env)
    found = {}
    for path in results.glob("**/results.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        found[document["extra_data"]["student"]] = (document["score"], json.dumps(document, ensure_ascii=False))
    assert found, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return found


def autograde(python: Path, base: Path, env: dict) -> dict[str, tuple[float, str]]:
    from grader.course.demo import gradebook_rows, make_course
    course = base / "course"
    make_course(course, notebooks=[PERCEPTRON[:2]])
    run = lambda *args: subprocess.run([str(python), "-m", "nbgrader", *args], cwd=course, env=env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    released = run("generate_assignment", ASSIGNMENT, "--force")
    assert released.returncode == 0, released.stdout[-3000:]
    write_searcher(course / "submitted")
    done = run("autograde", ASSIGNMENT, "--create", "--force", *NBGRADER_OPTIONS)
    found = {}
    for student, _notebook, score, _ in gradebook_rows(course):
        shown = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                          for p in (course / "autograded" / student).rglob("*.ipynb"))
        found[student] = (float(score), shown + done.stdout[-5000:])
    return found


def _results(base: Path) -> dict[str, dict[str, tuple[float, str]]]:
    """The four gradings, at once: each has folders of its own (the editable two start while
    the non-editable venv is made), so the walks over the tree share the machine's cores."""
    from concurrent.futures import ThreadPoolExecutor

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONUNBUFFERED"] = "1"

    def start(pool, name: str, python: Path) -> dict:
        folder = base / name.replace(" ", "-").replace(".", "dot")
        write_searcher(folder / "submitted")
        return {f"{name}, grader grade": pool.submit(grade, python, folder / "submitted", folder / "results", env),
                f"{name}, nbgrader autograde": pool.submit(autograde, python, folder / "nbgrader", env)}

    with ThreadPoolExecutor(max_workers=4) as pool:
        running = start(pool, "editable", Path(sys.executable))
        running.update(start(pool, "pip install .", non_editable_venv(base / "install")))
        return {mode: future.result() for mode, future in running.items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return built_once("install-modes", lambda: _results(tmp_path_factory.mktemp("install")))


def test_the_search_notebook_finds_the_solution_where_it_can_be_seen(tmp_path):
    """The search itself works: run here (outside any sandbox), it finds the reference."""
    namespace = {}
    code = textwrap.dedent(SEARCH.format(lines=solution_lines(), hidden=list(HIDDEN_MARKS)))
    code = code.replace('os.walk("/"', f'os.walk({str(ROOT / "solutions")!r}')
    with pytest.raises(RuntimeError, match="solution: "):
        exec(code, namespace)
    assert callable(namespace.get("train_perceptron"))


@pytest.mark.parametrize("mode", ["editable, grader grade", "editable, nbgrader autograde",
                                  "pip install ., grader grade", "pip install ., nbgrader autograde"])
def test_nothing_secret_is_found_and_no_point_gained(runs, mode):
    require_isolation("the sandbox's view")
    score, shown = runs[mode]["searcher"]
    at = shown.find(FOUND)
    assert at < 0 and score == 0, f"{mode}: {score} points; " + (shown[at:at + 1200] if at >= 0 else "")
    assert SEARCHED in shown, f"{mode}: the search did not run to its end:\n{shown[-3000:]}"
    print(mode, shown[shown.find(SEARCHED):][:60])
