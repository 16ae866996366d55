"""After the term on the course server (``tests/test_course_term.py``), the instructor and the
other grader log in through JupyterHub in Chromium, open the formgrader service and find the
gradebook's scores.

The same server as the term (``built_once("course-term")``: one server per test process, the
same xdist group), with its hub started on top (``tests/hub_server.py``).
"""
from __future__ import annotations

import pytest

from tests.hub_server import formgrader_path, hub_login, with_hub
from tests.test_course_term import ASSIGNMENT, NOTEBOOK, STUDENTS, term  # noqa: F401 (the term's fixture)
from tests.test_formgrader_browser import ROWS, shown_scores

pytestmark = [pytest.mark.xdist_group("course_server"), pytest.mark.slow]


@pytest.mark.parametrize("who", ["instructor", "grader"])
def test_staff_find_the_scores_in_the_formgrader_through_the_hub(browser, term, who):
    server = with_hub(term["server"])
    course = server.course
    user = course.owner if who == "instructor" else course.staff[-1]
    expected = {course.user(name): score for name, score in term["gradebook"].items()}
    assert len(expected) == len(STUDENTS) and all(score is not None for score in expected.values()), expected
    with browser.visit(course.hub_url) as visit:
        page = visit.page
        gradebook = formgrader_path(course, f"gradebook/{ASSIGNMENT}/{NOTEBOOK}")
        hub_login(page, course.hub_url, user, server.passwords[user], next_path=gradebook)
        page.wait_for_url(f"**{gradebook}")
        page.wait_for_function(f"({ROWS})().length >= {len(STUDENTS)}")
        shown = {name: score for name, (score, _) in shown_scores(page.evaluate(ROWS)).items()}
        assert not visit.problems, "\n".join(visit.problems)
    assert shown == pytest.approx(expected), (shown, expected)
