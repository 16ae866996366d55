"""The warm parent: one process per grading worker, inside the sandbox, that forks each
submission's child.

Started by :mod:`grader.sandbox.warm` as ``python child.py --warm CONTROL_FD WORKDIR`` in the same
bubblewrap view, namespaces, scrubbed environment and pids cgroup as a cold child. It imports
what every notebook starts with (NumPy, Matplotlib, the student-side ``grader`` package), then
waits on its control socket. A request carries the child's pipes, its output file and a
*lifeline* socket (as SCM_RIGHTS descriptors) and, when grading as root, the uid the child runs
as. The forked child closes everything else, drops to that uid (no group, no capability, no
new privileges), reseeds NumPy and serves the grader exactly as a cold child does
(``child.serve``, which sets the resource limits first).

The parent never runs student code. When the grader says ``stop`` on the lifeline (or its end
closes), the parent kills every process of the sandbox's pid namespace but bwrap's init and
itself, and sweeps what a submission could leave behind: everything in the working folder,
what is new in ``/tmp``, ``/var/tmp``, ``/dev/shm`` and ``/dev/mqueue``, and System V IPC objects.
``/dev`` and ``/`` are read-only in the view, and everything else a child can reach dies with
its processes (module state, threads, environment, signal handlers). Then it answers, and the
next request gets a child as fresh as a cold one.

Like ``child.py`` it never imports the grader's trusted side.
"""
from __future__ import annotations

import ctypes
import gc
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue")
PRELOADED = ("numpy", "matplotlib", "matplotlib.pyplot", "grader", "protocol")
PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAPABILITY_VERSION_3 = 0x20080522
STATUS_ZERO = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")

_libc = ctypes.CDLL(None, use_errno=True)


def run_warm_parent(control_fd: int, workdir: str, serve) -> None:
    """Preload, report ready, then fork one child per request until the control socket closes."""
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)    # a child of the same uid can neither trace nor read it
    control = socket.socket(fileno=control_fd)
    for name in PRELOADED:
        try:
            __import__(name)
        except Exception:      # noqa: BLE001  (a missing package: the child imports what it can)
            pass
    try:
        import numpy as np
        np.random.seed()        # its first call imports what seeding from entropy needs (30 ms in each child)
    except ImportError:
        pass
    before = {folder: set(_entries(folder)) for folder in SCRATCH}
    _sweep(workdir, before)
    gc.collect()
    gc.freeze()         # the children's collections skip what is here: fewer pages copied on write
    control.send(json.dumps({"ready": True, "threads": len(os.listdir("/proc/self/task"))}).encode())
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 8)
        except OSError:
            return
        if not message:
            return                                  # the worker is gone
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            continue
        _one_child(json.loads(message), fds, workdir, serve, lambda: _sweep(workdir, before))


def _one_child(request: dict, fds: list[int], workdir: str, serve, sweep) -> None:
    to_child_r, from_child_w, output, lifeline_fd = fds
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            _become_child(request, to_child_r, from_child_w, output, workdir)
            sys.argv = [sys.argv[0], str(to_child_r), str(from_child_w), str(request["xfer"]),
                        json.dumps(request["limits"])]          # what a cold child is started with
            serve(to_child_r, from_child_w, str(request["xfer"]), request["limits"])
        except BaseException:   # noqa: BLE001
            pass
        finally:
            os._exit(code)
    for fd in (to_child_r, from_child_w, output):
        os.close(fd)
    lifeline = socket.socket(fileno=lifeline_fd)
    try:
        _send(lifeline, {"started": True})
        _supervise(pid, lifeline, sweep)
    finally:
        lifeline.close()


def _become_child(request: dict, to_child_r: int, from_child_w: int, output: int, workdir: str) -> None:
    """In the forked child: its own session, only its own descriptors, its uid, a fresh seed."""
    os.setsid()
    os.dup2(output, 1)
    os.dup2(output, 2)
    keep = {0, 1, 2, to_child_r, from_child_w}
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    os.chdir(workdir)
    uid = request.get("uid")
    if uid is not None:
        _drop_to(int(uid))
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if not _unprivileged():
        raise SystemExit("the child kept a capability")
    import numpy as np
    np.random.seed()            # the parent's NumPy state is every child's: give each its own, as a new process has


def _drop_to(uid: int) -> None:
    """What ``setpriv --reuid --regid --clear-groups --inh-caps=-all --bounding-set=-all`` does."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()              # effective, permitted, inheritable: all empty
    if _libc.capset(header, data) != 0:
        raise SystemExit("capset failed")
    if os.getuid() != uid or os.getgid() != uid or os.getgroups():
        raise SystemExit("the uid was not dropped")


def _unprivileged() -> bool:
    """No capability in any set, and no new privileges (``/proc/self/status``)."""
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    return all(int(status[key].strip(), 16) == 0 for key in STATUS_ZERO) and status["NoNewPrivs"].strip() == "1"


def _supervise(pid: int, lifeline: socket.socket, sweep) -> None:
    """Report the child's exit; on ``stop`` (or the lifeline closing) end it all and sweep, then
    answer ``stopped``: the grader prepares the next child only after that."""
    pidfd = os.pidfd_open(pid)
    code = None
    try:
        while True:
            watched = [lifeline] + ([pidfd] if code is None else [])
            ready = select.select(watched, [], [])[0]
            if pidfd in ready and code is None:
                code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
                _send(lifeline, {"exit": code})
            if lifeline in ready:
                try:
                    said = lifeline.recv(4096)
                except OSError:
                    said = b""
                reaped = _kill_all()
                if code is None:
                    code = reaped[pid] if pid in reaped else os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
                sweep()
                return _send(lifeline, {"stopped": True, "exit": code}) if said else None
    finally:
        os.close(pidfd)


def _kill_all() -> dict[int, int]:
    """SIGKILL every process of this pid namespace but bwrap's init (1) and this one, until none
    is left (orphans' zombies are init's to reap); returns the exit codes of this one's children."""
    me, reaped = os.getpid(), {}
    for attempt in range(400):
        others = [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in (1, me)]
        alive = [pid for pid in others if not _zombie(pid)]
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while True:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                reaped[pid] = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            pass
        if not others or (not alive and attempt > 200):
            return reaped
        time.sleep(0.0005 if attempt < 20 else 0.005)
    return reaped


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return True


def _entries(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _sweep(workdir: str, before: dict[str, set[str]]) -> None:
    """Remove what a child left: the working folder's whole content, the new entries of each
    scratch folder, and every System V IPC object."""
    for folder, kept in [(workdir, set()), *before.items()]:
        left = [os.path.join(folder, name) for name in _entries(folder) if name not in kept]
        if left:
            _remove(left)
    _remove_ipc()


def _remove(paths: list[str]) -> None:
    for path in paths:
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except (OSError, RecursionError):
            # unreadable folders (mode 000) or a very deep tree: as rm does it, without recursion
            subprocess.run(["chmod", "-R", "u+rwX", "--", path], capture_output=True)
            subprocess.run(["rm", "-rf", "--one-file-system", "--", path], capture_output=True)


def _remove_ipc() -> None:
    for kind in ("shm", "sem", "msg"):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                if len(table.read().splitlines()) > 1:
                    subprocess.run(["ipcrm", "--all"], capture_output=True)
                    return
        except OSError:
            pass


def _send(lifeline: socket.socket, message: dict) -> None:
    try:
        lifeline.send(json.dumps(message).encode())
    except OSError:
        pass


if __name__ == "__main__":      # pragma: no cover  (started through child.py)
    sys.exit("start me through child.py --warm")
