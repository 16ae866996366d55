"""Start and stop sandboxed student processes.

A sandbox is a child Python process running :mod:`grader.sandbox.child` with:

- its own temporary working folder (its home and current folder; nothing else is writable),
- resource limits set before student code runs (address space, CPU seconds, file size,
  open files, no core dumps),
- a scrubbed environment (no tokens, paths or settings of the grader's),
- when a pids cgroup is writable, at most ``processes`` tasks (a fork bomb stops there),
- and, when ``bwrap`` (bubblewrap) is installed, its own namespaces: no network, a private
  ``/tmp``, and a filesystem view of only the system, Python and the working folder, so the
  grader's ``solutions/``, hidden specs and other students' work do not exist for it.

Without bwrap the same process limits apply, and :func:`isolation_note` says so once.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.sandbox.held_out import sandbox_data_view

CHILD_FILES = ("child.py", "protocol.py")
HERE = Path(__file__).resolve().parent
CHILD_CODE = "/opt/grader-child"
PASSED_ENV = ("MNIST_PATH", "SIGN_MNIST_DIR")
FOLLOWED_ENV = ("HOME", "KERAS_HOME", *PASSED_ENV)   # a spec's monkeypatched values reach the child


@dataclass(frozen=True)
class Limits:
    """What one sandboxed process may use."""

    memory_mb: int = 4096        # address space (TensorFlow alone reserves about 2.5 GB)
    cpu_seconds: int = 600
    file_mb: int = 256           # largest file it may write (printed output included)
    processes: int = 256         # tasks (threads count) in its pids cgroup
    open_files: int = 1024
    threads_per_library: int = 1  # BLAS/OpenMP/TensorFlow threads (the batch gives each worker its share of cores)


_notes: list[str] = []


def isolation_note() -> str | None:
    """What isolation is missing on this machine (None when bwrap and a pids cgroup work)."""
    missing = []
    if not bwrap_path():
        missing.append("bubblewrap (bwrap) is not installed: student code runs without its own filesystem "
                       "view or network namespace, under process limits only (Debian/Ubuntu: apt-get install bubblewrap)")
    if not pids_cgroup_root():
        missing.append("no writable pids cgroup: the number of processes is limited per user only")
    return "; ".join(missing) or None


def bwrap_path() -> str | None:
    if os.environ.get("GRADER_NO_BWRAP") == "1":
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    if _bwrap_works(path):
        return path
    return None


_bwrap_checked: dict[str, bool] = {}


def _bwrap_works(path: str) -> bool:
    if path not in _bwrap_checked:
        try:
            probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                                   capture_output=True, timeout=20)
            _bwrap_checked[path] = probe.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _bwrap_checked[path] = False
    return _bwrap_checked[path]


def pids_cgroup_root() -> Path | None:
    """A cgroup folder (v1 pids hierarchy or v2 with the pids controller) we may create groups in."""
    candidates = []
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controllers == "pids":
                candidates.append(Path("/sys/fs/cgroup/pids") / path.lstrip("/"))
            elif controllers == "":
                base = Path("/sys/fs/cgroup") / path.lstrip("/")
                if "pids" in (base / "cgroup.subtree_control").read_text() if (base / "cgroup.subtree_control").exists() else False:
                    candidates.append(base)
    except (OSError, ValueError):
        return None
    for candidate in candidates:
        if candidate.is_dir() and os.access(candidate, os.W_OK) and (candidate / "cgroup.procs").exists():
            return candidate
    return None


class PidsGroup:
    """A pids cgroup for one sandbox: joined by the child before it runs anything."""

    def __init__(self, limit: int):
        root = pids_cgroup_root()
        self.path = None
        if root is None:
            return
        path = root / f"grader-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(limit))
            self.path = path
        except OSError:
            self.remove()

    def wrap(self, command: list[str]) -> list[str]:
        if self.path is None:
            return command
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs"), *command]

    def kill_all(self) -> None:
        if self.path is None:
            return
        for _ in range(20):
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def remove(self) -> None:
        if self.path is None:
            return
        self.kill_all()
        pause = 0.001
        for _ in range(40):            # the kernel drains a killed cgroup in a few milliseconds
            try:
                self.path.rmdir()
                break
            except OSError:
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
        self.path = None


def _scrubbed_env(limits: Limits, home: str) -> dict[str, str]:
    threads = str(limits.threads_per_library)
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
           "HOME": home, "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.matplotlib",
           "KERAS_HOME": f"{home}/.keras", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "OMP_NUM_THREADS": threads,
           "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "TF_NUM_INTRAOP_THREADS": threads,
           "TF_NUM_INTEROP_THREADS": threads, "TMPDIR": "/tmp"}
    env.update({k: os.environ[k] for k in PASSED_ENV if os.environ.get(k)})
    return env


def _bwrap_command(bwrap: str, workdir: str, codedir: str) -> list[str]:
    command = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--clearenv",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc", "/sbin",
                   "/sys/devices/system/cpu"):
        command += ["--ro-bind-try", system, system]
    for python_dir in sorted({sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parents[1])}):
        command += ["--ro-bind", python_dir, python_dir]
    for name in PASSED_ENV:
        if os.environ.get(name) and os.path.exists(os.environ[name]):
            data = os.path.abspath(os.environ[name])
            command += ["--ro-bind", data, data]
    command += sandbox_data_view(codedir)   # held-out data never exists where student code runs (grader/sandbox/held_out.py)
    # the working folder keeps its path inside, so paths the grader hands over mean the same there
    command += ["--ro-bind", codedir, CHILD_CODE, "--bind", workdir, workdir, "--chdir", workdir]
    return command


_child_code: list[str] = []


def child_code() -> str:
    """A folder (made once per process) with the child's two files and the grader's public
    modules, exactly what students install (so ``from grader.student.data.mnist import ...`` in a
    notebook works), and nothing else: no hidden spec, no solution."""
    if not _child_code:
        from grader.student.course import PACKAGE, student_files

        folder = Path(tempfile.mkdtemp(prefix="grader-child-"))
        for name in CHILD_FILES:
            shutil.copy(HERE / name, folder / name)
        for relative in student_files():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(PACKAGE.parent / relative, target)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        atexit.register(shutil.rmtree, folder, True)
        _child_code.append(str(folder))
    return _child_code[0]


class Launched:
    """A running sandboxed child and the files it uses (the parent's ends of its pipes)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.workdir = tempfile.mkdtemp(prefix="grader-sandbox-")
        self.codedir = child_code()
        self.xfer = os.path.join(self.workdir, ".transfer")
        os.mkdir(self.xfer)
        self.output_path = os.path.join(self.workdir, ".output.txt")
        self.group = PidsGroup(limits.processes)
        bwrap = bwrap_path()
        self.isolated = bwrap is not None

        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        home = self.workdir
        code = CHILD_CODE if self.isolated else self.codedir
        child_limits = {k: v for k, v in asdict(limits).items() if k != "threads_per_library"}
        python = [sys.executable, "-E", "-s", f"{code}/child.py", str(to_child_r), str(from_child_w),
                  f"{home}/.transfer", json.dumps(child_limits)]
        env = self.env = _scrubbed_env(limits, home)
        if self.isolated:
            command = _bwrap_command(bwrap, self.workdir, self.codedir)
            for key, value in env.items():
                command += ["--setenv", key, value]
            command += python
        else:
            command = python
        with open(self.output_path, "wb") as output:
            self.process = subprocess.Popen(
                self.group.wrap(command), stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                pass_fds=(to_child_r, from_child_w), cwd=self.workdir, env=env, start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)

    def output_tail(self, limit: int = 2000) -> str:
        try:
            with open(self.output_path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - limit))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Kill the child and everything it started; remove its folders."""
        for fd in (self.to_child, self.from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        self.group.kill_all()          # what left the process group, too
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.group.remove()            # empty by now: no waiting for the cgroup to drain
        shutil.rmtree(self.workdir, ignore_errors=True)
