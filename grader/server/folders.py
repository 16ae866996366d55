"""The course folder, the exchange and nbgrader's configuration, with the permissions of a real course.

- ``course.course_dir``: owned by the first instructor, group ``<course>-graders``, mode 2770
  (setgid: what any grader makes belongs to the group; nothing for students or others). It holds
  ``source/`` (copied from this project once; the instructor edits it from then on) and an
  ``nbgrader_config.py`` (mode 0640: it names the gradebook's URL, with its password).
  nbgrader's ``groupshared`` makes the files it writes group-writable, so every grader can grade.
- ``course.exchange``: nbgrader's exchange, writable by every user (sticky: nobody removes what is
  not theirs), and the course's folder in it (group graders, setgid); nbgrader itself gives
  ``inbound/`` mode 2773 (students submit and cannot list; graders can) and ``feedback/`` 2771
  (a student reaches only the feedback whose hashed name they know).
- ``course.venv/etc/jupyter/nbgrader_config.py``: what every user's nbgrader reads (the course id
  and the exchange), since every user runs that environment.
"""
from __future__ import annotations

import grp
import os
import shutil
from pathlib import Path

from grader.server.accounts import ids
from grader.server.layout import Course

PROJECT = Path(__file__).resolve().parents[2]

EVERYONE = """# Written by `make hub` (grader/server/folders.py): read by every user of this environment.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
"""

GRADERS = """# Written by `make hub` (grader/server/folders.py): the course folder's nbgrader configuration.
# Readable by the graders group only: it names the gradebook, with its password.
import os

# Whatever a grader's nbgrader writes here, every grader can change, and nobody else can read
# (nbgrader's groupshared covers some of its folders only; the umask covers all of them).
os.umask(0o007)
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.db_url = {db_url!r}
# Several graders share this folder: nbgrader makes what it writes group-writable (and folders setgid).
c.CourseDirectory.groupshared = True
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True

from grader.course.nbgrader_setup import configure  # noqa: E402

configure(c)
"""


def _own(path: Path, user: str, group: str, mode: int) -> None:
    os.chown(path, ids(user)[0], grp.getgrnam(group).gr_gid, follow_symlinks=False)
    os.chmod(path, mode)


def course_folder(course: Course, db_url: str, source: Path = PROJECT / "source") -> Path:
    """The course folder with ``source/`` (copied once) and its nbgrader_config.py (rewritten)."""
    folder = course.course_dir
    folder.mkdir(parents=True, exist_ok=True)
    _own(folder, course.owner, course.graders_group, 0o2770)
    if not (folder / "source").exists():
        shutil.copytree(source, folder / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for path in [folder / "source", *(folder / "source").rglob("*")]:
            _own(path, course.owner, course.graders_group, 0o2770 if path.is_dir() else 0o660)
    config = folder / "nbgrader_config.py"
    config.write_text(GRADERS.format(root=str(folder), course_id=course.course_id, db_url=db_url,
                                     exchange=str(course.exchange)), encoding="utf-8")
    _own(config, course.owner, course.graders_group, 0o640)
    return folder


def exchange(course: Course) -> Path:
    """The exchange: every user may write into it, none may remove another's entries.

    The course's own folder in it is made here, the first instructor's and the graders group's,
    setgid: what nbgrader makes below (inbound/, outbound/, feedback/) is the group's, so every
    grader can collect (with ``groupshared``, nbgrader lets the group read inbound/).
    """
    course.exchange.mkdir(parents=True, exist_ok=True)
    os.chown(course.exchange, 0, 0)
    os.chmod(course.exchange, 0o1777)
    own = course.exchange / course.course_id
    own.mkdir(exist_ok=True)
    _own(own, course.owner, course.graders_group, 0o2775)
    return course.exchange


def everyone_config(course: Course) -> Path:
    """The course-wide nbgrader config inside the shared environment."""
    path = course.venv / "etc" / "jupyter" / "nbgrader_config.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)        # never write through a hard link into another environment
    path.write_text(EVERYONE.format(course_id=course.course_id, exchange=str(course.exchange)), encoding="utf-8")
    for folder in (course.venv / "etc", course.venv / "etc" / "jupyter"):
        os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    return path


def ensure(course: Course, db_url: str) -> None:
    """Course folder, exchange and configuration; safe to run again (source/ is never overwritten)."""
    exchange(course)
    everyone_config(course)
    course_folder(course, db_url)
