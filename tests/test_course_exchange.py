"""The course's folder in nbgrader's exchange belongs to the graders from the start.

The exchange itself must be writable by every user (nbgrader's submit checks it), so whoever made
``<exchange>/<course>/`` first owned it. When the first ``nbgrader release_assignment`` made it, a
student could make it before: ``mkdir -p <exchange>/<course>/inbound`` as a student, then the
instructor's release went on into the student's folders (nbgrader checks no owner for a course of
graders who share), and that student could replace what the others fetch and read every
submission. ``make hub`` now makes the course's folder itself, the graders' (grader/server/folders.py).
These tests try it as a real student of a running course server (``tests/hub_server.py``).
"""
from __future__ import annotations

import shutil
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from grader.server import folders

from tests.hub_server import course_with_hub, released

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("course_server")]


@pytest.fixture(scope="module")
def server():
    """A course server where the instructor has released week3 (outbound/ and inbound/ exist)."""
    return released(course_with_hub())


def test_the_course_folder_in_the_exchange_is_the_graders(server):
    course = server.course
    path = course.exchange / course.course_id
    shown = (path.owner(), path.group(), stat.S_IMODE(path.stat().st_mode))
    assert shown == (course.owner, course.graders_group, 0o2775), shown


@pytest.mark.parametrize("attempt", [
    "mkdir -p {course_path}/outbound/week9",            # a release of their own, fetched by the others
    "ls {course_path}/inbound",                         # the others' submissions
    "mv {course_path} {exchange}/moved",                # the course's folder itself
    "rm -rf {course_path}/outbound",
])
def test_a_student_cannot_take_over_the_course_folder_in_the_exchange(server, attempt):
    course = server.course
    student = course.learners[0]
    command = attempt.format(course_path=course.exchange / course.course_id, exchange=course.exchange)
    done = server.as_user(student, "bash", "-c", command, check=False)
    assert done.returncode != 0, f"{student} could: {command}"
    assert "Permission denied" in done.stderr or "Operation not permitted" in done.stderr, done.stderr


def test_before_the_first_release_a_student_cannot_make_the_course_folders(server):
    """The exchange just as ``make hub``'s folders step makes it (in a root of its own): nothing released."""
    root = Path(tempfile.mkdtemp(prefix="grader-exchange-", dir="/tmp"))
    try:
        root.chmod(0o755)
        fresh = replace(server.course, root=root)
        folders.exchange(fresh)
        course_path = fresh.exchange / fresh.course_id
        assert not (course_path / "outbound").exists()
        student = fresh.learners[0]
        done = server.as_user(student, "bash", "-c", f"mkdir -p {course_path}/outbound/week3 {course_path}/inbound",
                              check=False)
        assert done.returncode != 0 and "Permission denied" in done.stderr, f"{student} could make them: {done}"
        assert not (course_path / "outbound").exists() and not (course_path / "inbound").exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)
