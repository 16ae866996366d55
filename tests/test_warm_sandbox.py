"""The warm sandbox (grader/sandbox/warm.py, zygote.py): children forked from one warm parent
are as fresh and as isolated as cold ones.

In one process (one grading worker), a submission leaves behind everything it can: module
globals, a monkeypatched NumPy, a thread, child processes (one in its own session, one that
double-forked away), files in its working folder, ``/tmp``, ``/var/tmp`` and ``/dev/shm``, a
System V shared-memory segment, a POSIX message queue, an environment variable, a folder it
made unreadable. Then a full-marks submission is graded by a child forked from the same
parent: it keeps every point, and a probe in the same kind of child sees none of it. A
submission that stops or kills its parent costs that submission only: the next one is graded.
"""
from __future__ import annotations

import os
import signal
import time

import nbformat
import pytest

from grader.grading.sandboxed import grade_cells, runnable_cells
from grader.sandbox import warm
from grader.sandbox.launcher import Limits, bwrap_path
from grader.sandbox.session import SandboxedSubmission
from tests.hostile import ROOT

pytestmark = [pytest.mark.skipif(bwrap_path() is None and os.environ.get("GRADER_REQUIRE_BWRAP") != "1",
                                 reason="the warm sandbox needs bubblewrap"),
              pytest.mark.xdist_group("warm_sandbox")]

LIMITS = Limits(memory_mb=2048)
LEAKS = r'''
import ctypes, os, subprocess, threading, time
import numpy as np
import builtins

np.LEAKED = "numpy module global"
builtins.LEAKED = "builtins"
np.dot = lambda *args, **kwargs: 0.0            # every later dot product would be 0
os.environ["LEAKED"] = "environment"
threading.Thread(target=time.sleep, args=(3600,)).start()
subprocess.Popen(["sleep", "3600"], start_new_session=True)
if os.fork() == 0:                              # a daemon: double fork, its own session
    os.setsid()
    if os.fork() == 0:
        while True:
            with open("/tmp/leaked-by-daemon", "a") as f:
                f.write("x")
            time.sleep(0.01)
    os._exit(0)
for folder in (".", "/tmp", "/var/tmp", "/dev/shm"):
    with open(os.path.join(folder, "leaked.txt"), "w") as f:
        f.write("answers for the next student")
os.makedirs("locked/inner")
os.chmod("locked", 0)
libc = ctypes.CDLL(None, use_errno=True)
segment = libc.shmget(0x1eaced, 4096, 0o1666)   # IPC_CREAT | 0666
rt = ctypes.CDLL("librt.so.1", use_errno=True)
queue = rt.mq_open(b"/leaked", os.O_CREAT | os.O_RDWR, 0o666, None)
try:
    open("/dev/leaked", "w")
except OSError:
    pass
LEAK_MADE = {"segment": segment, "queue": queue}
'''
PROBE = r'''
import os, threading
import numpy as np
import builtins

def _scratch(folder):
    try:
        return sorted(n for n in os.listdir(folder) if "leaked" in n)
    except OSError as error:
        return [f"unreadable: {error}"]

SEEN = {
    "numpy global": hasattr(np, "LEAKED"),
    "builtins": hasattr(builtins, "LEAKED"),
    "dot": float(np.dot(np.ones(3), np.ones(3))),
    "environment": os.environ.get("LEAKED"),
    "threads": threading.active_count(),
    "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid(), os.getppid())),
    "workdir": sorted(os.listdir(".")),
    "scratch": {folder: _scratch(folder) for folder in ("/tmp", "/var/tmp", "/dev/shm", "/dev")},
    "sysv": open("/proc/sysvipc/shm").read().splitlines()[1:],
    "mqueue": sorted(os.listdir("/dev/mqueue")),
}
'''
CLEAN = {"numpy global": False, "builtins": False, "dot": 3.0, "environment": None, "threads": 1,
         "processes": [], "workdir": [".transfer"],
         "scratch": {"/tmp": [], "/var/tmp": [], "/dev/shm": [], "/dev": []}, "sysv": [], "mqueue": []}


def reference_cells() -> list[tuple[int, str]]:
    return runnable_cells(nbformat.read(ROOT / "source" / "week3" / "01_perceptron.ipynb", as_version=4))


@pytest.fixture
def parent():
    warm._parent.clear()
    started = warm.warm_up(LIMITS)
    assert started is not None, "no warm sandbox on a machine with bubblewrap"
    yield started
    for one in {started, *warm._parent}:
        one.stop()
    warm._parent.clear()


def probe() -> dict:
    with SandboxedSubmission([(1, PROBE)], LIMITS) as sub:
        assert isinstance(sub.child, warm.WarmChild), "the probe was not forked from the warm parent"
        return dict(sub.SEEN)


def full_marks() -> bool:
    graded = grade_cells("perceptron", reference_cells(), options(), observe_work=False)
    return graded.status == "graded" and all(r.passed for r in graded.results)


def options():
    from grader.grading.sandboxed import Options
    return Options(limits=LIMITS, test_timeout=20, cell_timeout=30, submission_timeout=120)


