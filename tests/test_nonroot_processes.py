"""A non-root grader's process limit holds per sandbox, whatever else the grader account runs.

On a course server the instructor grades as themself, and their account also runs a Jupyter
server, kernels and other sandboxes. bwrap's user namespace makes the kernel (Linux >= 5.14)
count each sandbox's tasks on their own: this test starts 300 idle processes as the grader
account (more than a sandbox's 256), then grades, as that account, a full-marks notebook whose
``step`` cell starts a thread and a process (which fails when the limit counts the account's
300) beside a fork bomb. Full marks are kept, the bomb gets nothing and stops, and the
account's own processes are untouched.
"""
from __future__ import annotations

import atexit
import json
import subprocess
import uuid
from pathlib import Path

import pytest

from grader.sandbox.launcher import processes_counted_per_sandbox
from grader.server.accounts import ids
from tests.helpers import built_once, give_to, open_folder, skip_for
from tests.hostile import BY_NAME, Context, Kind, _appended, build_corpus, full, total, zero

pytestmark = [pytest.mark.xdist_group("privilege"), pytest.mark.slow]

IDLE = 300
# After step's definition: step exists only if a thread and a process could be started.
THREAD_AND_PROCESS = """
import subprocess, threading
try:
    _ran = []
    _thread = threading.Thread(target=lambda: _ran.append(1))
    _thread.start()
    _thread.join()
    assert _ran and subprocess.run(["true"]).returncode == 0
except Exception:
    del step
"""
KINDS = [Kind("starts_a_thread_and_a_process", "robust", "full marks; step's cell starts a thread and a process",
              _appended(full, step=THREAD_AND_PROCESS), lambda: total("perceptron")),
         BY_NAME["fork_bomb"]]


def _run() -> dict:
    from tests.course_server import make_server
    account = make_server(("nobody-here",), course_id="nproc", whole=False)
    user = account.course.owner
    base = open_folder("grader-nproc-")
    atexit.register(subprocess.run, ["rm", "-rf", "--one-file-system", str(base)], capture_output=True)
    ctx = Context(submissions=base / "submitted", results=base / "results", outside=base / "outside",
                  token=uuid.uuid4().hex[:12], port=1, course=base)
    build_corpus(ctx, KINDS)
    uid, gid = ids(user)
    give_to(base, uid, gid)
    idle = subprocess.Popen(["runuser", "-u", user, "--", "sh", "-c", f"for i in $(seq {IDLE}); do sleep 600 & done; wait"])
    atexit.register(subprocess.run, ["pkill", "-KILL", "-u", user], capture_output=True)
    for _ in range(100):
        if _tasks_of(uid) >= IDLE:
            break
        subprocess.run(["sleep", "0.1"])
    before = _tasks_of(uid)
    done = account.as_user(user, str(account.course.venv / "bin" / "grader"), "grade", str(ctx.submissions),
                           "--out", str(ctx.results), "--workers", "2", "--timeout", "10", "--cell-timeout", "10",
                           "--submission-timeout", "90", "--no-progress", cwd=base, home=base, check=False)
    after = _tasks_of(uid)
    idle.kill()
    scores = {}
    for path in ctx.results.glob("**/results.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        scores[document["extra_data"]["student"]] = document["score"]
    return {"scores": scores, "before": before, "after": after, "output": done.stdout[-2000:] + done.stderr[-2000:]}


def _tasks_of(uid: int) -> int:
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("Uid", "").split()[:1] == [str(uid)]:
            count += int(fields.get("Threads", "1"))
    return count


@pytest.fixture(scope="module")
def graded():
    from tests.course_server import can_run
    skip_for(can_run())
    if not processes_counted_per_sandbox():
        pytest.skip("this kernel counts RLIMIT_NPROC per account (Linux < 5.14): the README says so")
    return built_once("nonroot-processes", _run)


def test_the_grader_account_had_more_tasks_than_a_sandbox_may(graded):
    assert graded["before"] >= IDLE > 256, graded


def test_a_sandbox_may_start_threads_and_processes_whatever_the_account_runs(graded):
    assert graded["scores"].get("starts_a_thread_and_a_process") == pytest.approx(total("perceptron")), graded["output"]


def test_the_fork_bomb_gets_nothing_and_the_account_keeps_its_processes(graded):
    assert graded["scores"].get("fork_bomb") == pytest.approx(zero()), graded["output"]
    assert graded["after"] >= IDLE, "the grader account's own processes were touched"
