"""Start and stop sandboxed student processes.

A sandbox is a child Python process running :mod:`grader.sandbox.child` with:

- its own temporary working folder (its home and current folder; nothing else is writable),
- resource limits set before student code runs (address space, CPU seconds, file size,
  open files, no core dumps),
- a scrubbed environment (no tokens, paths or settings of the grader's),
- when a pids cgroup is writable, at most ``processes`` tasks (a fork bomb stops there),
- and, when ``bwrap`` (bubblewrap) is installed, its own namespaces (no network, its own
  processes), sized tmpfs for ``/tmp``, ``/var/tmp`` and ``/dev/shm`` (:func:`tmpfs_sizes`),
  and the explicit filesystem view of :mod:`grader.sandbox.view` (system, interpreter,
  student-side packages, its folders): the grader's package, ``solutions/``, hidden specs and
  other students' work do not exist for it. Grading as root, the child runs as a uid of its
  own (:func:`child_uid`) through ``setpriv``: no groups, no capability, no new privileges,
  its working folder a tmpfs (:func:`workdir_size`); otherwise bwrap's unprivileged user
  namespace drops every capability and forbids nested user namespaces.

Files go one way. What a spec hands the child (``tmp_path``) lives in a one-way folder outside
the working folder, bound read-only into the sandbox (:func:`one_way_folder`); the child's output
goes to a file the grader opened itself and reads by its descriptor; the working folder is
removed without following links, however deep. The grader never opens a path the child made.

Without bwrap the same process limits apply, and :func:`isolation_note` says so once.

A grading worker usually does not start its children here: :mod:`grader.sandbox.warm` starts
one parent with this same command and forks each child from it (:mod:`grader.sandbox.zygote`);
a :class:`Launched` child is the fallback (no warm parent, or it is busy or unwell).
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.sandbox.held_out import hidden_from_sandbox, sandbox_data_view
from grader.sandbox.view import hide, sandbox_view

CHILD_FILES = ("child.py", "protocol", "zygote.py")      # the protocol is a package (a folder)
HERE = Path(__file__).resolve().parent
CHILD_CODE = "/opt/grader-child"
PASSED_ENV = ("MNIST_PATH", "SIGN_MNIST_DIR")
CHILD_IDS = (1_000_000_000, 2_000_000_000)   # see child_uid()
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
    elif os.geteuid() == 0 and not shutil.which("setpriv"):
        missing.append("setpriv (util-linux) is not installed: grading as root, student code runs as root in "
                       "bwrap's user namespace (no capability) instead of a uid of its own (apt-get install util-linux)")
    if not pids_cgroup_root() and not processes_counted_per_sandbox():
        missing.append("no writable pids cgroup: the number of processes is limited per user only")
    return "; ".join(missing) or None


def processes_counted_per_sandbox() -> bool:
    """Whether a sandbox's process limit (RLIMIT_NPROC) counts its own tasks only, without a cgroup.

    As root, the child runs as a uid of its own. Otherwise bwrap makes a user namespace, and
    since Linux 5.14 the kernel counts RLIMIT_NPROC per user namespace ("ucounts"): the grader
    account's other processes (its Jupyter server, other sandboxes) do not count against it.
    """
    if not bwrap_path():
        return False
    if os.geteuid() == 0 and shutil.which("setpriv"):
        return True
    release = os.uname().release.split("-")[0].split(".")
    try:
        return (int(release[0]), int(release[1])) >= (5, 14)
    except (ValueError, IndexError):
        return False


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


def tmpfs_sizes(limits: Limits) -> dict[str, int]:
    """Bytes each of the sandbox's tmpfs folders may hold: together 3/8 of the memory budget
    (tmpfs pages are host memory that the address-space limit does not count)."""
    budget = limits.memory_mb * 2 ** 20
    return {"/tmp": budget // 4, "/var/tmp": budget // 16, "/dev/shm": budget // 16}


def workdir_size(limits: Limits) -> int:
    """Bytes the working folder may hold when the grader (root) can make it a tmpfs of its own:
    1/4 of the memory budget (with the scratch folders, 5/8 of it)."""
    return limits.memory_mb * 2 ** 20 // 4


def _mount_tmpfs(folder: str, size: int) -> bool:
    """Mount a tmpfs of ``size`` bytes on ``folder`` (root only); False when that is refused."""
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700,nosuid,nodev",
                               "grader-sandbox", folder], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def unmount_under(folder: str) -> int:
    """Lazily unmount the working-folder tmpfs mounts left under ``folder`` by a grading process
    that was killed before it could stop its sandboxes; return how many there were."""
    prefix = os.path.realpath(folder).rstrip("/") + "/"
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return 0
    points = [line.split()[4] for line in lines if len(line.split()) > 4]
    left = [p for p in points if (p + "/").startswith(prefix)]
    for point in sorted(left, key=len, reverse=True):
        subprocess.run(["umount", "--lazy", point], capture_output=True)
    return len(left)


_mounted: set[str] = set()      # working folders mounted by this process and not yet stopped


@atexit.register
def _unmount_left() -> None:
    """A process that ends without stopping its sandboxes leaves no tmpfs mounted."""
    for folder in list(_mounted):
        subprocess.run(["umount", "--lazy", folder], capture_output=True)


def child_uid() -> int:
    """A uid (and gid) for one sandbox, unmapped on the host, from a high range: files it makes
    are nobody's, and its process limit (RLIMIT_NPROC) counts only its own processes."""
    return CHILD_IDS[0] + int.from_bytes(os.urandom(4), "big") % (CHILD_IDS[1] - CHILD_IDS[0])


