"""The hostile and broken corpus, graded by ``nbgrader autograde`` in one temporary course.

One module fixture makes a course from this repository's ``nbgrader_config.py`` and
``source/`` (so it tests whatever preprocessors the course's config picks for autograde),
releases week 3, writes every kind of :mod:`tests.hostile` under ``submitted/<student>/week3/``
and runs ONE ``nbgrader autograde week3 --create --force`` for the whole class with short
timeouts. Then, from the gradebook: each kind gets exactly the score ``grader grade`` gives it
(its expected score); no kind gains points; the batch went on after the broken ones; and
student code changed nothing it must not: the course's config, source notebooks and handed-in
files, the instructor's tables and other grades in ``gradebook.db``, files outside, the
network, processes left behind.

Isolation kinds need bubblewrap, as in :mod:`tests.test_hostile_corpus`.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.course.demo import gradebook_rows, make_course
from tests.helpers import built_once
from tests.hostile import ASSIGNMENT, KINDS, PERCEPTRON, ROOT, Context, Kind, build_corpus
from tests.test_hostile_corpus import _accepted, bwrap_available, isolation_required, processes_named, require_isolation

# A group of its own, apart from tests/test_hostile_corpus.py's "corpus" (the two batches are
# independent: their own folders, sockets, sentinels and fork-bomb process names), so that the
# two longest fixtures of the suite run on two workers at once.
pytestmark = [pytest.mark.xdist_group("corpus_nbgrader"), pytest.mark.slow]

# Kinds left out of the nbgrader run, with the reason. Everything else is graded by both paths.
EXCLUDED = {
    "symlink_to_source": "a symlink cannot reach submitted/: nbgrader submit/collect copy files (links followed "
                         "on the student's machine) and zip_collect extracts regular files",
    "symlink_to_passwd": "a symlink cannot reach submitted/ (see symlink_to_source)",
    "solutions_symlink": "a symlink cannot reach submitted/ (see symlink_to_source)",
}

# Kinds whose grader-grade note comes from a hidden check (feedback shows no details of those).
NOTE_FROM_HIDDEN_CHECK = {"infinite_loop_in_function"}

SECONDS = 5                     # per cell, per test
SUBMISSION_SECONDS = 60
MEMORY_MB = 1024
TIMEOUTS = [f"--ExecutePreprocessor.timeout={SECONDS}",          # nbgrader's own Execute
            f"--SandboxedExecute.cell_timeout={SECONDS}", f"--SandboxedExecute.test_timeout={SECONDS}",
            f"--SandboxedExecute.submission_timeout={SUBMISSION_SECONDS}",
            f"--SandboxedExecute.memory_mb={MEMORY_MB}"]
BATCH_TIMEOUT = 1200
# gradebook.db tables written by generate_assignment (the instructor's): autograde only reads them
INSTRUCTOR_TABLES = ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "source_cell",
                     "task_cells", "course")


# GRADER_HOSTILE_KINDS=name,name,... grades only those kinds (while working on one of them)
ONLY = set(filter(None, os.environ.get("GRADER_HOSTILE_KINDS", "").split(",")))
GRADED = [k for k in KINDS if k.name not in EXCLUDED and (not ONLY or k.name in ONLY)]


def nbgrader_kinds() -> list[Kind]:
    return [k for k in GRADED if not k.isolation or bwrap_available() or isolation_required()]


def executor() -> str:
    """Which execution the course's config uses for autograde (for messages)."""
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    return "SandboxedExecute" if any("SandboxedExecute" in step for step in config.Autograde.autograde_preprocessors) \
        else "nbgrader Execute"


def files_digest(course: Path) -> dict[str, str]:
    """sha256 of the course's config, source notebooks and handed-in files."""
    paths = [course / "nbgrader_config.py", *sorted((course / "source").rglob("*")),
             *sorted((course / "submitted").rglob("*"))]
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths if p.is_file() and not p.is_symlink()}


