"""A second week, written here and nowhere else, goes through the whole course with no change to grader/.

The temporary course is a copy of this repository's grader/ and configuration, plus a week
``week4`` of two short notebooks with a public and a hidden spec each, one feedback picture
(``instructor/pictures.py``) and a homework (``homework.py``: the squares notebook, with a
hidden accuracy tier): release, `grader check`, `grader grade` (the picture on the feedback
page, the homework's accuracy in the class report), `nbgrader autograde`, the feedback (ours and
nbgrader's) and the student wheel (without the week's ``instructor/``).
"""
from __future__ import annotations

import csv
import filecmp
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.course.classroom import filled
from tests.helpers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("second_week")]

WEEK = "week4"
NOTEBOOKS = {   # notebook -> (spec, function, solution line, markdown)
    "01_doubling": ("doubling", "double", "return 2 * np.asarray(x, dtype=float)",
                    "`double(x)` 는 배열의 모든 원소를 두 배로 (doubles every element) 돌려줍니다."),
    "02_squares": ("squares", "square", "return np.asarray(x, dtype=float) ** 2",
                   "`square(x)` 는 모든 원소의 제곱 (square of every element) 을 돌려줍니다."),
}
EXPECTED = {"double": "[2.0, -4.0, 1.0]", "square": "[1.0, 4.0, 0.25]"}
HINTS = {"double": "Multiply every element by the same number.", "square": "Each element times itself."}

PUBLIC_SPEC = '''\
"""Public checks of {notebook}: fixed inputs."""
import numpy as np
import pytest

from grader.core.compare import assert_close, call


@pytest.mark.graded("{function}")
@pytest.mark.points(1)
@pytest.mark.hint("{hint}")
def test_{function}_fixed(sub):
    """[1, -2, 0.5]"""
    x = np.array([1.0, -2.0, 0.5])
    assert_close(sub.{function}(x.copy()), {expected}, call("{function}", x))
'''

HIDDEN_SPEC = '''\
"""Hidden checks of {notebook}: seeded random inputs, compared with the reference."""
import numpy as np
import pytest

from grader.core.compare import assert_close, call

pytestmark = pytest.mark.hidden


@pytest.mark.graded("{function}")
@pytest.mark.points({points})
@pytest.mark.hint("Any shape of array works the same way.")
def test_{function}_random(sub, ref):
    """matches the reference on a random (3, 4) array"""
    x = np.random.default_rng(4).normal(size=(3, 4))
    assert_close(sub.{function}(x.copy()), ref.{function}(x), call("{function}", x))
'''

TIER_CHECK = '''

from grader.weeks.week4.homework import TIER, accuracy


@pytest.mark.graded("square")
@pytest.mark.points(0.5)
@pytest.mark.hint("Square every held-out value.")
def test_square_tier(sub):
    """at least 90% of the held-out values right"""
    assert accuracy(sub.square) >= TIER, f"accuracy {accuracy(sub.square):.0%} is below {TIER:.0%}"
'''

HOMEWORK = '''\
"""Week 4's homework: the squares notebook, scored on values only the grader holds, with one tier."""
import numpy as np

SPEC = "squares"
TIER = 0.9


def accuracy(square) -> float:
    """The share of 50 held-out values that ``square`` gets right."""
    x = np.linspace(-3.0, 3.0, 50)
    return float(np.mean(np.isclose(np.asarray(square(x.copy()), dtype=float).ravel(), x ** 2)))
'''

PICTURES = '''\
"""Week 4's pictures: one drawn for the doubling notebook, and the homework's accuracy (not shown)."""
import numpy as np

from grader.grading.observe import PictureRow, numbers
from grader.pages.figures import label
from grader.pages.pictures import finish, mapping, new_figure
from grader.weeks.week4 import homework


def doubled(sub):
    x = np.linspace(-2.0, 2.0, 9)
    return {"x": x.tolist(), "y": numbers(sub.double(x.copy()), x.shape, "double(x)").tolist()}


def draw_doubled(obs):
    obs = mapping(obs)
    x, y = (numbers(obs.get(key), ndim=1, name=key, strict=True) for key in ("x", "y"))
    figure = new_figure(4.0, 3.0)
    ax = figure.subplots()
    ax.plot(x, 2 * x, ls="--", color="gray")
    ax.plot(x, y, marker="o")
    ax.set_title(label(("두 배", "doubled")))
    return finish(figure, "WEEK4 PICTURE: your double(x) (dots) beside 2x (dashed).")


def accuracy(sub):
    value = homework.accuracy(sub.square)
    return {"validation": value, "test": value, "seconds": 0.0}


PICTURES = (
    PictureRow("doubling", "doubled", doubled, draw_doubled, ("두 배로 만든 값", "the doubled values")),
    PictureRow("squares", "accuracy", accuracy, None, ("숙제 정확도", "the homework's accuracy"), shown=False),
)
'''


def cell_metadata(grade_id: str, *, solution=False, grade=False, points=None) -> dict:
    nbgrader = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
                "solution": solution, "task": False}
    if points is not None:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


