"""`grader check` works where students are: no solutions/, no hidden specs."""
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from grader.course.classroom import filled
from tests.helpers import RELEASE, ROOT, SOURCE


@pytest.fixture
def student_site(tmp_path):
    """An import path with the engine and public specs only; `solutions` refuses to import."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "grader", site / "grader", ignore=shutil.ignore_patterns("*_hidden.py", "__pycache__"))
    (site / "solutions").mkdir()
    (site / "solutions" / "__init__.py").write_text('raise ImportError("solutions are not available to students")\n')
    env = {**os.environ, "PYTHONPATH": str(site)}
    return site, env


def run(env, cwd, *args):
    return subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_student_site_hides_instructor_material(student_site, tmp_path):
    site, env = student_site
    probe = run(env, tmp_path, "-c", "import grader, grader.weeks; print(grader.__file__)\n"
                                     "import importlib.util as u; print(u.find_spec('grader.weeks.week3.perceptron_hidden'))\n"
                                     "import solutions")
    assert probe.stdout.splitlines()[0].startswith(str(site))
    assert probe.stdout.splitlines()[1] == "None"
    assert "solutions are not available" in probe.stderr


@pytest.mark.slow
def test_check_on_the_students_side(student_site, tmp_path):
    site, env = student_site
    release = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    source = nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4)
    nbformat.write(filled(release, source), tmp_path / "01_perceptron.ipynb")
    shutil.copy(RELEASE / "01_perceptron.ipynb", tmp_path / "untouched.ipynb")

    done = run(env, tmp_path, "-m", "grader.student.cli", "check", "01_perceptron.ipynb")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-2:] == ["점수 (score): 13 / 13",
        "숨은 검사 (hidden checks) 9점은 채점 때 실행됩니다 (run at grading time)."]
    assert "[hidden]" not in done.stdout and "숨은 검사 (hidden)" not in done.stdout

    stub = run(env, tmp_path, "-m", "grader.student.cli", "check", "untouched.ipynb")
    assert stub.returncode == 1
    assert stub.stdout.splitlines()[-2:] == ["점수 (score): 0 / 13",
        "숨은 검사 (hidden checks) 9점은 채점 때 실행됩니다 (run at grading time)."]
