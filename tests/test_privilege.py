"""No privilege inside the sandbox, and nothing of the grader's environment changed by student code.

The privilege kinds (:mod:`tests.hostile.privilege`) with two controls are graded in one batch
by ``grader grade`` and in one course by ``nbgrader autograde``. Around them, the grader's
Python environment is hashed (the listing of every package folder, every ``.pth`` file, the
interpreter's files the kinds try to change, the ``grader`` and ``solutions`` packages) and a
host canary file too; after both, a clean ``grader grade`` of an untouched and a full-marks
notebook shows nothing changed: their scores are exact, no planted startup file ran, and the
hashes are those of before. A host process (the canary of ``priv_signal_ptrace_outside``)
must be alive, not stopped and not traced.

Run as root, this is the case the issue is about (a root grader); the kinds run as a
non-root grader in :mod:`tests.test_privilege_nonroot`.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.sandbox.view import package_folders
from tests.helpers import built_once
from tests.hostile import ASSIGNMENT, BY_NAME, PERCEPTRON, ROOT, Context, build_corpus, privilege
from tests.test_hostile_corpus import GRADE_OPTIONS, GRADER, require_isolation

pytestmark = [pytest.mark.xdist_group("privilege"), pytest.mark.slow]

KINDS = [*privilege.kinds(), BY_NAME["control_fullmarks"], BY_NAME["control_untouched"]]
TIMEOUT = 900


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return f"unreadable: {error.strerror}"


def _stat(path: Path) -> str:
    try:
        info = os.stat(path)
    except OSError as error:
        return f"missing: {error.strerror}"
    return f"mode {info.st_mode:o} uid {info.st_uid} gid {info.st_gid} mtime {info.st_mtime_ns} size {info.st_size}"


def environment_digest(canary: Path) -> dict[str, str]:
    """What student code must never change: each package folder's listing and ``.pth`` files,
    the interpreter's folders and files the kinds touch, the course's packages, a canary."""
    import numpy
    import grader
    digest = {"canary": _digest(canary) + " " + _stat(canary)}
    interpreter = [Path(sys.prefix), Path(sys.base_prefix), Path(os.__file__).parent, Path(sys.executable).parent]
    for folder in [*map(Path, package_folders()), *interpreter]:
        names = sorted(p.name for p in folder.iterdir() if p.name != "__pycache__")
        digest[f"listing {folder}"] = hashlib.sha256("\n".join(names).encode()).hexdigest()
        for pth in folder.glob("*.pth"):
            digest[f"pth {pth}"] = _digest(pth)
    for path in (Path(numpy.__file__), Path(os.__file__), Path(os.path.realpath(sys.executable))):
        digest[f"stat {path}"] = _stat(path)
    for package in (Path(grader.__file__).parent, ROOT / "solutions"):
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest[f"file {path}"] = _digest(path) + " " + _stat(path)
    return digest


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass
class Run:
    base: Path
    ctx: Context
    before: dict[str, str]
    scores: dict[str, dict[str, float]] = field(default_factory=dict)   # path -> student -> score
    outputs: dict[str, str] = field(default_factory=dict)
    after: dict[str, dict[str, str]] = field(default_factory=dict)      # after each path
    clean: dict[str, float] = field(default_factory=dict)


def _grader_grade(submissions: Path, results: Path) -> tuple[dict[str, float], str]:
    import json
    done = subprocess.run([str(GRADER), "grade", str(submissions), "--out", str(results), *GRADE_OPTIONS],
                          capture_output=True, text=True, timeout=TIMEOUT)
    scores = {}
    for path in results.glob("**/results.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        scores[document["extra_data"]["student"]] = document["score"]
    shown = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in results.glob("**/*")
                      if p.is_file() and p.suffix in (".json", ".txt", ".html"))
    return scores, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}\n{shown}"


def _nbgrader_autograde(ctx: Context, base: Path) -> tuple[dict[str, float], str]:
    from grader.course.demo import gradebook_rows, make_course
    from tests.test_hostile_nbgrader import TIMEOUTS, nbgrader
    course = base / "course"
    make_course(course, notebooks=[PERCEPTRON[:2]])
    released = nbgrader("generate_assignment", ASSIGNMENT, "--force", course=course, timeout=300)
    assert released.returncode == 0, released.stdout[-3000:]
    build_corpus(Context(submissions=course / "submitted", results=ctx.results, outside=ctx.outside,
                         token=ctx.token, port=ctx.port, course=course), KINDS)
    done = nbgrader("autograde", ASSIGNMENT, "--create", "--force", *TIMEOUTS, course=course, timeout=TIMEOUT)
    scores = {student: float(score) for student, notebook, score, _ in gradebook_rows(course) if notebook == PERCEPTRON}
    shown = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in (course / "autograded").rglob("*.ipynb"))
    return scores, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{shown}"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return built_once("privilege-run", lambda: _run(tmp_path_factory.mktemp("privilege")))


def _run(base: Path) -> Run:
    ctx = Context(submissions=base / "submitted", results=base / "results", outside=base / "outside",
                  token=uuid.uuid4().hex[:12], port=0, course=base)
    ctx.outside.mkdir(parents=True)
    canary = ctx.outside / "canary.txt"
    canary.write_text("the host's file\n")
    result = Run(base, ctx, environment_digest(canary))
    atexit.register(_clean_up, ctx)
    build_corpus(ctx, KINDS)
    result.scores["grader grade"], result.outputs["grader grade"] = _grader_grade(ctx.submissions, ctx.results)
    result.after["grader grade"] = environment_digest(canary)
    result.scores["nbgrader"], result.outputs["nbgrader"] = _nbgrader_autograde(ctx, base / "nbgrader")
    result.after["nbgrader"] = environment_digest(canary)
    clean = base / "clean"
    build_corpus(Context(submissions=clean / "submitted", results=clean / "results", outside=ctx.outside,
                         token=ctx.token, port=0), [BY_NAME["control_fullmarks"], BY_NAME["control_untouched"]])
    result.clean, result.outputs["clean"] = _grader_grade(clean / "submitted", clean / "results")
    result.after["clean run"] = environment_digest(canary)
    return result


def _canaries(ctx: Context) -> list[int]:
    return [int(p.read_text()) for p in ctx.outside.glob("canary-*.pid")]


def _clean_up(ctx: Context) -> None:
    """Kill the canaries; remove what a kind planted, should the sandbox have let it."""
    for pid in _canaries(ctx):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    import numpy
    folders = {*package_folders(), sys.prefix, sys.base_prefix, os.path.dirname(os.__file__),
               os.path.dirname(numpy.__file__), str(ROOT), str(ROOT / "grader"), os.path.dirname(sys.executable)}
    for folder in folders:
        for name in (f"hostile-{ctx.token}.pth", f"hostile-{ctx.token}"):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


PATHS = ("grader grade", "nbgrader")


@pytest.mark.parametrize("path", PATHS)
def test_no_kind_gains_points(run: Run, path: str):
    require_isolation("privilege")
    scores = run.scores[path]
    for kind in KINDS:
        assert kind.folder in scores, f"{kind.name} not graded by {path}:\n{run.outputs[path][:3000]}"
        assert scores[kind.folder] == pytest.approx(kind.score()), f"{kind.name} under {path}: {scores[kind.folder]}"


@pytest.mark.parametrize("path", PATHS)
def test_nothing_worked_inside(run: Run, path: str):
    """No kind's cell reports a privileged operation that worked."""
    require_isolation("privilege")
    text = run.outputs[path]
    at = text.find(privilege.WORKED)
    assert at < 0, text[max(0, at - 300):at + 700]


@pytest.mark.parametrize("path", [*PATHS, "clean run"])
def test_environment_and_canary_unchanged(run: Run, path: str):
    require_isolation("privilege")
    assert not changed(run.before, run.after[path]), f"changed after {path}: {changed(run.before, run.after[path])}"


def test_no_planted_startup_file_ran(run: Run):
    require_isolation("privilege")
    ran = list(run.ctx.outside.glob("pth-ran-*"))
    assert not ran, f"a .pth planted by student code ran in {len(ran)} processes' start"


def test_a_clean_run_after_grades_as_before(run: Run):
    require_isolation("privilege")
    assert run.clean.get("control_untouched") == 0, run.outputs["clean"][:3000]
    assert run.clean.get("control_fullmarks") == pytest.approx(BY_NAME["control_fullmarks"].score())


def test_the_host_process_was_not_killed_stopped_or_traced(run: Run):
    require_isolation("privilege")
    pids = _canaries(run.ctx)
    assert len(pids) == 2, "one canary per path"
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        assert fields["State"].strip()[0] in "SR", f"canary {pid}: {fields['State']}"
        assert fields["TracerPid"].strip() == "0", f"canary {pid} traced by {fields['TracerPid']}"
