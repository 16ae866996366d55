"""The course server's JupyterHub, through a real browser: who may log in, and who sees what.

The whole server of ``make hub`` runs in a temporary root (``tests/server_fixtures.py``): real
Unix users with their own passwords (PAM), the shared environment, the gradebook database, the
hub with its proxy and the formgrader service. In headless Chromium:

- the instructor and the grader log in and open the formgrader service directly (JupyterHub >= 4.1
  forbids it inside Lab's iframe); its "Manage Assignments" page lists week3;
- a student logs in, their own server starts as them, and nbgrader's assignment list (Lab's menu
  Nbgrader > Assignment List) shows week3, released by the instructor, ready to fetch; their
  server has neither the formgrader nor "Create Assignment" (nbgrader's table for several graders);
- a student is refused the formgrader and a classmate's server (403 from the hub's OAuth), and a
  wrong password is refused.
"""
from __future__ import annotations

import json
import stat
import urllib.error
import urllib.request

import psutil
import pytest

from tests.hub_server import course_with_hub, formgrader_path, hub_login, released

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("course_server")]
ASSIGNMENT = "week3"
SERVER_START_MS = 90_000       # a user's first server: JupyterLab on a busy 2-core machine
MANAGE_ROWS = "[...document.querySelectorAll('#main-table tr')].map(r => r.innerText)"


@pytest.fixture(scope="module")
def course_server():
    """A course server (tests/course_server.py) with its hub running."""
    return course_with_hub()


@pytest.fixture(scope="module")
def week3_released(course_server):
    return released(course_server, ASSIGNMENT)


def test_the_hub_listens_on_loopback_only_and_keeps_its_config_to_root(course_server):
    from grader.server import hub
    course = course_server.course
    listening = {c.laddr.ip for c in psutil.net_connections(kind="tcp")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port == course.hub_port}
    assert listening == {"127.0.0.1"}, listening
    config = hub.config_path(course)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600 and config.stat().st_uid == 0
    assert stat.S_IMODE(course.hub_dir.stat().st_mode) == 0o700 and course.hub_dir.stat().st_uid == 0
    text = config.read_text()
    assert not any(password in text for password in course_server.passwords.values())
    assert "c.JupyterHub.authenticator_class = \"pam\"" in text


def test_the_formgrader_service_runs_as_the_course_owner_in_the_course_folder(course_server):
    course = course_server.course
    service = [p for p in psutil.process_iter(["cmdline", "username", "cwd"])
               if any(f"--ServerApp.root_dir={course.course_dir}" == part for part in p.info["cmdline"] or ())]
    assert [(p.info["username"], p.info["cwd"]) for p in service] == [(course.owner, str(course.course_dir))]


def test_the_hub_api_refuses_anyone_without_a_token(course_server):
    course = course_server.course
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{course.hub_url}/hub/api/users", timeout=10)
    assert refused.value.code == 403
    with urllib.request.urlopen(f"{course.hub_url}/hub/api", timeout=10) as response:
        assert "version" in json.loads(response.read())


@pytest.mark.parametrize("who", ["instructor", "grader"])
def test_staff_open_the_formgrader_and_find_week3(browser, course_server, who):
    course = course_server.course
    user = course.staff[0] if who == "instructor" else course.staff[-1]
    manage = formgrader_path(course, "manage_assignments")
    with browser.visit(course.hub_url) as visit:
        page = visit.page
        hub_login(page, course.hub_url, user, course_server.passwords[user], next_path=manage)
        page.wait_for_url(f"**{manage}")
        page.wait_for_function(f"({MANAGE_ROWS}).some(row => row.startsWith('{ASSIGNMENT}'))")
        assert page.locator("#warning-exchange").count() == 0
        assert not visit.problems, "\n".join(visit.problems)


def test_a_student_sees_week3_in_the_assignment_list_of_their_own_server(browser, week3_released):
    course = week3_released.course
    student = course.learners[0]
    with browser.visit(course.hub_url) as visit:
        page = visit.page
        hub_login(page, course.hub_url, student, week3_released.passwords[student])
        page.wait_for_url(f"**/user/{student}/lab**", timeout=SERVER_START_MS)
        page.get_by_role("menuitem", name="Nbgrader").click()
        menu = page.locator(".lm-Menu-content").inner_text()
        # nbgrader's table: users' own servers have no formgrader and no "Create Assignment" (the service has)
        assert "Formgrader" not in menu and page.get_by_text("Create Assignment").count() == 0, menu
        page.get_by_text("Assignment List").click()
        page.wait_for_function("(document.querySelector('#released_assignments_list') || {innerText: ''})"
                               f".innerText.includes('{ASSIGNMENT}')")
        released_list = page.inner_text("#released_assignments_list")
        assert course.course_id in released_list and "Fetch" in released_list, released_list
        assert page.goto(f"{course.hub_url}/user/{student}/formgrader").status == 404
    server = [p for p in psutil.process_iter(["cmdline", "username"])
              if p.info["username"] == student and any("jupyterhub-singleuser" in a for a in p.info["cmdline"] or ())]
    assert server, f"no jupyterhub-singleuser process of {student}"
    assert {(p.cwd(), p.environ()["HOME"]) for p in server} == {(str(course.home(student)),) * 2}   # their home


def test_a_student_is_refused_the_formgrader_and_a_classmates_server(browser, course_server):
    course = course_server.course
    student = course.learners[-1]
    manage = formgrader_path(course, "manage_assignments")
    with browser.visit(course.hub_url) as visit:
        page = visit.page
        hub_login(page, course.hub_url, student, course_server.passwords[student], next_path=manage)
        page.wait_for_load_state()
        response = page.goto(f"{course.hub_url}{manage}")    # logged in: the hub's OAuth answers
        assert response.status == 403, (response.status, page.url)
        assert "You do not have permission to access JupyterHub service" in page.inner_text("body")
        assert page.locator("#main-table").count() == 0
        # nor a classmate's server: 403 from that server when it runs (after the assignment list
        # test), 404 "No access to resources or resources not found" from the hub when it does not
        classmate = course.learners[0]
        response = page.goto(f"{course.hub_url}/user/{classmate}/api/contents")
        assert response.status in (403, 404), (response.status, page.url)
        assert '"content"' not in page.content()


def test_a_wrong_password_is_refused(browser, course_server):
    course = course_server.course
    student = course.learners[0]
    with browser.visit(course.hub_url) as visit:
        page = visit.page
        hub_login(page, course.hub_url, student, course_server.passwords[student] + "x")
        page.wait_for_selector("text=Invalid username or password")
        assert "/hub/login" in page.url
        assert page.context.cookies() == [] or not any(c["name"].startswith("jupyterhub-session")
                                                       for c in page.context.cookies())
        response = page.goto(f"{course.hub_url}/user/{student}/lab")
        assert "/hub/login" in page.url, (response.status, page.url)
