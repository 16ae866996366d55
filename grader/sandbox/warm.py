"""A warm sandbox: one parent per grading worker, inside bubblewrap, that forks each child.

A cold child (:class:`grader.sandbox.launcher.Launched`) pays for a bubblewrap start, a new
Python, NumPy and Matplotlib on every submission (about 0.6 s of a perceptron notebook's 0.9 s).
A :class:`WarmParent` pays once per worker: it is started with the same view, namespaces,
scrubbed environment, tmpfs sizes and pids cgroup as a cold child, imports what every notebook
starts with, and forks (:mod:`grader.sandbox.zygote`) a child per request in a few
milliseconds. Each child is as isolated as a cold one (its own uid as root, no capability,
the same rlimits, set before any student code) and as fresh: on ``stop`` the parent kills the
whole namespace but itself and sweeps every writable place.

:func:`warm_up` (called by the grading worker, :func:`grader.grading.clock.warm`) starts or
restarts the parent; :func:`launch` gives a :class:`WarmChild` (the interface of ``Launched``)
when a parent with the same limits and data is idle, else a cold ``Launched``. A parent that
does not answer in time is killed; the submission falls back to a cold child and the worker
starts a new parent before the next one.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

from grader.sandbox.launcher import (CHILD_CODE, PASSED_ENV, Launched, Limits, SandboxProcess, bwrap_path,
                                     child_limits, child_uid, close_quietly)
from grader.sandbox.view import HIDDEN_PATHS, HIDE_ENV

STARTUP_SECONDS = 60.0
ANSWER_SECONDS = 10.0          # a fork, or a stop and sweep: milliseconds when the parent is well
COLD_ENV = "GRADER_COLD_SANDBOX"   # "1": never warm (every child a new bubblewrap and Python)


def signature(limits: Limits) -> tuple:
    """What a parent's view and limits depend on: a child may be forked from it only when equal."""
    return (limits, tuple(os.environ.get(name) for name in PASSED_ENV), tuple(HIDDEN_PATHS),
            os.environ.get(HIDE_ENV), os.geteuid())


class WarmParent(SandboxProcess):
    """The zygote process and the folders it shares with its children (one child at a time)."""

    def __init__(self, limits: Limits):
        self.as_root = os.geteuid() == 0 and shutil.which("setpriv") is not None
        self._make_folders(limits, tmpfs=self.as_root, processes=limits.processes + 2)   # + itself and bwrap's init
        self.busy = False
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = self._in_sandbox(bwrap_path(), 0 if self.as_root else None,
                                   [sys.executable, "-E", "-s", f"{CHILD_CODE}/child.py", "--warm",
                                    str(theirs.fileno()), self.workdir])
        self.signature = signature(limits)      # after the view was made: making it hides held-out data
        self._start(command, (theirs.fileno(),))
        self.owner = os.getpid()
        theirs.close()
        self.ready = _answer(self.control, STARTUP_SECONDS) or {}
        if not self.ready.get("ready"):
            self.stop()
            raise RuntimeError("the warm sandbox did not start")

    def fork(self, output) -> "WarmChild | None":
        """A child forked for one submission, or None (the parent is then killed: start cold)."""
        uid = child_uid() if self.as_root else None
        xfer = os.path.join(self.workdir, ".transfer")
        try:
            os.mkdir(xfer)
        except OSError:
            self.kill()          # the last sweep did not happen: this parent is not to be trusted
            return None
        if uid is not None:
            os.chown(self.workdir, uid, uid)
            os.chown(xfer, uid, uid)
        to_child_r, to_child = os.pipe()
        from_child, from_child_w = os.pipe()
        lifeline, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        request = {"uid": uid, "limits": child_limits(self.limits), "xfer": xfer}
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()],
                            [to_child_r, from_child_w, output.fileno(), theirs.fileno()])
            started = (_answer(lifeline, ANSWER_SECONDS) or {}).get("started")
        except OSError:
            started = False
        finally:
            for fd in (to_child_r, from_child_w):
                os.close(fd)
            theirs.close()
        if not started:
            for fd in (to_child, from_child):
                os.close(fd)
            lifeline.close()
            self.kill()
            return None
        self.busy = True
        return WarmChild(self, uid, xfer, to_child, from_child, lifeline, output)

    def kill(self) -> None:
        """End the parent and its namespace (its children with it); the worker starts a new one."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        self.group.kill_all()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the parent and remove its folders (in the process that started it)."""
        self.control.close()
        self._tear_down()