def source_notebook(notebook: str) -> nbformat.NotebookNode:
    spec, function, line, text = NOTEBOOKS[notebook]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"grader": {"spec": spec}, "kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"}, "language_info": {"name": "python"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {notebook}\n\n{text}"),
        nbformat.v4.new_code_cell("import numpy as np", metadata=cell_metadata("setup")),
        nbformat.v4.new_code_cell(f"def {function}(x):\n    ### BEGIN SOLUTION\n    {line}\n    ### END SOLUTION",
                                  metadata=cell_metadata(function, solution=True)),
        nbformat.v4.new_code_cell(f'from grader import check\n_points = check("{spec}:{function}", globals())\n'
                                  f'### BEGIN HIDDEN TESTS\n_points += check("{spec}:{function}", globals(), hidden=True)\n'
                                  f'### END HIDDEN TESTS\n_points',
                                  metadata=cell_metadata(f"test_{function}", grade=True, points=2)),
    ]
    return nb


def run(course: Path, *args, check=True, timeout=600) -> subprocess.CompletedProcess:
    """A command in the course folder, importing the course's own copy of grader/."""
    env = {**os.environ, "PYTHONPATH": str(course),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run(list(map(str, args)), cwd=course, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("second-week") / "course"
    course.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "grader", course / "grader", ignore=ignore)
    for name in ("nbgrader_config.py", "setup.cfg", "pyproject.toml"):
        shutil.copy(ROOT / name, course)
    for folder in ("assignments/week3", "solutions"):      # the first week, as released
        shutil.copytree(ROOT / folder, course / folder, ignore=ignore)
    # the second week: notebooks and specs, nothing else
    (course / "source" / WEEK).mkdir(parents=True)
    specs = course / "grader" / "weeks" / WEEK
    specs.mkdir()
    (specs / "__init__.py").write_text('"""Specs of a small second week."""\n', encoding="utf-8")
    for notebook, (spec, function, _, _) in NOTEBOOKS.items():
        nbformat.write(source_notebook(notebook), course / "source" / WEEK / f"{notebook}.ipynb")
        values = dict(notebook=notebook, function=function, expected=EXPECTED[function], hint=HINTS[function],
                      points=0.5 if spec == "squares" else 1)
        (specs / f"{spec}_public.py").write_text(PUBLIC_SPEC.format(**values), encoding="utf-8")
        hidden = HIDDEN_SPEC.format(**values) + (TIER_CHECK if spec == "squares" else "")
        (specs / f"{spec}_hidden.py").write_text(hidden, encoding="utf-8")
    (specs / "homework.py").write_text(HOMEWORK, encoding="utf-8")            # the homework, with its tier
    (specs / "instructor").mkdir()                                              # its pictures, never shipped
    (specs / "instructor" / "__init__.py").write_text('"""Week 4\'s pictures."""\n', encoding="utf-8")
    (specs / "instructor" / "pictures.py").write_text(PICTURES, encoding="utf-8")
    run(course, sys.executable, "-m", "grader.course.release")      # every week of source/: week4
    return course


def test_nothing_in_grader_changed_but_the_new_week(course):
    compared = filecmp.dircmp(ROOT / "grader", course / "grader", ignore=["__pycache__"])

    def differences(node, prefix=""):
        found = [prefix + n for n in node.diff_files + node.left_only]
        found += [prefix + n for n in node.right_only if prefix + n != f"weeks/{WEEK}"]
        for name, sub in node.subdirs.items():
            found += differences(sub, f"{prefix}{name}/")
        return found

    assert differences(compared) == []


def test_release_and_solutions(course):
    released = sorted(p.name for p in (course / "assignments" / WEEK).glob("*.ipynb"))
    assert released == [f"{n}.ipynb" for n in NOTEBOOKS]
    for notebook, (spec, _, line, _) in NOTEBOOKS.items():
        assert line in (course / "solutions" / WEEK / f"{spec}.py").read_text(encoding="utf-8")
        text = (course / "assignments" / WEEK / f"{notebook}.ipynb").read_text(encoding="utf-8")
        assert line not in text and "BEGIN HIDDEN TESTS" not in text


def student_notebooks(course: Path) -> dict[str, nbformat.NotebookNode]:
    """alice fills both notebooks in; bob hands in the release untouched."""
    out = {}
    for notebook in NOTEBOOKS:
        release = nbformat.read(course / "assignments" / WEEK / f"{notebook}.ipynb", as_version=4)
        source = nbformat.read(course / "source" / WEEK / f"{notebook}.ipynb", as_version=4)
        out[f"alice/{notebook}"] = filled(release, source)
        out[f"bob/{notebook}"] = release
    return out


@pytest.fixture(scope="module")
def submitted(course) -> Path:
    for key, notebook in student_notebooks(course).items():
        student, name = key.split("/")
        folder = course / "submitted" / student / WEEK
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{name}.ipynb")
    return course / "submitted"


def test_grader_check(course, submitted):
    done = run(course, sys.executable, "-m", "grader.student.cli", "check",
               submitted / "alice" / WEEK / "01_doubling.ipynb")
    assert "점수 (score): 1 / 1" in done.stdout, done.stdout
    stub = run(course, sys.executable, "-m", "grader.student.cli", "check",
               submitted / "bob" / WEEK / "02_squares.ipynb", check=False)
    assert stub.returncode == 1 and "점수 (score): 0 / 1" in stub.stdout, stub.stdout


def test_grader_grade_and_feedback_pages(course, submitted):
    out = course / "results"
    run(course, sys.executable, "-m", "grader.student.cli", "grade", submitted, "--out", out, "--workers", "1",
        "--no-progress", "--gradebook", f"sqlite:///{course / 'gradebook.db'}")   # release put week4 there
    for notebook in NOTEBOOKS:
        alice = json.loads((out / "alice" / notebook / "results.json").read_text(encoding="utf-8"))
        bob = json.loads((out / "bob" / notebook / "results.json").read_text(encoding="utf-8"))
        assert (alice["score"], alice["max_score"]) == (2, 2), alice["output"]
        assert (bob["score"], bob["max_score"]) == (0, 2), bob["output"]
        page = (out / "bob" / notebook / "feedback.html").read_text(encoding="utf-8")
        assert "default_rng(4)" not in page           # the hidden check's code stays hidden
    shown = (out / "alice" / "01_doubling" / "feedback.html").read_text(encoding="utf-8")
    assert "WEEK4 PICTURE: your double(x)" in shown and "data:image/png;base64," in shown   # the week's picture
    unwritten = (out / "bob" / "01_doubling" / "feedback.html").read_text(encoding="utf-8")
    assert "두 배로 만든 값" in unwritten and "the doubled values" in unwritten     # could not draw: its caption
    homework = (out / "alice" / "02_squares" / "feedback.html").read_text(encoding="utf-8")
    assert "<img" not in homework and "숙제 정확도" not in homework                 # the accuracy is not shown
    run(course, sys.executable, "-m", "grader.student.cli", "report", out)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="accuracy"' in report and "100.0%" in report     # the homework its week declares, alice's model
    assert "at least 90% of the held-out values right" in report                  # the tier's pass rate
    with open(out / "report.csv", encoding="utf-8-sig") as table:
        rows = {(row["student"], row["notebook"]): row for row in csv.DictReader(table)}
    assert rows[("alice", "02_squares")]["accuracy test"] == "1.0000"
    assert rows[("bob", "02_squares")]["accuracy test"] == ""
    assert gradebook_scores(course) == {"alice": (4, 4), "bob": (0, 4)}   # the week, found from the specs


def gradebook_scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s: (gradebook.find_submission(WEEK, s).score, gradebook.find_submission(WEEK, s).max_score)
                for s in ("alice", "bob")}


