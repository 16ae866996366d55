"""The course's Unix users and groups: staff in the graders group, students in the students group.

Each user gets a home under the course's root and a random first password (never a shared
default), set once, when the user is made, and written to ``<root>/secrets/passwords`` (root
only). Running it again changes nothing for users who exist. Debian's ``useradd``, ``groupadd``,
``chpasswd`` and ``userdel`` do the work.
"""
from __future__ import annotations

import grp
import os
import pwd
import secrets
import subprocess

from grader.server.layout import Course


def _run(command: list[str], stdin: str | None = None) -> None:
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed (exit {done.returncode}): {done.stderr.strip()}")


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _passwords_file(course: Course):
    return course.secrets / "passwords"


def read_passwords(course: Course) -> dict[str, str]:
    """{user: first password} as written when each user was made."""
    path = _passwords_file(course)
    if not path.exists():
        return {}
    return dict(line.split(":", 1) for line in path.read_text().splitlines() if ":" in line)


def _remember(course: Course, user: str, password: str) -> None:
    course.secrets.mkdir(parents=True, exist_ok=True)
    os.chmod(course.secrets, 0o700)
    path = _passwords_file(course)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a") as out:
        out.write(f"{user}:{password}\n")


def ensure(course: Course) -> dict[str, str]:
    """Make the groups and users that are missing; {user: first password} of every course user."""
    for group in (course.graders_group, course.students_group):
        if not group_exists(group):
            _run(["groupadd", group])
    course.homes.mkdir(parents=True, exist_ok=True)
    os.chmod(course.root, 0o755)
    os.chmod(course.homes, 0o755)
    for users, group in ((course.staff, course.graders_group), (course.learners, course.students_group)):
        for user in users:
            if user_exists(user):
                _run(["usermod", "--append", "--groups", group, user])
                continue
            _run(["useradd", "--create-home", "--home-dir", str(course.home(user)), "--shell", "/bin/bash",
                  "--user-group", "--groups", group, user])
            os.chmod(course.home(user), 0o700)
            password = secrets.token_urlsafe(12)
            _run(["chpasswd"], stdin=f"{user}:{password}\n")
            _remember(course, user, password)
    return read_passwords(course)


def ids(user: str) -> tuple[int, int]:
    """(uid, gid) of a Unix user."""
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def remove(course: Course) -> None:
    """Delete the course's users (and their processes) and groups; for tests."""
    for user in (*course.staff, *course.learners):
        if user_exists(user):
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
            subprocess.run(["userdel", "--force", user], capture_output=True)
    for group in (course.graders_group, course.students_group):
        if group_exists(group):
            subprocess.run(["groupdel", group], capture_output=True)
