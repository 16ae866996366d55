"""The environment every user of the server runs: one install, readable by all, secrets by graders only.

``course.venv`` is a virtual environment made from a Python that every user can read (the
grader's own venv often links into ``/root``, mode 0700: then Debian's ``/usr/bin/python3`` of the
same version is used). It holds this package (not editable: the course's users never see the
instructor's checkout), nbgrader and JupyterHub. Made from an existing environment
(``source_venv``), the installed distributions are hard-linked from it (seconds instead of
minutes; a copy across file systems); otherwise ``pip`` installs them.

Students' kernels run from this environment too, so the modules that must stay secret (the
reference solutions and the hidden specs, the rule of the student wheel) are made readable by
the graders group only, their compiled copies included.
"""
from __future__ import annotations

import grp
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from grader.course.student_dist import is_secret_module
from grader.server.layout import Course

PROJECT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "dl_week3_coursework"


def everyone_can_run(path: Path) -> bool:
    """Every folder on the way to ``path`` is searchable by others, and ``path`` readable and runnable."""
    path = Path(os.path.realpath(path))
    folders_ok = all(os.stat(parent).st_mode & stat.S_IXOTH for parent in path.parents)
    mode = os.stat(path).st_mode
    return folders_ok and bool(mode & stat.S_IROTH) and bool(mode & stat.S_IXOTH)


def base_python(source_venv: Path | None = None) -> Path:
    """A Python of this version that every user can run."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [Path(os.path.realpath(source_venv / "bin" / "python"))] if source_venv else []
    candidates += [Path(sys.base_prefix) / "bin" / version, Path("/usr/bin") / version, Path("/usr/local/bin") / version]
    for candidate in candidates:
        if candidate.is_file() and everyone_can_run(candidate):
            return candidate
    raise RuntimeError(f"no {version} that every user can run (tried {', '.join(map(str, candidates))}); "
                       f"install Debian's python3-venv, or a Python outside a private home")


def site_packages(venv: Path) -> Path:
    relative = Path(sysconfig.get_path("purelib")).relative_to(sys.prefix)
    return venv / relative


def _is_own_distribution(name: str) -> bool:
    """The project's own files in an environment: its (editable) install is made afresh."""
    return name.startswith((DISTRIBUTION, f"__editable__.{DISTRIBUTION}", f"__editable___{DISTRIBUTION}"))


def _link_tree(source: Path, target: Path, skip=lambda name: False) -> None:
    """Hard-link (or copy, across file systems) every file of ``source`` that ``target`` lacks."""
    same_device = None
    for folder, folders, files in os.walk(source):
        here = Path(folder)
        if here == source:
            folders[:] = [f for f in folders if not skip(f)]
            files = [f for f in files if not skip(f)]
        there = target / here.relative_to(source)
        there.mkdir(parents=True, exist_ok=True)
        shutil.copystat(here, there)
        for name in files:
            old, new = here / name, there / name
            if new.exists() or new.is_symlink():
                continue
            if old.is_symlink():
                os.symlink(os.readlink(old), new)
                continue
            if same_device is None:
                same_device = os.stat(old).st_dev == os.stat(there).st_dev
            os.link(old, new) if same_device else shutil.copy2(old, new)


def _link_environment(source_venv: Path, venv: Path) -> None:
    """The installed distributions and their data (share/, etc/) of ``source_venv``, but the project."""
    _link_tree(site_packages(source_venv), site_packages(venv), skip=_is_own_distribution)
    for data in ("share", "etc"):
        if (source_venv / data).is_dir():
            _link_tree(source_venv / data, venv / data)


def _link_scripts(source_venv: Path, venv: Path) -> None:
    """The console scripts of the linked distributions, with this environment's Python."""
    old = f"#!{source_venv / 'bin' / 'python'}".encode()
    new = f"#!{venv / 'bin' / 'python'}".encode()
    for script in (source_venv / "bin").iterdir():
        target = venv / "bin" / script.name
        if target.exists() or script.is_symlink() or not script.is_file():
            continue
        first, _, body = script.read_bytes().partition(b"\n")
        if first in (old, old + b"3", old + f"{sys.version_info.major}.{sys.version_info.minor}".encode()):
            target.write_bytes(new + b"\n" + body)
            target.chmod(0o755)


def _pip(venv: Path, *arguments: str) -> None:
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--quiet", "--disable-pip-version-check",
                           *arguments], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"pip {' '.join(arguments)} failed: {done.stderr.strip()[-2000:]}")


def secret_files(venv: Path) -> list[Path]:
    """The reference solutions (their folder included) and the hidden specs installed in ``venv``,
    with their compiled copies."""
    root = site_packages(venv)
    solutions = root / "solutions"
    found = [solutions, *solutions.rglob("*")] if solutions.exists() else []
    for path in root.joinpath("grader").rglob("*"):
        relative = path.relative_to(root)
        parts = [p.split(".")[0] for p in relative.parts if p != "__pycache__"]
        if path.is_file() and is_secret_module(".".join(parts)):
            found.append(path)
    return found


def restrict_secrets(course: Course) -> list[Path]:
    """Reference solutions and hidden specs: root's, readable by the graders group only."""
    gid = grp.getgrnam(course.graders_group).gr_gid
    secret = secret_files(course.venv)
    for path in secret:
        os.chown(path, 0, gid, follow_symlinks=False)
        os.chmod(path, 0o750 if path.is_dir() else 0o640)
    return secret


def shared_environment(course: Course, source_venv: Path | None = None, project: Path = PROJECT) -> Path:
    """Make (or bring up to date) ``course.venv`` with this project installed; returns its Python."""
    venv = course.venv
    if not (venv / "bin" / "python").exists():
        python = base_python(source_venv)
        subprocess.run([str(python), "-m", "venv", *(["--without-pip"] if source_venv else []), str(venv)],
                       check=True, capture_output=True)
    if source_venv:
        _link_environment(source_venv, venv)
        _link_scripts(source_venv, venv)
        _pip(venv, "install", "--no-deps", "--no-build-isolation", "--force-reinstall", str(project))
        # what this Python needs and the source's did not (a requirement with a version marker)
        _pip(venv, "install", "--no-build-isolation", f"{project}[hub]")
    else:
        _pip(venv, "install", "--upgrade", "pip")
        _pip(venv, "install", f"{project}[hub]")
    # the package's bytecode is compiled now, as root: users cannot write into the environment
    subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(site_packages(venv) / "grader"),
                    str(site_packages(venv) / "solutions")], capture_output=True)
    restrict_secrets(course)
    for path in (course.root, venv):
        os.chmod(path, 0o755)
    return venv / "bin" / "python"
