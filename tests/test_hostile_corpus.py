"""The hostile and broken corpus, graded by ``grader grade`` in one sandboxed batch, as a course's grader.

One module fixture writes every kind of :mod:`tests.hostile` into an nbgrader ``submitted/``
layout and runs ``grader grade`` once over it (two workers). The grader is not root, as on a
course's server: run as root, the test makes a Unix user and the environment a server's users
run (``tests/course_server.py``: from a Python every user can read, solutions readable by the
graders group only) and grades as that user; bubblewrap then has only an unprivileged user
namespace (the corpus graded by root is ``tests/test_hostile_nbgrader.py``'s). Then: each kind gets exactly
its expected score, status and notes; the batch finished with a results.json and a CSV row
for every student; no hostile kind scored above its expectation; the full-marks controls in
the same batch kept every point; nothing was written outside the sandbox, nothing connected
to the test's socket, no process the fork bomb started outlived the batch.

Isolation kinds need bubblewrap: without ``bwrap`` (or with ``GRADER_NO_BWRAP=1``) they are
left out of the batch and their checks skipped, unless ``GRADER_REQUIRE_BWRAP=1``, in which
case they are graded and their checks fail.
"""
from __future__ import annotations

import atexit
import csv
import hashlib
import html
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.server.accounts import ids
from tests.helpers import built_once
from tests.hostile import ASSIGNMENT, HIDDEN_CODE, KINDS, PERCEPTRON, ROOT, Context, Kind, build_corpus

pytestmark = pytest.mark.xdist_group("corpus")

GRADER = Path(sys.executable).with_name("grader")
GRADE_OPTIONS = ["--workers", "2", "--timeout", "5", "--cell-timeout", "5", "--submission-timeout", "60",
                 "--memory", "1024", "--no-progress"]
BATCH_TIMEOUT = 900
MAX_STUDENT_FILE = 1 << 20       # results.json and feedback.txt stay small, whatever was printed


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None and os.environ.get("GRADER_NO_BWRAP") != "1"


def isolation_required() -> bool:
    return os.environ.get("GRADER_REQUIRE_BWRAP") == "1"


def require_isolation(kind_name: str = "") -> None:
    if bwrap_available():
        return
    reason = f"{kind_name or 'this check'} needs bubblewrap (bwrap) to be enforced"
    if isolation_required():
        pytest.fail(reason + ", and GRADER_REQUIRE_BWRAP=1")
    pytest.skip(reason)


def graded_kinds() -> list[Kind]:
    """The kinds put in the batch: isolation kinds only where they can be enforced (or must be)."""
    return [k for k in KINDS if not k.isolation or bwrap_available() or isolation_required()]


def processes_named(name: str) -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                pids.append(int(comm.parent.name))
        except (OSError, ValueError):
            pass
    return pids


@dataclass
class Batch:
    ctx: Context
    kinds: list[Kind]
    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    connections: list[bytes] = field(default_factory=list)
    survivors: list[int] = field(default_factory=list)
    course_before: dict[str, str] = field(default_factory=dict)
    course_after: dict[str, str] = field(default_factory=dict)
    documents: dict[tuple[str, str], dict] = field(default_factory=dict)   # (student, notebook) -> results.json
    folders: dict[tuple[str, str], Path] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)

    def result(self, kind: Kind) -> tuple[dict, Path]:
        mine = [key for key in self.documents if key[0] == kind.folder]
        assert mine, f"no results.json for student {kind.folder!r}:\n{self.summary()}"
        key = (kind.folder, kind.notebook) if (kind.folder, kind.notebook) in self.documents else mine[0]
        return self.documents[key], self.folders[key]

    def summary(self) -> str:
        return f"$ {' '.join(self.command)}\nexit {self.returncode}\n{self.stdout[-3000:]}\n{self.stderr[-3000:]}"


def stand_in_course(course: Path) -> None:
    """The files of an nbgrader course next to the submissions (the course-writing kinds' targets)."""
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(ROOT / "source" / ASSIGNMENT / f"{PERCEPTRON}.ipynb", course / "source" / ASSIGNMENT)
    import sqlite3
    with sqlite3.connect(course / "gradebook.db") as db:
        db.execute("CREATE TABLE grade (id INTEGER PRIMARY KEY, manual_score FLOAT)")


def course_digest(course: Path) -> dict[str, str]:
    """sha256 of the stand-in course's files (and of every handed-in file)."""
    paths = [course / "nbgrader_config.py", course / "gradebook.db", *(course / "source").rglob("*"),
             *(course / "submitted").rglob("*")]
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths if p.is_file() and not p.is_symlink()}


def _accepted(listener: socket.socket) -> list[bytes]:
    received = []
    listener.setblocking(False)
    while True:
        try:
            connection, _ = listener.accept()
        except (BlockingIOError, OSError):
            return received
        connection.settimeout(1)
        try:
            received.append(connection.recv(100) or b"(connected, sent nothing)")
        except OSError:
            received.append(b"(connected)")
        connection.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    """The corpus graded by one `grader grade` (once per test process, see built_once)."""
    return built_once("hostile-corpus", lambda: _grade_corpus(tmp_path_factory))


