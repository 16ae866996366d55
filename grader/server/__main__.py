"""One course on one server: ``python -m grader.server up`` / ``down`` (``make hub``), as root.

``up`` makes (or brings up to date) everything ``deploy/course.toml`` describes, in order: the
Unix users and groups (random first passwords), the environment every user runs, the course's
PostgreSQL gradebook, the course folder and exchange, and JupyterHub with the formgrader as a
service. Running it again changes nothing that exists and restarts the hub. ``down`` stops the
hub (and with it the users' servers and the formgrader) and the database; users and files stay.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader.server import accounts, database, folders, hub, install
from grader.server.layout import Course, load

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT / "deploy" / "course.toml"


def running_venv() -> Path | None:
    """This interpreter's virtual environment, if any: the shared one is linked from it (seconds)."""
    return Path(sys.prefix) if sys.prefix != sys.base_prefix else None


def up(course: Course, source_venv: Path | None = None) -> dict[str, str]:
    """Everything of the course, then the hub; returns {user: first password}."""
    passwords = accounts.ensure(course)
    install.shared_environment(course, source_venv=source_venv)
    db_url = database.for_course(course)
    folders.ensure(course, db_url)
    hub.start(course)
    return passwords


def down(course: Course) -> None:
    """Stop the hub (users' servers and the formgrader with it) and the course's database."""
    hub.stop(course)
    database.cluster_of(course).stop()


def summary(course: Course, passwords: dict[str, str]) -> str:
    """What the administrator reads after ``up``: where, who, where the passwords are, how to stop."""
    staff = ", ".join(course.staff)
    students = ", ".join(course.learners)
    missing = [user for user in (*course.staff, *course.learners) if user not in passwords]
    lines = [f"JupyterHub for {course.course_id} is running at {course.hub_url}/ (log: {hub.log_path(course)})",
             f"  instructors and graders: {staff}",
             f"  students:                {students}",
             f"  first passwords:         {course.secrets / 'passwords'} (root only; `passwd USER` changes one)",
             f"  formgrader (graders):    {hub.formgrader_url(course)}",
             "  students: Nbgrader > Assignment List in their server (fetch, submit)",
             "  stop: make hub-down   (python -m grader.server down)"]
    if missing:
        lines.append(f"  users that existed before (no first password recorded): {', '.join(missing)}")
    if course.hub_ip not in ("127.0.0.1", "localhost", "::1"):
        lines.append(f"  WARNING: the hub listens on {course.hub_ip}: serve it only behind a TLS reverse proxy")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("up", "down"))
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the course (default: deploy/course.toml)")
    arguments = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("python -m grader.server must run as root: it makes Unix users and groups, and the hub starts "
              "each user's server as that user. Run `sudo make hub`.", file=sys.stderr)
        return 2
    try:
        course = load(arguments.config)
    except (OSError, KeyError, ValueError) as error:
        print(f"cannot read the course from {arguments.config}: {error}", file=sys.stderr)
        return 2
    try:
        if arguments.command == "down":
            down(course)
            print(f"stopped the hub and the database of {course.course_id} (users and files under {course.root} stay)")
            return 0
        passwords = up(course, source_venv=running_venv())
    except (hub.HubError, RuntimeError, OSError) as error:
        print(f"python -m grader.server {arguments.command}: {error}", file=sys.stderr)
        return 1
    print(summary(course, passwords))
    return 0


if __name__ == "__main__":
    sys.exit(main())
