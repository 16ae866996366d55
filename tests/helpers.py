"""Shared helpers for the package's own tests."""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "week3"
RELEASE = ROOT / "assignments" / "week3"
SOLUTIONS = ROOT / "solutions" / "week3"


_built: dict = {}


def built_once(key: str, make):
    """``make()``, computed once per test process and kept.

    For module fixtures that take minutes (a whole class graded): pytest-xdist tears module
    fixtures down between two items of one module when a worker's queue runs dry, and the
    next item would build them again. Cleanup belongs in an ``atexit`` handler, not a teardown.
    """
    if key not in _built:
        _built[key] = make()
    return _built[key]


def source_notebooks() -> list[Path]:
    return sorted(SOURCE.glob("*.ipynb"))


def namespace_with(spec: str, *overrides: str) -> dict:
    """A fresh namespace holding the reference solution of ``spec``, then ``overrides`` run in it.

    Functions defined this way look up globals in this namespace, as notebook code does.
    """
    namespace = {"__name__": f"submission_{spec}"}
    exec(compile((SOLUTIONS / f"{spec}.py").read_text(encoding="utf-8"), f"<solution {spec}>", "exec"), namespace)
    for code in overrides:
        exec(compile(textwrap.dedent(code), "<override>", "exec"), namespace)
    return namespace


def hand_in(folder: Path, students, notebook: str) -> Path:
    """nbgrader's ``submitted/<student>/week3/<notebook>.ipynb`` for simulated ``students``
    (see :data:`grader.course.classroom.STUDENTS`) under ``folder``; returns ``folder``."""
    import nbformat

    from grader.course.classroom import submission_bytes
    release = nbformat.read(RELEASE / f"{notebook}.ipynb", as_version=4)
    source = nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4)
    for student in students:
        path = folder / "submitted" / student / "week3" / f"{notebook}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(submission_bytes(student, release, source))
    return folder


# ---------------------------------------------------------------- grading as a non-root grader

def open_folder(prefix: str) -> Path:
    """A new folder other users may enter (0755): outside pytest's temporary folders (0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def give_to(folder: Path, uid: int, gid: int, keep=lambda path: False) -> None:
    """``folder`` and everything in it owned by ``uid:gid`` (but the paths ``keep`` says)."""
    for path in [folder, *folder.rglob("*")]:
        if not keep(path):
            os.chown(path, uid, gid, follow_symlinks=False)


def root_missing(why: str, tools: tuple[str, ...]) -> str | None:
    """Why a test that needs root (``why``) and ``tools`` cannot run here (None: it can)."""
    if os.geteuid() != 0:
        return f"needs root to {why}"
    return next((f"{tool} is not installed" for tool in tools if shutil.which(tool) is None), None)


def nonroot_missing() -> str | None:
    """Why a test cannot grade as a user of its own here (None: it can)."""
    return root_missing("make the test user and its mount namespace", ("useradd", "userdel", "setpriv", "bwrap"))


def skip_for(reason: str | None) -> None:
    """Skip the test, saying why, when there is a ``reason``."""
    if reason:
        pytest.skip(reason)


def as_user(uid: int, command: list[str], home: Path) -> list[str]:
    """``command`` as ``uid`` in a mount namespace where /root holds only the Python it needs (the
    venv's Python links into /root/.pyenv, mode 0700): no capability, no new privileges, a
    clean environment."""
    pyenv = Path(os.path.realpath(sys.executable))
    binds = ["--ro-bind", "/root/.pyenv", "/root/.pyenv"] if str(pyenv).startswith("/root/.pyenv") else []
    return ["bwrap", "--dev-bind", "/", "/", "--tmpfs", "/root", *binds, "--die-with-parent",
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs",
            "env", "-i", f"HOME={home}", f"PATH={Path(sys.executable).parent}:/usr/bin:/bin", "LANG=C.UTF-8",
            "TF_CPP_MIN_LOG_LEVEL=3", "MPLBACKEND=Agg", "PYTHONUNBUFFERED=1", *command]


@dataclass
class GraderAccount:
    """A Unix user made for a test (a course's grader account, not root) and a folder it owns."""

    user: str
    uid: int
    gid: int
    folder: Path

    def run(self, *command: str, cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
        """The project's Python with ``command``, as this user (:func:`as_user`), its home the folder."""
        return subprocess.run(as_user(self.uid, [sys.executable, *command], self.folder), cwd=cwd or self.folder,
                              capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def grader_account(prefix: str):
    """A :class:`GraderAccount` (a unique user named ``prefix-…``, an :func:`open_folder` it owns);
    the user and the folder are removed afterwards."""
    user = f"{prefix}-{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--system", "--shell", "/usr/sbin/nologin", user],
                   check=True, capture_output=True)
    folder = open_folder(f"{prefix}-")
    try:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        yield GraderAccount(user, entry.pw_uid, entry.pw_gid, folder)
    finally:
        subprocess.run(["userdel", user], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
