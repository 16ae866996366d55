"""A submission the grader cannot read, graded by a NON-root grader on the PostgreSQL gradebook.

Made by root for the test: a user (removed afterwards) who owns the course folder, and a course
of four students: two as handed in, ``locked`` whose ``submitted/locked/week3`` is mode 000, and
``private`` whose notebook is root's with mode 0600. As that user (see
tests/helpers.py's ``as_user`` for how it runs the project's Python), ``nbgrader autograde`` and
``grader grade`` each name the two students and the paths they cannot read, and grade the others.
"""
from __future__ import annotations

import csv
import grp
import json
import os
import pwd
import shutil
import uuid

import pytest

from tests.helpers import give_to, grader_account, hand_in, nonroot_missing, skip_for
from tests.server_fixtures import postgres  # noqa: F401
from tests.test_gradebook_postgres import NOTEBOOK, course_on, rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def non_root_course(postgres):
    skip_for(nonroot_missing())
    with grader_account("grader-db") as account:
        url = postgres.create_course_database("unreadable_course", "unreadable_course", uuid.uuid4().hex)
        course = course_on(url, account.folder)
        hand_in(course, ["fullmarks", "partial"], NOTEBOOK)
        for student in ("locked", "private"):
            shutil.copytree(course / "submitted" / "fullmarks", course / "submitted" / student)
        give_to(account.folder, account.uid, account.gid)
        (course / "submitted" / "locked" / "week3").chmod(0o000)
        private = course / "submitted" / "private" / "week3" / f"{NOTEBOOK}.ipynb"
        os.chown(private, 0, 0)
        private.chmod(0o600)
        yield account, course, url


def expected(user: str) -> tuple[str, str]:
    """What each path says of ``locked`` (its folder, mode 000) and ``private`` (root's notebook, 0600)."""
    group = grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
    return (f"cannot read submitted/locked/week3 (Permission denied: owner {user}, group {group}, mode 0000; "
            f"this grader is {user})",
            f"cannot read submitted/private/week3/{NOTEBOOK}.ipynb (Permission denied: owner root, "
            f"group root, mode 0600; this grader is {user})")


def test_nbgrader_autograde_names_an_unreadable_submission_and_grades_the_others(non_root_course):
    account, course, url = non_root_course
    locked, private = expected(account.user)
    done = account.run("-m", "nbgrader", "autograde", "week3", cwd=course)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"locked/week3: {locked}" in output, output
    assert f"private/week3: {private}" in output, output
    assert "Traceback" not in output, output
    scores = rows(url)
    assert set(scores) == {"fullmarks", "partial"} and scores["fullmarks"] == 22, (scores, output)
    assert sorted(p.name for p in (course / "autograded").iterdir()) == ["fullmarks", "partial"]


def test_grader_grade_names_an_unreadable_submission_and_grades_the_others(non_root_course):
    account, course, url = non_root_course
    locked, private = (line.replace("cannot read", "(cannot read)") for line in expected(account.user))
    done = account.run("-c", "import sys; from grader.student.cli import main; sys.exit(main())",
                       "grade", "submitted", "--out", "results", "--no-progress", "--workers", "2", cwd=course)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output, output
    said = [line for line in done.stderr.splitlines() if line.startswith("grader: ") and "cannot read" in line]
    assert len(said) == 2, output
    assert said[0].startswith("grader: locked: ") and locked in said[0], said
    assert said[1].startswith("grader: private: ") and private in said[1], said
    with open(course / "results" / "grades.csv", encoding="utf-8") as table:
        status = {row["student"]: (row["status"], float(row["score"])) for row in csv.DictReader(table)}
    assert status["fullmarks"] == ("graded", 22.0) and status["partial"][0] == "graded"
    assert status["locked"][0] == status["private"][0] == "unreadable", status
    document = json.loads((course / "results" / "private" / NOTEBOOK / "results.json").read_text(encoding="utf-8"))
    assert private in " ".join(document["extra_data"]["notes"])
