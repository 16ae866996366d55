"""A whole course server for tests: real Unix users, the shared environment, PostgreSQL, the folders.

``make_server()`` builds it once in a temporary root (every user and group name prefixed with a
random token, so nothing else on the machine is touched), and removes it all at exit, on
failure too. ``as_user`` runs a command the way that user would at a terminal of the server:
their own uid and groups, their home, the course's environment first on the PATH.
"""
from __future__ import annotations

import atexit
import os
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import ROOT, root_missing
from tests.server_fixtures import free_port, postgres_missing

COURSE_ID = "ml-term"
SERVERS = Path("/srv")


def can_run() -> str | None:
    """Why a course server cannot be made here (None: it can)."""
    return root_missing("make Unix users", ("useradd", "userdel", "runuser", "bwrap")) or postgres_missing()


@dataclass
class Server:
    course: object          # grader.server.layout.Course
    passwords: dict
    db_url: str
    cluster: object         # grader.server.database.Cluster

    def as_user(self, user: str, *command: str, cwd: Path | None = None, timeout: float = 900,
                check: bool = True, stdin: str | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
        """``command`` as ``user`` (runuser: their uid, groups and home), in ``cwd`` (default: home)."""
        home = home or self.course.home(user)
        env = ["env", "-i", f"HOME={home}", f"USER={user}", f"PATH={self.course.venv / 'bin'}:/usr/bin:/bin",
               "LANG=C.UTF-8", "TF_CPP_MIN_LOG_LEVEL=3", "MPLBACKEND=Agg", "PYTHONUNBUFFERED=1"]
        for name in ("GRADER_MNIST_QUICK", "GRADER_NO_BWRAP"):
            if os.environ.get(name):
                env.append(f"{name}={os.environ[name]}")
        done = subprocess.run(["runuser", "-u", user, "--", *env, *command], cwd=cwd or home, input=stdin,
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode:
            raise AssertionError(f"as {user}: {' '.join(command)} -> exit {done.returncode}\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        return done

    def nbgrader(self, user: str, *arguments: str, **options) -> subprocess.CompletedProcess:
        """nbgrader as ``user``: staff in the course folder, students at home."""
        if user in self.course.staff:
            options.setdefault("cwd", self.course.course_dir)
        return self.as_user(user, "nbgrader", *arguments, **options)


def make_server(students: tuple[str, ...], course_id: str = COURSE_ID, whole: bool = True) -> Server:
    """Users, environment, database and folders of a course in a fresh temporary root
    (``whole=False``: the users and the environment only, e.g. a grader's account)."""
    from grader.server import accounts, database, folders, install
    from grader.server.layout import Course

    # Where a course server keeps its files (/srv, as deploy/course.toml), not under /tmp: the
    # sandbox's /tmp is a tmpfs of its own, and the folders bwrap makes there to hold the bound
    # environment would be the student's to write in (harmless, but not the view a server has).
    SERVERS.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="grader-test-", dir=SERVERS))
    root.chmod(0o755)
    course = Course(course_id=course_id, root=root, instructors=("kim",), graders=("park",), students=students,
                    prefix=f"t{uuid.uuid4().hex[:6]}-", hub_port=free_port(), database_port=free_port())

    def clean_up() -> None:
        try:
            if course.database_dir.exists():
                database.Cluster(course.database_dir, course.database_port).stop()
        except Exception:   # noqa: BLE001 - clean-up goes on
            pass
        accounts.remove(course)
        subprocess.run(["rm", "-rf", "--one-file-system", str(root)], capture_output=True)
    atexit.register(clean_up)

    passwords = accounts.ensure(course)
    install.shared_environment(course, source_venv=ROOT / ".venv")
    if not whole:
        return Server(course=course, passwords=passwords, db_url="", cluster=None)
    db_url = database.for_course(course)
    folders.ensure(course, db_url)
    return Server(course=course, passwords=passwords, db_url=db_url,
                  cluster=database.Cluster(course.database_dir, course.database_port))