def test_nbgrader_autograde_and_feedback(course, submitted):
    run(course, sys.executable, "-m", "nbgrader", "autograde", WEEK, "--create", "--force")
    run(course, sys.executable, "-m", "nbgrader", "generate_feedback", WEEK, "--force")
    assert gradebook_scores(course) == {"alice": (4, 4), "bob": (0, 4)}
    feedback = (course / "feedback" / "bob" / WEEK / "01_doubling.html").read_text(encoding="utf-8")
    assert "default_rng(4)" not in feedback and "hidden=True" not in feedback


def test_student_wheel_and_zip_name_both_weeks(course):
    run(course, sys.executable, "-m", "grader.course.student_dist", "--out", course / "dist", timeout=900)
    wheels = sorted(p.name for p in (course / "dist").glob("*.whl"))
    assert wheels == ["dl_week3_week4_grader-0.1.0-py3-none-any.whl"]
    with zipfile.ZipFile(course / "dist" / wheels[0]) as wheel:
        names = wheel.namelist()
    assert {f"grader/weeks/{WEEK}/doubling_public.py", f"grader/weeks/{WEEK}/squares_public.py",
            "grader/weeks/week3/perceptron_public.py", "grader/core/engine.py"} <= set(names)
    assert f"grader/weeks/{WEEK}/homework.py" in names
    assert not [n for n in names if "_hidden" in n or "/instructor/" in n or n.startswith(("solutions", "grader/course/"))]
    with zipfile.ZipFile(course / "dist" / "week3-week4-assignments.zip") as archive:
        held = archive.namelist()
    assert {f"{WEEK}/01_doubling.ipynb", f"{WEEK}/02_squares.ipynb", "week3/01_perceptron.ipynb"} <= set(held)


def test_the_reference_of_a_spec_is_found_by_its_week(course):
    probe = textwrap.dedent("""\
        from grader.core import course
        print(course.weeks(), course.week_of("doubling"), course.reference_module("squares"))
    """)
    done = run(course, sys.executable, "-c", probe)
    assert done.stdout.split() == ["['week3',", "'week4']", "week4", "solutions.week4.squares"]