def _bwrap_command(bwrap: str, workdir: str, codedir: str, limits: Limits, uid: int | None,
                   inputs: str | None = None) -> list[str]:
    """bwrap's arguments up to the command. As root (``uid`` given): explicit namespaces
    without a user namespace, the command to be started by :func:`_drop_to`; otherwise an
    unprivileged user namespace with every capability dropped and no nested user namespace.
    ``inputs`` (the one-way folder) is bound read-only, as the data the environment names."""
    if uid is not None:
        namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    else:
        namespaces = ["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
    command = [bwrap, "--die-with-parent", "--new-session", *namespaces, "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    data = tuple(os.environ[name] for name in PASSED_ENV if os.environ.get(name)) + ((inputs,) if inputs else ())
    hide(*hidden_from_sandbox())     # held-out data (the homework's test split) is not in the view
    for mount in sandbox_view(codedir, workdir, CHILD_CODE, data, tmpfs_sizes(limits)):
        command += mount.args()
    command += sandbox_data_view(codedir, cover_hidden=False)   # e.g. MNIST_PATH: a training-only copy (grader/sandbox/held_out.py)
    # the working folder keeps its path inside, so paths the grader hands over mean the same there
    return command + ["--chdir", workdir]


def _drop_to(uid: int, command: list[str]) -> list[str]:
    """``command`` run as ``uid`` with no group, no capability and no new privileges (setpriv)."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs", *command]


def one_way_folder() -> str:
    """A new folder outside the child's working folder, bound read-only into the sandbox at the
    same path: the grader writes the files a spec hands the child there (``tmp_path``), and
    what it reads back from there is what it wrote. Without bwrap it is only the grader's
    own folder (0755), which a child running as another user cannot change either. Its default ACL
    makes what the spec writes inside readable to that user (0644, 0755) under any umask."""
    folder = tempfile.mkdtemp(prefix="grader-inputs-")
    os.chmod(folder, 0o755)
    try:        # files and folders made inside are readable by the child (its own uid) whatever the umask
        os.setxattr(folder, "system.posix_acl_default", READABLE_DEFAULT_ACL)
    except (OSError, AttributeError):
        pass    # a file system without POSIX ACLs: the grader's umask decides
    return folder


# a POSIX default ACL (version 2; owner rwx, group r-x, others r-x): what `setfacl -d -m o::rx` writes
READABLE_DEFAULT_ACL = struct.pack("<I", 2) + b"".join(
    struct.pack("<HHI", tag, perm, 0xFFFFFFFF) for tag, perm in ((0x01, 7), (0x04, 5), (0x20, 5)))


def remove_tree(folder: str) -> None:
    """Remove a folder the child may have filled: links are removed, never followed, and a tree
    of any depth goes (``rm -rf`` walks it without recursion; shutil.rmtree raises RecursionError
    past about a thousand levels)."""
    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", folder], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        try:
            shutil.rmtree(folder, ignore_errors=True)
        except RecursionError:
            pass


_child_code: list[str] = []


def child_code() -> str:
    """A folder (made once per process) with the child's files (:data:`CHILD_FILES`) and the grader's public
    modules, exactly what students install (so ``from grader.weeks.<week>.data... import ...`` in a
    notebook works), and nothing else: no hidden spec, no solution."""
    if not _child_code:
        from grader.core.course import PACKAGE, student_files

        folder = Path(tempfile.mkdtemp(prefix="grader-child-"))
        for name in CHILD_FILES:
            if (HERE / name).is_dir():
                shutil.copytree(HERE / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
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


class SandboxProcess:
    """A process started in a sandbox's own folders: its working folder (a tmpfs of its own when
    the grader is root), the one-way folder, the output file and the pids cgroup. The parts
    that :class:`Launched` (one child) and :class:`grader.sandbox.warm.WarmParent` share."""

    def _make_folders(self, limits: Limits, tmpfs: bool, processes: int) -> None:
        self.limits = limits
        self.workdir = tempfile.mkdtemp(prefix="grader-sandbox-")
        self.inputs = one_way_folder()
        self.codedir = child_code()
        # the child's output goes to a file the grader opened and keeps: never reopened by a path
        self.output = tempfile.TemporaryFile(prefix="grader-output-")
        self.group = PidsGroup(processes)
        self.mounted = tmpfs and _mount_tmpfs(self.workdir, workdir_size(limits))
        if self.mounted:
            _mounted.add(self.workdir)
        self.env = _scrubbed_env(limits, self.workdir)

    def _in_sandbox(self, bwrap: str, uid: int | None, python: list[str]) -> list[str]:
        """bwrap's arguments for this sandbox (``uid`` given: root's namespaces), then ``python``."""
        command = _bwrap_command(bwrap, self.workdir, self.codedir, self.limits, uid, inputs=self.inputs)
        for key, value in self.env.items():
            command += ["--setenv", key, value]
        return command + python

    def _start(self, command: list[str], pass_fds: tuple[int, ...]) -> None:
        self.process = subprocess.Popen(
            self.group.wrap(command), stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT,
            pass_fds=pass_fds, cwd=self.workdir, env=self.env, start_new_session=True,
            umask=0o022)            # the folders bwrap makes for the view are traversable by the child

    def _tear_down(self) -> None:
        """Kill the process and everything it started; remove its folders."""
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
        self.output.close()
        if self.mounted:
            subprocess.run(["umount", "--lazy", self.workdir], capture_output=True)
            _mounted.discard(self.workdir)
        remove_tree(self.workdir)
        remove_tree(self.inputs)

    def output_tail(self, limit: int = 2000) -> str:
        """The last ``limit`` bytes the process printed (read from the grader's own descriptor)."""
        try:
            size = os.fstat(self.output.fileno()).st_size
            return os.pread(self.output.fileno(), limit, max(0, size - limit)).decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""


class Launched(SandboxProcess):
    """A running sandboxed child and the files it uses (the parent's ends of its pipes)."""

    def __init__(self, limits: Limits):
        bwrap = bwrap_path()
        self.isolated = bwrap is not None
        # as root, the child gets a uid of its own (setpriv); without setpriv, bwrap's user namespace
        self.uid = child_uid() if self.isolated and os.geteuid() == 0 and shutil.which("setpriv") else None
        self._make_folders(limits, tmpfs=self.uid is not None, processes=limits.processes)
        self.xfer = os.path.join(self.workdir, ".transfer")
        os.mkdir(self.xfer)
        self.hand_over(self.workdir, self.xfer)

        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        code = CHILD_CODE if self.isolated else self.codedir
        python = [sys.executable, "-E", "-s", f"{code}/child.py", str(to_child_r), str(from_child_w),
                  f"{self.workdir}/.transfer", json.dumps(child_limits(limits))]
        if self.isolated:
            command = self._in_sandbox(bwrap, self.uid, python if self.uid is None else _drop_to(self.uid, python))
        else:
            command = python
        self._start(command, (to_child_r, from_child_w))
        os.close(to_child_r)
        os.close(from_child_w)

    def hand_over(self, *paths: str | os.PathLike) -> None:
        """Make folders the grader created writable by the child (its uid owns them)."""
        if self.uid is not None:
            for path in paths:
                os.chown(path, self.uid, self.uid)

    def stop(self) -> None:
        """Kill the child and everything it started; remove its folders."""
        close_quietly(self.to_child, self.from_child)
        self._tear_down()


def child_limits(limits: Limits) -> dict:
    """The limits the child sets on itself (``child.apply_limits``); threads are the environment's."""
    return {k: v for k, v in asdict(limits).items() if k != "threads_per_library"}


def close_quietly(*fds: int) -> None:
    """Close the grader's ends of a child's pipes (one already closed is no error)."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
