"""nbgrader's formgrader on this course, in headless Chromium.

A small course made the way ``make demo`` makes one (this repository's ``nbgrader_config.py``,
the perceptron notebook, two students, ``nbgrader autograde``) is served by a Jupyter server
with the formgrader, started as an instructor would (no option but debug mode); its gradebook
page must show the gradebook's autograded scores, its config panel this course's config as
JSON, and the server must log neither "not serializable" nor a CRITICAL line (e.g. a missing
exchange). Its manual-grading view of the half-done student must read as the test cells do, in a
1,024 px window: nothing wider than the window, the coloured ✔ and ✘, formulas drawn, no request
outside the server. Skipped without Chromium unless ``GRADER_REQUIRE_BROWSER=1``.
"""
import json
import re

import pytest
from nbgrader.api import Gradebook

from grader.bench.jupyter_server import jupyter_server
from grader.course.demo import ASSIGNMENT, make_course
from grader.course.release import nbgrader
from tests.helpers import hand_in
from tests.test_feedback_browser import WINDOW, assert_reads_well, measure

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.slow]
NOTEBOOK = "01_perceptron"
SANDBOXED = "grader.grading.nbgrader_executor.SandboxedExecute"
STUDENTS = ["fullmarks", "partial"]
# The formgrader shows its config in debug mode, as JSON when it can (jupyter_server keeps the
# extensions it found as a value that is not JSON: the course's config gives them as a dict).
SERVER_OPTIONS = ("--FormgradeExtension.debug=True",)
ROWS = """() => [...document.querySelectorAll("tbody tr")].filter(r => r.querySelector(".score"))
    .map(r => [r.querySelector(".name a.name-shown").textContent.trim(), r.querySelector(".score").textContent.trim()])"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with two students' perceptron notebooks autograded by nbgrader."""
    course = tmp_path_factory.mktemp("formgrader") / "course"
    make_course(course, notebooks=[NOTEBOOK[:2]])
    nbgrader("generate_assignment", ASSIGNMENT, "--force", root=course)
    hand_in(course, STUDENTS, NOTEBOOK)
    nbgrader("autograde", ASSIGNMENT, "--create", "--force", "--SandboxedExecute.cell_timeout=30", root=course)
    return course


def gradebook_scores(course) -> dict[str, tuple[float, float]]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {student: (graded.score, graded.max_score) for student in STUDENTS
                for graded in [gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)]}


def shown_scores(rows) -> dict[str, tuple[float, float]]:
    """{student: (score, max)} from the formgrader's "12.5 / 22" cells."""
    return {name: tuple(float(x) for x in re.fullmatch(r"([\d.]+) / ([\d.]+)", score).groups()) for name, score in rows}


def shown_as_json(text: str) -> dict:
    """The config the formgrader shows (debug mode): JSON, or a Python repr when it could not serialize it."""
    try:
        return json.loads(text)
    except ValueError:
        pytest.fail(f"the formgrader could not show the config as JSON (a class in nbgrader_config.py?):\n{text[:2000]}")


def test_formgrader_shows_the_gradebook_scores_and_logs_no_trouble(browser, course):
    expected = gradebook_scores(course)
    assert expected["fullmarks"][0] == expected["fullmarks"][1] > expected["partial"][0] > 0, expected
    with jupyter_server(course, "server", *SERVER_OPTIONS) as server, browser.visit(server.origin) as visit:
        page = visit.page
        page.goto(server.url("formgrader/manage_assignments"))
        page.wait_for_function(f"document.querySelector('tbody').innerText.includes('{ASSIGNMENT}')")
        assert page.locator("#warning-exchange").count() == 0, page.locator("#warning-exchange").inner_text()
        shown_config = shown_as_json(page.locator("pre.panel-body", has_text="IdentityProvider").inner_text())
        assert shown_config["Autograde"]["autograde_preprocessors"][0] == SANDBOXED

        page.goto(server.url(f"formgrader/gradebook/{ASSIGNMENT}/{NOTEBOOK}"))
        page.wait_for_function(f"({ROWS})().length >= {len(STUDENTS)}")
        rows = page.evaluate(ROWS)
        assert shown_scores(rows) == expected, (rows, expected)
        assert not visit.problems, "\n".join(visit.problems)
        log = server.log()
    assert "not serializable" not in log, log
    critical = [line for line in log.splitlines() if line.startswith("[C ")]
    assert not critical, "\n".join(critical)


def test_the_manual_grading_view_fits_the_window_with_coloured_marks_and_formulas(browser, course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "partial").id
    with jupyter_server(course, "server") as server, browser.visit(server.origin, viewport=WINDOW) as visit:
        page = visit.page
        page.goto(server.url(f"formgrader/submissions/{submission}/?index=0"))
        page.wait_for_selector("math")
        shown = measure(page)
        assert not visit.problems, "\n".join(visit.problems)        # e.g. MathJax from a CDN: refused
    assert_reads_well(shown)
    assert shown["rawTex"] == 0, shown