def test_nothing_a_submission_leaves_reaches_the_next(parent):
    assert parent.ready["threads"] == 1, "the parent must have one thread when it forks"
    assert probe() == CLEAN                         # a fresh parent's child sees a clean slate
    with SandboxedSubmission([(1, LEAKS)], LIMITS) as sub:
        assert isinstance(sub.child, warm.WarmChild)
        made = dict(sub.LEAK_MADE)
        assert made["segment"] >= 0 and made["queue"] >= 0, made     # the leaks were really made
        assert not sub.cell_outputs[1], sub.cell_outputs            # and the cell ran to its end
        time.sleep(0.1)                                             # the daemon writes in /tmp
    assert parent.alive()
    assert probe() == CLEAN
    assert full_marks()
    assert parent.alive() and warm._parent == [parent], "the same parent served every child"


def test_children_of_one_parent_get_their_own_uid_as_root(parent):
    if os.geteuid() != 0:
        pytest.skip("a uid per child is for a grader running as root")
    uids = []
    for _ in range(2):
        with SandboxedSubmission([(1, "import os\nUID = (os.getuid(), os.getgid(), os.getgroups())")], LIMITS) as sub:
            uids.append(tuple(sub.UID[:2]))
            assert list(sub.UID[2]) == []
    assert uids[0][0] != uids[1][0] and all(uid >= 1_000_000_000 for uid, _ in uids)
    with SandboxedSubmission([(1, "CAPS = [l for l in open('/proc/self/status') if l.startswith(('Cap', 'NoNew'))]")],
                             LIMITS) as sub:
        caps = {line.split(":")[0]: line.split(":")[1].strip() for line in sub.CAPS}
    assert caps == {"CapInh": "0" * 16, "CapPrm": "0" * 16, "CapEff": "0" * 16, "CapBnd": "0" * 16,
                    "CapAmb": "0" * 16, "NoNewPrivs": "1"}


@pytest.mark.parametrize("attack", ["os.kill(os.getppid(), signal.SIGKILL)", "os.kill(os.getppid(), signal.SIGSTOP)",
                                    "os.kill(1, signal.SIGKILL)", "os.kill(-1, signal.SIGKILL)"])
def test_a_child_that_attacks_its_parent_costs_only_its_own_submission(parent, attack):
    code = f"import os, signal\ntry:\n    {attack}\nexcept OSError:\n    pass\n"
    with SandboxedSubmission([(1, code)], LIMITS, deadline_seconds=60) as sub:
        assert isinstance(sub.child, warm.WarmChild)
    if os.geteuid() == 0:        # its own uid: it can signal neither the parent nor bwrap's init
        assert parent.alive()
    assert full_marks()          # forked again, or (the parent killed) cold, and a new parent after
    assert warm.warm_up(LIMITS).alive()
    assert probe() == CLEAN


def test_a_parent_killed_between_submissions_is_replaced(parent):
    os.killpg(parent.process.pid, signal.SIGKILL)
    parent.process.wait(timeout=10)
    assert full_marks()                      # a cold child for this one
    again = warm.warm_up(LIMITS)
    assert again is not parent and again.alive()
    assert probe() == CLEAN


AS_GRADER_ACCOUNT = r'''
import json
from grader.sandbox import warm
from grader.sandbox.session import SandboxedSubmission
from tests.test_warm_sandbox import LEAKS, LIMITS, full_marks, probe

parent = warm.warm_up(LIMITS)
seen = {"started": parent is not None}
with SandboxedSubmission([(1, LEAKS)], LIMITS) as sub:
    seen["forked"] = isinstance(sub.child, warm.WarmChild)
    seen["made"] = dict(sub.LEAK_MADE)
seen["probe"] = probe()
seen["full marks"] = full_marks()
seen["same parent"] = warm._parent == [parent] and parent.alive()
with SandboxedSubmission([(1, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")], LIMITS) as sub:
    seen["attack cell"] = sub.cell_outputs.get(1)     # the same uid as its parent: this one can kill it
try:
    parent.process.wait(timeout=10)              # bwrap ends with the parent it ran
except Exception:
    pass
seen["parent killed"] = not parent.alive()
seen["full marks after"] = full_marks()
again = warm.warm_up(LIMITS)
seen["restarted"] = again is not parent and again.alive()
seen["probe after"] = probe()
print("SEEN " + json.dumps(seen))
'''


def test_nothing_leaks_and_a_killed_parent_is_replaced_for_a_non_root_grader():
    """As a course's grader account (not root): bwrap's user namespace, every child the parent's uid."""
    from tests.helpers import grader_account, nonroot_missing, skip_for
    skip_for(nonroot_missing())
    with grader_account("grader-warm") as account:
        done = account.run("-c", AS_GRADER_ACCOUNT, cwd=ROOT, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("SEEN ")]
    assert lines, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    import json
    seen = json.loads(lines[-1][5:])
    assert seen["started"] and seen["forked"] and seen["made"]["segment"] >= 0 and seen["made"]["queue"] >= 0, seen
    assert seen["probe"] == CLEAN, seen
    assert seen["full marks"] and seen["same parent"], seen
    assert "PermissionError" not in json.dumps(seen["attack cell"]), seen["attack cell"]   # it did kill (or died trying)
    assert seen["parent killed"] and seen["full marks after"] and seen["restarted"], json.dumps(seen)
    assert seen["probe after"] == CLEAN, seen
