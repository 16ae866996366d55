"""The course server's JupyterHub for tests: on a server of ``tests/course_server.py``.

``with_hub(server)`` starts the hub of ``make hub`` (PAM logins, the formgrader service, users'
servers as themselves) on a :class:`tests.course_server.Server` and stops it at exit, before the
server's users and database are removed (``atexit`` runs the last registered first)::

    server = with_hub(built_once("course-term", lambda: make_server(STUDENTS)))
    with browser.visit(server.course.hub_url) as visit:
        hub_login(visit.page, server.course.hub_url, server.course.owner,
                  server.passwords[server.course.owner], next_path=formgrader_path(server.course, "gradebook"))

Tests that use it are slow and share the ``course_server`` xdist group.
"""
from __future__ import annotations

import atexit
import urllib.parse

import pytest

from tests.course_server import Server, can_run, make_server
from tests.helpers import built_once

STUDENTS = ("student1", "student2")
_running: set[str] = set()


def course_with_hub() -> Server:
    """One course server with its hub per test process, for the hub's own tests (students
    :data:`STUDENTS`); skips where a course server cannot be made (not root, no PostgreSQL)."""
    reason = can_run()
    if reason:
        pytest.skip(reason)
    return with_hub(built_once("course-hub", lambda: make_server(STUDENTS)))


def with_hub(server: Server) -> Server:
    """Start the course's hub once per test process (a no-op when it runs); stopped at exit."""
    from grader.server import hub
    course = server.course
    if str(course.root) not in _running:
        hub.start(course)
        _running.add(str(course.root))
        atexit.register(hub.stop, course)
    return server


def released(server: Server, assignment: str = "week3") -> Server:
    """``assignment`` generated and released by the course folder's owner, as from a terminal (once)."""
    course = server.course
    outbound = course.exchange / course.course_id / "outbound" / assignment
    if not outbound.exists():
        for step in ("generate_assignment", "release_assignment"):
            server.nbgrader(course.owner, step, assignment)
    assert outbound.is_dir(), outbound
    return server


def formgrader_path(course, page: str = "") -> str:
    """``/services/<course_id>/formgrader/<page>``: the formgrader, opened directly (not in Lab)."""
    return f"/services/{course.course_id}/formgrader/{page}".rstrip("/")


def hub_login(page, origin: str, user: str, password: str, next_path: str = "") -> None:
    """Log in on the hub's login page (Playwright ``page``); returns once the form is sent.

    After logging in the hub starts the user's own server, or goes to ``next_path`` (e.g.
    :func:`formgrader_path`) instead."""
    page.goto(f"{origin}/hub/login" + (f"?next={urllib.parse.quote(next_path)}" if next_path else ""))
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
