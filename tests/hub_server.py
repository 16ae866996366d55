"""A whole course server for the tests that need one: real Unix users, the shared environment,
the PostgreSQL gradebook, the course folder and exchange, JupyterHub with the formgrader service.

``course_server`` (session-scoped; registered for every test module by ``tests/conftest.py``)
starts the course of ``deploy/course.toml`` in a temporary root, with a unique prefix for every
user and group name (``t<random>-``) and free loopback ports, and removes all of it afterwards
(hub, users' servers, database, users, groups, files), also when a test or the start failed::

    def test_x(course_server):
        course, passwords = course_server.course, course_server.passwords
        course_server.run_as(course.owner, "nbgrader", "release_assignment", "week3", cwd=course.course_dir)

Tests that use it are slow and share one xdist worker: ``pytest.mark.xdist_group("course_server")``.
Needs root (it makes Unix users); skipped otherwise.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT

COURSE_TOML = ROOT / "deploy" / "course.toml"


@dataclass
class RunningCourse:
    course: object                  # grader.server.layout.Course
    passwords: dict[str, str]       # {unix user: first password}

    @property
    def origin(self) -> str:
        return self.course.hub_url

    def environment(self, user: str) -> dict[str, str]:
        """What a user's login shell would give: their home, the course's environment first on PATH."""
        return {"HOME": str(self.course.home(user)), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
                "PATH": f"{self.course.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"}

    def run_as(self, user: str, *command: str, cwd: Path | None = None, check: bool = True,
               timeout: float = 600) -> subprocess.CompletedProcess:
        """``command`` as the Unix user ``user`` (runuser, a clean environment), output captured."""
        done = subprocess.run(["runuser", "-u", user, "--", "env", "-i",
                               *(f"{k}={v}" for k, v in self.environment(user).items()), *command],
                              cwd=cwd or self.course.home(user), capture_output=True, text=True, timeout=timeout)
        if check and done.returncode:
            raise AssertionError(f"{' '.join(command)} as {user} failed ({done.returncode}):\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done


def hub_login(page, origin: str, user: str, password: str, next_path: str = "") -> None:
    """Log in on the hub's login page (Playwright ``page``); returns once the form is sent.

    After logging in the hub starts the user's own server, or goes to ``next_path`` (e.g. the
    formgrader, ``/services/<course_id>/formgrader``) instead."""
    page.goto(f"{origin}/hub/login" + (f"?next={urllib.parse.quote(next_path)}" if next_path else ""))
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")


def free_ports(count: int, tries: int = 50) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for _ in range(tries):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count < 65535 and all(_free(port) for port in range(first, first + count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _tear_down(course) -> list[str]:
    """Stop and remove everything of ``course``; what could not be done, one line each."""
    from grader.server import accounts, database, hub
    problems = []
    for what, step in (("hub", lambda: hub.stop(course)), ("database", lambda: database.cluster_of(course).stop()),
                       ("accounts", lambda: accounts.remove(course))):
        try:
            step()
        except Exception as error:  # noqa: BLE001 - teardown goes on, and says what failed
            problems.append(f"{what}: {error}")
    shutil.rmtree(course.root, ignore_errors=True)
    return problems


@pytest.fixture(scope="session")
def course_server():
    """The course of ``deploy/course.toml`` running in a temporary root (see the module's docstring)."""
    if os.geteuid() != 0:
        pytest.skip("a course server makes Unix users: run the tests as root")
    from grader.server.__main__ import running_venv, up
    from grader.server.layout import load
    # /tmp, not pytest's tmp_path: that is mode 0700, and every user must reach their home below the root.
    root = Path(tempfile.mkdtemp(prefix="grader-course-", dir="/tmp"))
    os.chmod(root, 0o755)
    first = free_ports(5)         # the hub's public port and its next three (grader/server/hub.py), the database
    course = load(COURSE_TOML, root=root, prefix=f"t{secrets.token_hex(2)}-", hub_port=first,
                  database_port=first + 4)
    try:
        passwords = up(course, source_venv=running_venv())
        yield RunningCourse(course, passwords)
    finally:
        problems = _tear_down(course)
        assert not problems, "the course server was not removed cleanly:\n" + "\n".join(problems)