# Grading without root, the sandbox's working folder is a folder on the grader's disk (a tmpfs of
# its own needs root): limited per file (RLIMIT_FSIZE), not in total. Said in the README; the one
# kind that fills it reports exactly that, and nothing else may work.
NOT_BOUNDED = "PRIVILEGE-WORKED: working folder"


def _grader_account():
    """A non-root grader (a Unix user and the course environment), or None where one cannot be made."""
    from tests.course_server import can_run, make_server
    if can_run():
        return None
    return make_server(("nobody-here",), course_id="corpus", whole=False)


def _grade_corpus(tmp_path_factory) -> Batch:
    account = _grader_account()
    base = Path(tempfile.mkdtemp(prefix="grader-corpus-")) if account else tmp_path_factory.mktemp("corpus")
    if account:
        base.chmod(0o755)
        atexit.register(subprocess.run, ["rm", "-rf", "--one-file-system", str(base)], capture_output=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    ctx = Context(submissions=base / "submitted", results=base / "results", outside=base / "outside",
                  token=uuid.uuid4().hex[:12], port=listener.getsockname()[1], course=base)
    kinds = graded_kinds()
    stand_in_course(base)
    build_corpus(ctx, kinds)
    course_before = course_digest(base)
    grader = account.course.venv / "bin" / "grader" if account else GRADER
    command = [str(grader), "grade", str(ctx.submissions), "--out", str(ctx.results), *GRADE_OPTIONS]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    try:
        if account:
            user = account.course.owner
            uid, gid = ids(user)
            for path in [base, *base.rglob("*")]:
                os.chown(path, uid, gid, follow_symlinks=False)
            done = account.as_user(user, *command, cwd=base, home=base, timeout=BATCH_TIMEOUT, check=False)
            command = ["(as the non-root grader " + user + ")", *command]
        else:
            done = subprocess.run(command, capture_output=True, text=True, timeout=BATCH_TIMEOUT, env=env)
        returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        returncode, stdout, stderr = -1, str(expired.stdout or ""), f"the batch did not finish in {BATCH_TIMEOUT} s"
    result = Batch(ctx, kinds, command, returncode, stdout, stderr, time.monotonic() - started,
                   course_before=course_before, course_after=course_digest(base))
    result.connections = _accepted(listener)
    listener.close()
    result.survivors = processes_named(ctx.fork_name)
    for path in sorted(ctx.results.glob("**/results.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        key = (document["extra_data"]["student"], document["extra_data"]["notebook"])
        result.documents[key], result.folders[key] = document, path.parent
    grades = ctx.results / "grades.csv"
    if grades.exists():
        with open(grades, newline="", encoding="utf-8") as handle:
            result.rows = list(csv.DictReader(handle))
    atexit.register(_clean_up, result)
    return result


def _clean_up(result: Batch) -> None:
    for pid in result.survivors + processes_named(result.ctx.fork_name):   # started by this test's corpus
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for sentinel in result.ctx.sentinels:        # the repo's and /tmp's, should the sandbox leak
        sentinel.unlink(missing_ok=True)


def student_text(document: dict, folder: Path) -> str:
    """Everything a student (or Gradescope) is shown: results.json, feedback.txt and feedback.html
    (its text unescaped, so an escaped secret still counts)."""
    shown = [json.dumps(document, ensure_ascii=False)]
    for name in ("feedback.txt", "feedback.html"):
        path = folder / name
        if path.exists():
            shown.append(html.unescape(path.read_text(encoding="utf-8")))
    return "\n".join(shown)


def instructor_text(document: dict, folder: Path) -> str:
    """What the instructor is shown: the student's files plus the hidden tests' messages."""
    instructor = folder / "instructor.json"
    return student_text(document, folder) + (instructor.read_text(encoding="utf-8") if instructor.exists() else "")


def describe(document: dict) -> str:
    extra = document.get("extra_data", {})
    failed = [f"{t['name']} ({t['output'][:120]!r})" for t in document.get("tests", []) if t["score"] < t["max_score"]]
    return (f"score {document.get('score')} / {document.get('max_score')}, status {extra.get('status')}, "
            f"notes {extra.get('notes')}\nfailed: " + "\n  ".join(failed))


# ---- one test per kind ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_kind(batch: Batch, kind: Kind):
    if kind.isolation:
        require_isolation(kind.name)
    document, folder = batch.result(kind)
    extra = document["extra_data"]
    shown = student_text(document, folder)
    assert extra["status"] == kind.status, describe(document)
    assert document["score"] == pytest.approx(kind.score()), describe(document)
    if kind.expected_max() is not None:
        assert document["max_score"] == pytest.approx(kind.expected_max()), describe(document)
    assert sum(t["score"] for t in document["tests"]) == pytest.approx(document["score"])
    if kind.note:
        assert kind.note.lower() in instructor_text(document, folder).lower(), describe(document)
    if batch.command[0].startswith("(as the non-root grader"):
        shown = shown.replace(NOT_BOUNDED, "(known without root: the working folder is on disk)")
    for secret in kind.absent:
        assert secret not in shown, f"{secret!r} reached the student's feedback"
    if "spec" in kind.extra:
        assert extra["spec"] == kind.extra["spec"]
    if kind.extra.get("only_notebook"):
        mine = sorted(notebook for student, notebook in batch.documents if student == kind.folder)
        assert mine == [kind.notebook], f"graded {mine}, expected only {kind.notebook}"


# ---- the batch as a whole ---------------------------------------------------------------------

def test_batch_finished_for_every_student(batch: Batch):
    assert batch.returncode == 0, batch.summary()
    students = {student for student, _ in batch.documents}
    expected = {k.folder for k in batch.kinds}
    assert expected <= students, f"missing: {sorted(expected - students)}"
    by_student = {}
    for row in batch.rows:
        by_student.setdefault(row["student"], []).append(row)
    for kind in batch.kinds:
        assert kind.folder in by_student, f"no grades.csv row for {kind.folder!r}"
    for (student, notebook), document in batch.documents.items():
        row = next((r for r in by_student.get(student, []) if r["notebook"] == notebook), None)
        assert row is not None, f"no grades.csv row for {student}/{notebook}"
        assert float(row["score"]) == pytest.approx(document["score"])
        assert row["status"] == document["extra_data"]["status"]


def test_no_hostile_kind_scored_above_expectation(batch: Batch):
    above = []
    for kind in batch.kinds:
        if kind.group != "hostile" or (kind.isolation and not bwrap_available()):
            continue
        document, _ = batch.result(kind)
        if document["score"] > kind.score():
            above.append(f"{kind.name}: {document['score']:g} > {kind.score():g}")
    assert not above, "hostile submissions gained points:\n" + "\n".join(above)


def test_full_marks_controls_keep_every_point(batch: Batch):
    for kind in batch.kinds:
        if kind.group == "control" and kind.score() == kind.expected_max():
            document, _ = batch.result(kind)
            assert document["score"] == document["max_score"] == kind.expected_max(), describe(document)


def test_no_hidden_code_reaches_students(batch: Batch):
    for (student, notebook), document in batch.documents.items():
        shown = student_text(document, batch.folders[(student, notebook)])
        for secret in HIDDEN_CODE:
            assert secret not in shown, f"hidden spec code {secret!r} in {student}/{notebook}'s feedback"


def test_student_files_stay_small(batch: Batch):
    for key, folder in batch.folders.items():
        for name in ("results.json", "feedback.txt", "feedback.html", "observations.json"):
            path = folder / name
            assert path.stat().st_size < MAX_STUDENT_FILE, f"{key}: {name} is {path.stat().st_size} bytes"


def test_nothing_written_outside_the_sandbox(batch: Batch):
    require_isolation("writing outside the working folder")
    written = [str(p) for p in batch.ctx.sentinels if p.exists()]
    assert not written, f"a submission wrote {written}"


def test_course_folder_untouched(batch: Batch):
    """The config, source notebook and gradebook beside the submissions, and the submissions
    themselves, are as they were; nothing was planted in the course's folders."""
    require_isolation("writing into the course folder")
    before, after = batch.course_before, batch.course_after
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"changed, added or removed: {changed}"
    planted = [str(p) for p in batch.ctx.course_sentinels if p.exists()]
    assert not planted, f"a submission wrote {planted}"


def test_host_files_survive_the_transfer_folder_trick(batch: Batch):
    require_isolation("the transfer-folder symlink")
    gone = [str(p) for p in batch.ctx.victims if not p.exists()]
    assert not gone, f"the grader deleted host files a submission pointed it to: {gone}"


def test_no_network_connection(batch: Batch):
    require_isolation("the network")
    assert not batch.connections, f"a submission connected to 127.0.0.1: {batch.connections}"


def test_no_process_outlives_the_batch(batch: Batch):
    assert not batch.survivors, f"{len(batch.survivors)} processes named {batch.ctx.fork_name!r} outlived the batch"


def test_every_student_present_once(batch: Batch):
    """One grades.csv row per (student, notebook), and one results folder per student: no two ids
    share a folder (a fold such as lee@kaist, lee#kaist -> lee_kaist lost one of them)."""
    pairs = [(row["student"], row["notebook"]) for row in batch.rows]
    assert len(pairs) == len(set(pairs)), sorted(p for p in pairs if pairs.count(p) > 1)
    folders: dict[Path, set[str]] = {}
    for (student, _), folder in batch.folders.items():
        folders.setdefault(folder.parent, set()).add(student)
    shared = {str(f.name): s for f, s in folders.items() if len(s) > 1}
    assert not shared, f"students sharing a results folder: {shared}"
    assert len(folders) == len({student for student, _ in batch.documents})
