"""The README's nbgrader steps, in order, on a fresh clone, and how many warnings they print.

A fresh clone has the committed release (``assignments/week3``) and no gradebook. The
instructor runs the README's steps as written: ``generate_assignment``, ``release_assignment``;
a student on the same machine, with the two-line ``nbgrader_config.py`` the README gives,
``fetch_assignment``s and ``submit``s; the instructor ``collect``s, ``autograde``s,
``generate_feedback``s, ``release_feedback``s and ``export``s; the student ``fetch_feedback``s.
Every step must work (an empty gradebook made ``autograde`` fail: "No assignment with ID 'week3'
exists in the database"), and none but ``generate_assignment`` (which says it replaces the
release) may print a warning: an honest student's autograde prints zero warning lines (nbgrader
printed one ``Attribute 'checksum' ... has changed!`` per test cell, and three ``SAWarning``s).
A student who really edits a test cell still gets one warning line, naming the student and the cell.
"""
from __future__ import annotations

import csv
import getpass
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.course.classroom import filled
from grader.course.release import nbgrader_env
from tests.helpers import ROOT

# One worker for the module: its fixture (the whole README cycle, about 30 s) is built once, not once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("first_run")]
ASSIGNMENT, NOTEBOOK = "week3", "01_perceptron"
# A warning line: nbgrader's log ([App | WARNING] ...), a Python warning (file:line: SomeWarning: ...).
WARNING_LINE = re.compile(r"\| (WARNING|ERROR|CRITICAL)\]|\b\w*Warning\b:|Traceback")
# The student's own config, as the README gives it (the exchange path is this course's).
STUDENT_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "ml-week3"
c.Exchange.root = {exchange!r}
"""


def fresh_clone(folder: Path) -> Path:
    """What a clone of this repository holds for nbgrader (one notebook, to keep it quick)."""
    course = folder / "course"
    for part in ("source", "assignments"):
        (course / part / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(ROOT / part / ASSIGNMENT / f"{NOTEBOOK}.ipynb", course / part / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    return course


class Steps:
    """Runs nbgrader commands as the README writes them, as the instructor or as the student."""

    def __init__(self, course: Path, student_home: Path):
        self.course, self.student_home, self.log = course, student_home, {}

    def instructor(self, *args: str) -> str:
        return self._run(args, self.course, nbgrader_env())

    def student(self, *args: str) -> str:
        env = dict(nbgrader_env(), HOME=str(self.student_home), JUPYTER_CONFIG_DIR=str(self.student_home / ".jupyter"))
        return self._run(args, self.student_home, env)

    def _run(self, args, cwd: Path, env: dict) -> str:
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, text=True,
                              capture_output=True, timeout=600)
        output = done.stdout + done.stderr
        self.log[" ".join(args)] = output
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{output}"
        return output


def warnings_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if WARNING_LINE.search(line)]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fresh")
    course, home = fresh_clone(folder), folder / "student"
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(STUDENT_CONFIG.format(exchange=str(course / "exchange")))
    released = (course / "assignments" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_bytes()
    steps = Steps(course, home)
    steps.instructor("generate_assignment", ASSIGNMENT)
    assert (course / "assignments" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_bytes() == released, \
        "generate_assignment changed the committed release"
    steps.instructor("release_assignment", ASSIGNMENT)
    steps.student("fetch_assignment", ASSIGNMENT)
    fetched = home / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    nbformat.write(filled(nbformat.read(fetched, as_version=4), source), fetched)
    steps.student("submit", ASSIGNMENT)
    steps.instructor("collect", ASSIGNMENT)
    steps.instructor("autograde", ASSIGNMENT)
    steps.instructor("generate_feedback", ASSIGNMENT)
    steps.instructor("release_feedback", ASSIGNMENT)
    steps.instructor("export")
    steps.student("fetch_feedback", ASSIGNMENT)
    return steps


def test_the_readme_steps_work_on_a_fresh_clone(first_run):
    with open(first_run.course / "grades.csv", newline="") as grades:
        rows = [row for row in csv.DictReader(grades) if row["student_id"] == getpass.getuser()]
    assert len(rows) == 1 and float(rows[0]["score"]) == float(rows[0]["max_score"]) > 0, rows
    feedback = list((first_run.student_home / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html"))
    assert feedback, "the student fetched no feedback"


def test_an_honest_student_s_cycle_prints_no_warning(first_run):
    noisy = {step: warnings_in(output) for step, output in first_run.log.items()
             if not step.startswith("generate_assignment")}
    assert not any(noisy.values()), "\n".join(f"{step}: {line}" for step, lines in noisy.items() for line in lines)


def test_a_test_cell_the_student_edited_warns_once_naming_student_and_cell(first_run, tmp_path):
    course = first_run.course
    student = "tamperer"
    notebook = nbformat.read(course / "submitted" / getpass.getuser() / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                             as_version=4)
    test_step = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_step")
    test_step.source = "_points = 3.0\n_points"
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")
    output = first_run.instructor("autograde", ASSIGNMENT, "--student", student)
    lines = warnings_in(output)
    assert len(lines) == 1 and student in lines[0] and "test_step" in lines[0], output