class _Exit:
    """``Launched.process`` for a forked child: its exit code, as the parent reports it."""

    def __init__(self, child: "WarmChild"):
        self.child = child

    def wait(self, timeout: float | None = None):
        """The child's exit code (negative: the signal that ended it), as ``Popen.wait`` gives it."""
        child = self.child
        if child.code is None and child.lifeline is not None:
            said = _answer(child.lifeline, timeout if timeout is not None else ANSWER_SECONDS)
            if said is None:
                raise subprocess.TimeoutExpired("sandbox", timeout)
            child.code = said.get("exit", -signal.SIGKILL)     # the parent gone: its namespace was killed
        return child.code


class WarmChild:
    """A child forked by a :class:`WarmParent`, with the attributes and methods of ``Launched``."""

    isolated = True

    def __init__(self, parent: WarmParent, uid, xfer, to_child, from_child, lifeline, output):
        self.parent, self.uid, self.xfer = parent, uid, xfer
        self.limits, self.workdir, self.inputs, self.codedir = parent.limits, parent.workdir, parent.inputs, parent.codedir
        self.env = parent.env
        self.to_child, self.from_child, self.lifeline, self.output = to_child, from_child, lifeline, output
        self.code = None
        self.process = _Exit(self)

    hand_over = Launched.hand_over
    output_tail = SandboxProcess.output_tail

    def stop(self) -> None:
        """Ask the parent to end the child and sweep; a parent that does not answer is killed."""
        close_quietly(self.to_child, self.from_child)
        if self.lifeline is not None:
            try:
                self.lifeline.send(b'{"stop": true}')
                while True:
                    said = _answer(self.lifeline, ANSWER_SECONDS) or {}
                    if not said or said.get("stopped"):
                        break
                    self.code = said.get("exit", self.code)
            except OSError:
                said = {}
            if not said.get("stopped"):
                self.parent.kill()
            elif self.code is None:
                self.code = said.get("exit")
            self.lifeline.close()
            self.lifeline = None
        for entry in os.listdir(self.inputs):     # what the specs handed this child: the grader's own files
            shutil.rmtree(os.path.join(self.inputs, entry), ignore_errors=True)   # (read-only to the child)
        self.output.close()
        self.parent.busy = False


def _answer(sock: socket.socket, seconds: float) -> dict | None:
    """One message from ``sock`` within ``seconds``: None on silence, {} on its end or nonsense."""
    sock.settimeout(max(seconds, 0.001))
    try:
        data = sock.recv(65536)
        return json.loads(data) if data else {}
    except socket.timeout:
        return None
    except (OSError, ValueError):
        return {}
    finally:
        sock.settimeout(None)


_parent: list[WarmParent] = []


def warm_up(limits: Limits) -> WarmParent | None:
    """The worker's parent for ``limits``, started (or restarted) when needed; None when a warm
    sandbox cannot be had here (no bwrap, or turned off by ``GRADER_COLD_SANDBOX=1``)."""
    if os.environ.get(COLD_ENV) == "1" or bwrap_path() is None:
        return None
    if _parent:
        parent = _parent[0]
        if parent.owner == os.getpid() and parent.alive() and parent.signature == signature(limits):
            return parent
        _parent.clear()
        if parent.owner == os.getpid():
            parent.stop()
    try:
        _parent.append(WarmParent(limits))
    except (OSError, RuntimeError):
        return None
    return _parent[0]


def launch(limits: Limits):
    """A child for one submission: forked from the idle warm parent with the same limits and
    data when there is one, else a cold :class:`Launched`."""
    parent = _parent[0] if _parent else None
    if parent is not None and not parent.busy and parent.signature == signature(limits):
        output = tempfile.TemporaryFile(prefix="grader-output-")
        child = parent.fork(output)
        if child is not None:
            return child
        output.close()
    return Launched(limits)


@atexit.register
def _stop_parent() -> None:
    if _parent and _parent[0].owner == os.getpid():
        _parent.pop().stop()
