"""The gradebook on a real PostgreSQL: the course's cluster, nbgrader autograde and
``grader grade --gradebook`` on it, and the bad input of a shared gradebook: the database down,
two graders grading one student at once.

The cluster (tests/server_fixtures.py) runs as the ``postgres`` user on a free loopback port and
is stopped and removed afterwards.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from grader.course.classroom import filled
from grader.course.demo import make_course
from grader.course.release import nbgrader, nbgrader_env
from grader.grading.gradebook_access import SubmissionLock, masked, unreachable
from grader.core.cells import kind
from tests.helpers import RELEASE, SOURCE, hand_in, open_folder, skip_for
from tests.server_fixtures import free_port, gradebook_url, postgres, postgres_missing  # noqa: F401

pytestmark = pytest.mark.xdist_group("postgres")
NOTEBOOK = "01_perceptron"
STUDENTS = ["fullmarks", "partial"]


def rows(url: str, assignment: str = "week3") -> dict[str, float]:
    """student -> score of NOTEBOOK, from the gradebook at ``url``."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(url) as gradebook:
        for student in sorted(s.id for s in gradebook.students):
            try:
                scores[student] = gradebook.find_submission_notebook(NOTEBOOK, assignment, student).score
            except MissingEntry:
                pass
    return scores


def table_counts(url: str, student: str) -> dict[str, int]:
    """How many rows of each kind the gradebook holds for ``student`` (one submission: one of each)."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as db:
            q = lambda sql: db.execute(sqlalchemy.text(sql), {"s": student}).scalar()  # noqa: E731
            return {"student": q("SELECT count(*) FROM student WHERE id = :s"),
                    "submission": q("SELECT count(*) FROM submitted_assignment WHERE student_id = :s"),
                    "grades": q("SELECT count(*) FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id "
                                "JOIN submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = :s")}
    finally:
        engine.dispose()


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def grader_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from grader.student.cli import main; sys.exit(main())", *args],
                          cwd=cwd, env=nbgrader_env(), capture_output=True, text=True, timeout=900)


def course_on(url: str, base: Path) -> Path:
    """A course folder (week3's first notebook) whose gradebook is ``url``, generated."""
    course = base / "course"
    make_course(course, notebooks=["01"])
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    done = nbgrader("generate_assignment", "week3", "--force", root=course, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return course


# ---- the cluster -------------------------------------------------------------------------------------


def test_the_cluster_listens_on_loopback_and_takes_passwords_only(postgres, gradebook_url):
    assert postgres.sql("SHOW listen_addresses").strip() == "127.0.0.1"
    assert postgres.sql("SHOW password_encryption").strip() == "scram-sha-256"
    rules = [line.split() for line in (postgres.data / "pg_hba.conf").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules == [["local", "all", "postgres", "peer"], ["host", "all", "all", "127.0.0.1/32", "scram-sha-256"]]
    url = make_url(gradebook_url)
    assert unreachable(gradebook_url) is None
    assert "password authentication failed" in unreachable(url.set(password="wrong-password").render_as_string(hide_password=False))
    assert postgres.sql(f"SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                        f"WHERE rolname = '{url.username}'").strip() == "f|f|f"
    # a course's role owns its database and no other course's
    other = postgres.create_course_database("other_course", "other_course", "x" * 24)
    assert "permission denied" in unreachable(url.set(database=make_url(other).database).render_as_string(hide_password=False))
    assert masked(gradebook_url) == gradebook_url.replace(url.password, "***")
    assert url.password not in masked(gradebook_url)


def test_for_course_makes_and_starts_the_gradebook_once():
    skip_for(postgres_missing())
    from grader.server import database
    from grader.server.layout import Course

    root = open_folder("grader-course-")
    course = Course(course_id="db-test", root=root, instructors=("teacher",), database_port=free_port(),
                    prefix="t")
    try:
        url = database.for_course(course)
        assert url.startswith("postgresql+psycopg://tdb_test:") and url.endswith(f"@127.0.0.1:{course.database_port}/tdb_test")
        secret = course.secrets / "database"
        assert secret.stat().st_mode & 0o777 == 0o600 and secret.stat().st_uid == 0
        assert make_url(url).password == secret.read_text().strip()
        assert database.for_course(course) == url           # twice: the same gradebook, still running
        assert unreachable(url) is None
        database.cluster_of(course).stop()
        assert not database.cluster_of(course).running()
        assert database.for_course(course) == url           # stopped: started again
        assert unreachable(url) is None
    finally:
        database.cluster_of(course).stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_port_in_use_is_said_with_the_server_s_own_words(postgres):
    from grader.server.database import Cluster, DatabaseError

    base = Path(tempfile.mkdtemp(prefix="grader-postgres-port-"))
    base.chmod(0o755)
    second = Cluster(base / "postgres", postgres.port)
    try:
        second.init()
        with pytest.raises(DatabaseError, match="Address already in use"):
            second.start(timeout=15)
        assert postgres.running() and not second.running()
    finally:
        second.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("kind_of_gradebook", ["postgresql", "sqlite"])
def test_one_grader_at_a_time_per_submission(gradebook_url, tmp_path, kind_of_gradebook):
    url = gradebook_url if kind_of_gradebook == "postgresql" else f"sqlite:///{tmp_path / 'gradebook.db'}"
    first, second = (SubmissionLock(url, tmp_path, "ml", "week3", "alice") for _ in range(2))
    someone_else = SubmissionLock(url, tmp_path, "ml", "week3", "bob")
    assert first.acquire() is None
    held = second.acquire()
    assert held and "nbgrader autograde by" in held and f"pid {os.getpid()}" in held
    assert someone_else.acquire() is None                    # another student: not in the way
    first.release()
    assert second.acquire() is None                          # released: the next grader gets it
    second.release()
    someone_else.release()


# ---- nbgrader and grader grade on PostgreSQL, the database down -----------------------------------


@pytest.fixture(scope="module")
def graded_course(postgres):
    """A course graded once by nbgrader autograde on the PostgreSQL gradebook."""
    base = Path(tempfile.mkdtemp(prefix="grader-pg-course-"))
    url = postgres.create_course_database("week3_course", "week3_course", "s3cret-" + "k" * 20)
    try:
        course = course_on(url, base)
        hand_in(course, STUDENTS, NOTEBOOK)
        done = nbgrader("autograde", "week3", root=course, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        yield course, url
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_nbgrader_and_grader_grade_record_the_same_scores_on_postgres(graded_course):
    course, url = graded_course
    scores = rows(url)
    assert set(scores) == set(STUDENTS) and scores["fullmarks"] == 22 and 0 < scores["partial"] < 22
    with sqlalchemy.create_engine(url).begin() as db:        # forget partial's score, then grader grade writes it
        db.execute(sqlalchemy.text("UPDATE grade SET auto_score = 0"))
    done = grader_cli("grade", "submitted", "--out", "grader-results", "--gradebook", url, "--assignment", "week3",
                      "--no-progress", cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    assert rows(url) == scores


@pytest.mark.slow
def test_database_down_autograde_and_grader_grade_say_so_and_write_nothing(graded_course, postgres):
    course, url = graded_course
    before = rows(url)
    autograded = digest(course / "autograded")
    password = make_url(url).password
    postgres.stop()
    try:
        started = time.monotonic()
        done = nbgrader("autograde", "week3", "--force", root=course, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert f"the gradebook database {masked(url)} cannot be reached" in output
        assert "Connection refused" in output and "Nothing was graded, removed or written" in output
        assert password not in output and "Traceback" not in output, output
        assert digest(course / "autograded") == autograded, "autograde removed or changed graded notebooks"

        done = grader_cli("grade", "submitted", "--out", "down-results", "--gradebook", url, "--no-progress", cwd=course)
        output = done.stdout + done.stderr
        assert done.returncode == 2, output
        assert f"the gradebook database {masked(url)} cannot be reached" in output
        assert password not in output and "Traceback" not in output, output
        assert not list((course / "down-results").glob("*/*/results.json")), "graded although it cannot record"
        assert time.monotonic() - started < 120
    finally:
        postgres.start()
    assert rows(url) == before


@pytest.mark.slow
def test_two_graders_on_one_student_give_one_result(graded_course):
    """Two ``nbgrader autograde week3 --student slow --force`` at once: one grades, the other says
    who is grading and skips; one submission in the gradebook, no traceback, no conflict."""
    course, url = graded_course
    notebook = filled(nbformat.read(RELEASE / f"{NOTEBOOK}.ipynb", as_version=4),
                      nbformat.read(SOURCE / f"{NOTEBOOK}.ipynb", as_version=4))
    next(c for c in notebook.cells if kind(c) == "solution").source += "\nimport time\ntime.sleep(20)\n"
    folder = course / "submitted" / "slow" / "week3"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")
    command = [sys.executable, "-m", "nbgrader", "autograde", "week3", "--student", "slow", "--force"]
    graders = [subprocess.Popen(command, cwd=course, env=nbgrader_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [g.communicate(timeout=600)[0] for g in graders]
    codes = sorted(g.returncode for g in graders)
    everything = "\n----\n".join(outputs)
    for bad in ("Traceback", "IntegrityError", "UniqueViolation", "duplicate key"):
        assert bad not in everything, everything
    assert codes == [0, 1], everything
    skipped = outputs[[g.returncode for g in graders].index(1)]
    assert "slow/week3: being graded by nbgrader autograde by" in skipped, skipped
    assert "not graded by this run: slow/week3 (being graded by" in skipped, skipped
    assert table_counts(url, "slow") == {**table_counts(url, "fullmarks"), "student": 1, "submission": 1}
    assert rows(url)["slow"] == 22
    assert (course / "autograded" / "slow" / "week3" / f"{NOTEBOOK}.ipynb").is_file()


def hand_in_slow(course: Path, student: str, seconds: int) -> None:
    """Full marks, and a solution cell that sleeps ``seconds`` (the grading takes that long)."""
    notebook = filled(nbformat.read(RELEASE / f"{NOTEBOOK}.ipynb", as_version=4),
                      nbformat.read(SOURCE / f"{NOTEBOOK}.ipynb", as_version=4))
    next(c for c in notebook.cells if kind(c) == "solution").source += f"\nimport time\ntime.sleep({seconds})\n"
    folder = course / "submitted" / student / "week3"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")


@pytest.mark.slow
def test_database_gone_in_the_middle_of_a_submission_leaves_no_grade_claimed(graded_course, postgres):
    """PostgreSQL stops while ``sleepy`` is graded (``--student 'sleepy*'``): sleepy's autograded
    folder is removed and no grade of it is recorded, ``sleepy2`` (after it) is not touched, the
    other students' notebooks stay, and the message names the URL (masked)."""
    course, url = graded_course
    hand_in_slow(course, "sleepy", 15)    # still asleep when PostgreSQL stops (3 s in), with room under load
    hand_in_slow(course, "sleepy2", 0)
    others = digest(course / "autograded")
    grader = subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", "week3", "--student", "sleepy*"],
                              cwd=course, env=nbgrader_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    seen = []
    try:
        for line in grader.stdout:
            seen.append(line)
            if "Autograding" in line and "/sleepy/" in line:
                time.sleep(3)       # the sandbox is running the student's cells
                postgres.stop()
                break
        output = "".join(seen) + grader.communicate(timeout=600)[0]
    finally:
        postgres.start()
    assert grader.returncode == 1, output
    assert f"the gradebook database {masked(url)} went away while grading" in output, output
    assert make_url(url).password not in output and "Traceback" not in output and "db upgrade" not in output, output
    left = digest(course / "autograded")
    assert not (course / "autograded" / "sleepy" / "week3").exists(), left   # nbgrader leaves the empty sleepy/
    assert not (course / "autograded" / "sleepy2").exists() and "sleepy2" not in output, output
    assert {k: v for k, v in left.items() if k != "sleepy"} == others
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as db:
            claimed = db.execute(sqlalchemy.text(
                "SELECT count(*) FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id "
                "JOIN submitted_assignment a ON n.assignment_id = a.id "
                "WHERE a.student_id LIKE 'sleepy%' AND g.auto_score IS NOT NULL")).scalar()
    finally:
        engine.dispose()
    assert claimed == 0, "the gradebook claims a grade for a submission that was not graded"
