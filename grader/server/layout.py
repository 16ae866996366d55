"""Where one course's server keeps everything, and who its users are (``deploy/course.toml``).

Everything lives under one folder (``root``), so a test can make a whole server in a temporary
folder and remove it, and an administrator can see the course at a glance::

    root/venv/       the environment every user runs (Python, JupyterHub, nbgrader, this package)
    root/course/     nbgrader's course folder: source/, release/, submitted/, autograded/, feedback/
                     (owned by the first instructor, group ``graders``, setgid, no access for others)
    root/exchange/   nbgrader's exchange (release, submit, collect, feedback), nbgrader's permissions
    root/home/<u>/   each user's home (students fetch and work here)
    root/postgres/   the PostgreSQL cluster holding the gradebook (owned by ``postgres``)
    root/hub/        JupyterHub's own state: its config, cookie secret, database (root only)
    root/secrets/    the first passwords of the course's users and the database's (root only)
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Course:
    """One course on one server. ``instructors`` and ``graders`` share the course folder."""

    course_id: str
    root: Path
    instructors: tuple[str, ...]
    graders: tuple[str, ...] = ()
    students: tuple[str, ...] = ()
    assignments: tuple[str, ...] = ("week3",)
    hub_ip: str = "127.0.0.1"
    hub_port: int = 8000
    database_port: int = 5432
    # A prefix for every Unix user and group name (tests use one so as to touch nothing else).
    prefix: str = ""

    # Who is who, as Unix names.
    def user(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def staff(self) -> tuple[str, ...]:
        """Everyone who grades: the instructors, then the other graders (Unix names)."""
        return tuple(self.user(n) for n in (*self.instructors, *self.graders))

    @property
    def learners(self) -> tuple[str, ...]:
        return tuple(self.user(n) for n in self.students)

    @property
    def owner(self) -> str:
        """The course folder's owner: the first instructor."""
        return self.user(self.instructors[0])

    @property
    def graders_group(self) -> str:
        return f"{self.prefix}{self.course_id}-graders"

    @property
    def students_group(self) -> str:
        return f"{self.prefix}{self.course_id}-students"

    # Where things are.
    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def course_dir(self) -> Path:
        return self.root / "course"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def homes(self) -> Path:
        return self.root / "home"

    def home(self, user: str) -> Path:
        return self.homes / user

    @property
    def database_dir(self) -> Path:
        return self.root / "postgres"

    @property
    def hub_dir(self) -> Path:
        return self.root / "hub"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets"

    @property
    def database_name(self) -> str:
        return f"{self.prefix}{self.course_id}".replace("-", "_")

    @property
    def hub_url(self) -> str:
        return f"http://{self.hub_ip}:{self.hub_port}"


def load(path: Path, **overrides) -> Course:
    """The course described by a ``course.toml`` (see ``deploy/course.toml``), with overrides."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    people = data.get("people", {})
    server = data.get("server", {})
    course = Course(course_id=data["course_id"], root=Path(server.get("root", "/srv/course")),
                    instructors=tuple(people["instructors"]), graders=tuple(people.get("graders", ())),
                    students=tuple(people.get("students", ())),
                    assignments=tuple(data.get("assignments", ("week3",))),
                    hub_ip=server.get("hub_ip", "127.0.0.1"), hub_port=int(server.get("hub_port", 8000)),
                    database_port=int(server.get("database_port", 5432)))
    return replace(course, **overrides)