def tables_digest(database: Path) -> dict[str, str]:
    """sha256 of every row of the instructor's tables, and the names of all tables."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        names = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        digest = {"tables": ",".join(names)}
        for name in INSTRUCTOR_TABLES:
            rows = db.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall() if name in names else []
            digest[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digest


@dataclass(repr=False)
class Autograde:
    ctx: Context
    course: Path
    kinds: list[Kind]
    command: list[str]
    returncode: int
    output: str
    seconds: float
    scores: dict[str, tuple[str, str]] = field(default_factory=dict)    # student -> (score, max)
    files_before: dict[str, str] = field(default_factory=dict)
    files_after: dict[str, str] = field(default_factory=dict)
    tables_before: dict[str, str] = field(default_factory=dict)
    tables_after: dict[str, str] = field(default_factory=dict)
    manual: list[tuple] = field(default_factory=list)                   # grades with manual scores or extra credit
    connections: list[bytes] = field(default_factory=list)
    survivors: list[int] = field(default_factory=list)

    def summary(self, lines: int = 60) -> str:
        log = "\n".join(self.output.splitlines()[-lines:])
        return f"$ {' '.join(self.command)}\nexit {self.returncode} after {self.seconds:.0f} s ({executor()})\n{log}"

    def autograded(self, kind: Kind) -> Path:
        return self.course / "autograded" / kind.folder / ASSIGNMENT / f"{kind.notebook}.ipynb"

    def cell_outputs(self, kind: Kind) -> str:
        """The test cells' outputs in the autograded notebook (what feedback shows), or ''."""
        path = self.autograded(kind)
        if not path.exists():
            return ""
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return ""
        texts = []
        for cell in notebook.get("cells", []):
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                for output in cell.get("outputs", []):
                    texts.append(json.dumps(output, ensure_ascii=False))
        return "\n".join(texts)

    def describe(self, kind: Kind) -> str:
        score = self.scores.get(kind.folder, ("no gradebook entry", "-"))
        outputs = self.cell_outputs(kind)
        mentions = [line for line in self.output.splitlines() if kind.folder in line][-8:]
        return (f"{kind.name}: nbgrader {score[0]} / {score[1]}, expected {kind.score():g} ({executor()})\n"
                f"test cell outputs: {outputs[:1500]!r}\nlog:\n" + "\n".join(m[:300] for m in mentions))


def _gradebook_extras(database: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute("SELECT g.id, g.cell_id, sa.student_id, g.manual_score, g.extra_credit FROM grade g "
                          "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
                          "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
                          "WHERE g.manual_score IS NOT NULL OR COALESCE(g.extra_credit, 0) != 0").fetchall()


def nbgrader(*args: str, course: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, text=True, errors="replace",
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)


@pytest.fixture(scope="module")
def autograde(tmp_path_factory) -> Autograde:
    """The corpus graded by one `nbgrader autograde` (once per test process, see built_once)."""
    return built_once("hostile-nbgrader", lambda: _course_autograded(tmp_path_factory))


def _course_autograded(tmp_path_factory) -> Autograde:
    base = tmp_path_factory.mktemp("nbgrader-corpus")
    course = base / "course"
    make_course(course, notebooks=sorted({k.notebook[:2] for k in nbgrader_kinds()}))   # the kinds' notebooks
    released = nbgrader("generate_assignment", ASSIGNMENT, "--force", course=course, timeout=300)
    assert released.returncode == 0, released.stdout[-3000:]

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    ctx = Context(submissions=course / "submitted", results=base / "results", outside=base / "outside",
                  token=uuid.uuid4().hex[:12], port=listener.getsockname()[1], course=course)
    ctx.results.mkdir()
    kinds = nbgrader_kinds()
    try:
        return _autograde(ctx, course, kinds, listener)
    finally:
        listener.close()
        atexit.register(_clean_up, ctx)


def _clean_up(ctx: Context) -> None:
    for pid in processes_named(ctx.fork_name):      # started by this test's corpus
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for sentinel in ctx.sentinels:        # the repo's and /tmp's, should a kernel leak
        sentinel.unlink(missing_ok=True)


def _autograde(ctx: Context, course: Path, kinds: list[Kind], listener: socket.socket) -> Autograde:
    build_corpus(ctx, kinds)
    files_before, tables_before = files_digest(course), tables_digest(course / "gradebook.db")

    command = ["nbgrader", "autograde", ASSIGNMENT, "--create", "--force", *TIMEOUTS]
    started = time.monotonic()
    try:
        done = nbgrader(*command[1:], course=course, timeout=BATCH_TIMEOUT)
        returncode, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as expired:
        returncode = -1
        output = (expired.stdout or b"").decode("utf-8", "replace") if isinstance(expired.stdout, bytes) \
            else str(expired.stdout or "")
        output += f"\nautograde did not finish in {BATCH_TIMEOUT} s"
    result = Autograde(ctx, course, kinds, command, returncode, output, time.monotonic() - started,
                       files_before=files_before, tables_before=tables_before)
    result.connections = _accepted(listener)
    result.survivors = processes_named(ctx.fork_name)
    result.files_after = files_digest(course)
    result.tables_after = tables_digest(course / "gradebook.db")
    result.manual = _gradebook_extras(course / "gradebook.db")
    notebook_of = {k.folder: k.notebook for k in kinds}
    for student, notebook, score, possible in gradebook_rows(course):
        if notebook == notebook_of.get(student, PERCEPTRON):
            result.scores[student] = (score, possible)
    print(f"\nnbgrader autograde ({executor()}): {len(kinds)} students in {result.seconds:.0f} s, exit {returncode}")
    for kind in kinds:
        score = result.scores.get(kind.folder, ("not graded",))[0]
        flag = "" if score == f"{kind.score():g}" or (kind.status != "graded" and score in ("0", "not graded")) \
            else "  <-- differs"
        print(f"  {kind.name:<32} {score:>10} expected {kind.score():g}{flag}")
    return result


# ---- one test per kind ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", GRADED, ids=[k.name for k in GRADED])
def test_kind_scores_as_grader_grade(autograde: Autograde, kind: Kind):
    """nbgrader's score is the kind's expected score, which is also what ``grader grade`` gives."""
    if kind.isolation:
        require_isolation(kind.name)
    if kind.status != "graded":              # not a notebook nbgrader can grade: 0 or no entry
        score = autograde.scores.get(kind.folder, ("not graded", "-"))[0]
        assert score in ("not graded", "0"), autograde.describe(kind)
        return
    assert kind.folder in autograde.scores, autograde.describe(kind)
    score, possible = autograde.scores[kind.folder]
    assert score != "not graded", autograde.describe(kind)
    assert float(score) == pytest.approx(kind.score()), autograde.describe(kind)
    assert float(possible) == pytest.approx(kind.expected_max()), autograde.describe(kind)


@pytest.mark.parametrize("kind", [k for k in GRADED if k.absent], ids=[k.name for k in GRADED if k.absent])
def test_secrets_stay_out_of_the_autograded_notebook(autograde: Autograde, kind: Kind):
    """What generate_feedback shows (the autograded notebook) holds none of the kind's secrets."""
    if kind.isolation:
        require_isolation(kind.name)
    path = autograde.autograded(kind)
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    for secret in kind.absent:
        assert secret not in text, f"{secret!r} is in {path}"


NOTED = [k for k in GRADED if k.note and k.status == "graded" and k.name not in NOTE_FROM_HIDDEN_CHECK]


@pytest.mark.parametrize("kind", NOTED, ids=[k.name for k in NOTED])
def test_what_went_wrong_is_in_the_autograded_notebook(autograde: Autograde, kind: Kind):
    """The problem ``grader grade`` notes (a hung or crashed cell, an exception) is said in the
    autograded notebook's outputs, which the instructor and the feedback show."""
    if kind.isolation:
        require_isolation(kind.name)
    path = autograde.autograded(kind)
    assert path.exists(), autograde.describe(kind)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    outputs = json.dumps([c.get("outputs", []) for c in notebook["cells"]], ensure_ascii=False)
    assert kind.note.lower() in outputs.lower(), autograde.describe(kind)


# ---- the batch as a whole ---------------------------------------------------------------------

def test_no_kind_gains_points(autograde: Autograde):
    above = []
    for kind in autograde.kinds:
        score = autograde.scores.get(kind.folder, ("not graded",))[0]
        if score != "not graded" and float(score) > kind.score() + 1e-9:
            above.append(f"{kind.name}: {float(score):g} > {kind.score():g}")
    assert not above, f"submissions gained points under {executor()}:\n" + "\n".join(above)


def test_batch_went_on_for_every_gradable_student(autograde: Autograde):
    assert autograde.returncode != -1, autograde.summary()
    missing = [k.name for k in autograde.kinds if k.status == "graded"
               and autograde.scores.get(k.folder, ("not graded",))[0] == "not graded"]
    assert not missing, f"no gradebook entry for {missing}\n{autograde.summary()}"


def test_full_marks_controls_keep_every_point(autograde: Autograde):
    for kind in autograde.kinds:
        if kind.group == "control" and kind.score() == kind.expected_max():
            assert autograde.scores.get(kind.folder, ("-",))[0] == f"{kind.score():g}", autograde.describe(kind)


def test_course_files_unchanged(autograde: Autograde):
    """The course's nbgrader_config.py, source/ and submitted/ are as they were before autograde."""
    require_isolation("writing into the course folder")
    before, after = autograde.files_before, autograde.files_after
    changed = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    assert not (changed or added or removed), f"changed {changed}, added {added}, removed {removed}"
    planted = [str(p) for p in autograde.ctx.course_sentinels if p.exists()]
    assert not planted, f"student code wrote {planted}"


def test_gradebook_written_only_by_nbgrader(autograde: Autograde):
    """No new tables, the instructor's tables unchanged, no manual score or extra credit."""
    require_isolation("writing into gradebook.db")
    assert autograde.tables_after == autograde.tables_before
    assert not autograde.manual, f"grades with manual scores or extra credit: {autograde.manual}"


def test_nothing_written_outside(autograde: Autograde):
    require_isolation("writing outside the working folder")
    written = [str(p) for p in autograde.ctx.sentinels if p.exists()]
    assert not written, f"a submission wrote {written}"


def test_host_files_survive_the_transfer_folder_trick(autograde: Autograde):
    require_isolation("the transfer-folder symlink")
    if "transfer_symlink_escape" not in {k.name for k in autograde.kinds}:
        pytest.skip("transfer_symlink_escape is not in this run")
    gone = [str(p) for p in autograde.ctx.victims if not p.exists()]
    assert not gone, f"host files deleted: {gone}"


def test_no_network_connection(autograde: Autograde):
    require_isolation("the network")
    assert not autograde.connections, f"a submission connected to 127.0.0.1: {autograde.connections}"


def test_no_process_outlives_the_batch(autograde: Autograde):
    assert not autograde.survivors, f"{len(autograde.survivors)} processes named {autograde.ctx.fork_name!r} outlived autograde"


STRAY = [k for k in GRADED if k.extra.get("csv_note") and k.status == "graded"]


@pytest.mark.parametrize("kind", STRAY, ids=[k.name for k in STRAY])
def test_stray_copies_are_reported(autograde: Autograde, kind: Kind):
    """A copy nbgrader does not grade (``week3/old/...``, beside ``week3/``) is named in one line of
    the autograde log, as ``grader grade`` names it in grades.csv's notes: the two paths agree."""
    lines = [line for line in autograde.output.splitlines()
             if kind.folder in line and "not graded" in line and kind.extra["csv_note"] in line]
    assert len(lines) == 1, autograde.describe(kind)
