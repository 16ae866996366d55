"""What a sandboxed child can see: its filesystem view, as an explicit list of mounts.

The view is built from what student code needs, never from "the whole environment":

- the system folders (:data:`SYSTEM`), read-only;
- the interpreter: ``sys.base_prefix`` (its stdlib and shared library), the venv's
  ``pyvenv.cfg`` and the Python executable, read-only;
- the student-side packages: the course's ``student`` extra (``setup.cfg``; see
  :func:`grader.core.course.declared_requirements`), followed transitively through
  :mod:`importlib.metadata`; each distribution's top-level folders and files (from its
  ``RECORD``, or ``top_level.txt``) are bound one by one. Every site-packages folder that lies
  inside a bound folder (a system-wide install under ``/usr``, the interpreter's own
  site-packages) is first covered by an empty read-only tmpfs, so nothing else of it shows;
- the child's code folder and its working folder.

Never seen, whatever the install (editable, ``pip install .``, a wheel, system-wide): the
``grader`` package as installed, ``solutions``, the hidden specs, the course distribution's
metadata, and every path in :func:`hidden_paths` (more can be added with :func:`hide`, or by
the environment variable ``GRADER_SANDBOX_HIDE``, a ``os.pathsep`` list that worker processes
inherit). A hidden path inside a bound folder is covered (an empty tmpfs for a folder;
``/dev/null`` for a file, which opening then refuses: the mount is ``nodev``); outside, it is
simply never bound.
"""
from __future__ import annotations

import functools
import importlib.metadata as metadata
import importlib.util
import os
import re
import site
import sys
import sysconfig
from pathlib import Path
from typing import NamedTuple

SYSTEM = ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc", "/sbin", "/sys/devices/system/cpu")
HIDE_ENV = "GRADER_SANDBOX_HIDE"
HIDDEN_PATHS: list[str] = []          # see hide()
COURSE_PACKAGES = ("grader", "solutions")


class Mount(NamedTuple):
    """One bwrap mount: ``kind`` is ``ro-bind``, ``ro-bind-try``, ``bind``, ``tmpfs`` (of at most
    ``size`` bytes when given), ``dir``, ``mqueue`` or ``remount-ro``."""

    kind: str
    source: str
    target: str
    size: int = 0
    perms: str = ""

    def args(self) -> list[str]:
        options = (["--perms", self.perms] if self.perms else []) + (["--size", str(self.size)] if self.size else [])
        if self.kind in ("tmpfs", "remount-ro", "dir", "mqueue"):
            return options + [f"--{self.kind}", self.target]
        return options + [f"--{self.kind}", self.source, self.target]


def hide(*paths: str | os.PathLike) -> None:
    """Keep ``paths`` out of every sandbox this process starts (e.g. a homework's held-out data)."""
    HIDDEN_PATHS.extend(path for path in map(os.path.realpath, paths) if path not in HIDDEN_PATHS)


def hidden_paths() -> list[str]:
    """Paths that never exist inside: the course's own packages as installed (``grader``,
    ``solutions``), the course distribution's metadata, and what :func:`hide` or
    ``GRADER_SANDBOX_HIDE`` added."""
    found = []
    for name in COURSE_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            found += list(spec.submodule_search_locations or []) or [spec.origin]
    for dist in _course_distributions():
        found += [str(p) for p in _top_level(dist) if p.name.endswith((".dist-info", ".egg-info"))]
        for top in _top_level(dist):      # an editable install's finder and .pth name the project's folder
            if top.name.startswith("__editable__") or top.suffix == ".pth":
                found.append(str(top))
    found += HIDDEN_PATHS + [p for p in os.environ.get(HIDE_ENV, "").split(os.pathsep) if p]
    return sorted({os.path.realpath(p) for p in found if p})


@functools.lru_cache(maxsize=None)
def _course_distributions() -> tuple[metadata.Distribution, ...]:
    names = metadata.packages_distributions().get("grader", [])
    dists = []
    for name in dict.fromkeys(names):
        try:
            dists.append(metadata.distribution(name))
        except metadata.PackageNotFoundError:
            pass
    return tuple(dists)


def _requirement_name(line: str, extra: str = "") -> str | None:
    """The project name of a requirement line, or None when it applies only to another extra
    than ``extra`` or not to this interpreter."""
    from packaging.requirements import InvalidRequirement, Requirement
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None
    if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
        return None
    return requirement.name


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def course_requirements() -> list[str]:
    """What the course's distribution gives students: its ``student`` extra (from its metadata,
    or else ``setup.cfg`` beside the package)."""
    from grader.core.course import STUDENT_EXTRA, declared_requirements
    lines = [line for dist in _course_distributions() for line in (dist.requires or [])]
    names = [_requirement_name(line.strip(), STUDENT_EXTRA) for line in lines if line.strip()]
    if not lines:
        names = [_requirement_name(line) for line in declared_requirements(STUDENT_EXTRA)]
    return list(dict.fromkeys(filter(None, names)))


@functools.lru_cache(maxsize=None)
def student_entries() -> tuple[str, ...]:
    """The top-level entries (folders, modules, dist-info) of every student-side distribution."""
    return tuple(sorted({str(p) for dist in student_distributions() for p in _top_level(dist)}))


def student_distributions() -> list[metadata.Distribution]:
    """The student-side distributions installed here: the course's student requirements and,
    transitively, theirs."""
    course = {_normal(d.metadata["Name"]) for d in _course_distributions()}
    todo, seen, found = list(course_requirements()), set(), []
    while todo:
        name = _normal(todo.pop())
        if name in seen or name in course:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(dist)
        todo += [n for n in map(_requirement_name, dist.requires or []) if n]
    return found


def _top_level(dist: metadata.Distribution) -> list[Path]:
    """A distribution's own entries of its site-packages folder (folders, modules, its dist-info)."""
    base = Path(dist.locate_file(""))
    names = set()
    for file in dist.files or []:
        parts = Path(file).parts
        if parts and parts[0] not in ("..", "__pycache__") and not Path(file).is_absolute():
            names.add(parts[0])
    if not names:
        for name in (dist.read_text("top_level.txt") or "").split():
            names.update(p.name for p in base.glob(f"{name}*") if p.name == name or p.name.startswith(name + "."))
        info = getattr(dist, "_path", None)
        if info is not None:
            names.add(Path(info).name)
    return [base / name for name in sorted(names) if (base / name).exists()]


def package_folders() -> list[str]:
    """Every folder packages are installed in, for this interpreter (the venv's, the base
    interpreter's, the system's)."""
    folders = set(site.getsitepackages() + [site.getusersitepackages()])
    for base in {sys.prefix, sys.base_prefix}:
        paths = sysconfig.get_paths(vars={"base": base, "platbase": base})
        folders.update((paths["purelib"], paths["platlib"]))
    stdlib = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}
    folders.update(p for p in sys.path if p and os.path.basename(p) in ("site-packages", "dist-packages"))
    real = {os.path.realpath(p) for p in folders}
    return sorted(p for p in real if os.path.isdir(p) and p not in stdlib)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def interpreter_mounts() -> list[Mount]:
    """The Python the child runs: the base interpreter's prefix, a venv's pyvenv.cfg and the
    executable at the path the grader starts it by."""
    mounts = [Mount("ro-bind", sys.base_prefix, sys.base_prefix)]
    real = os.path.realpath(sys.base_prefix)
    if real != sys.base_prefix:
        mounts.append(Mount("ro-bind", real, real))
    if sys.prefix != sys.base_prefix:
        config = os.path.join(sys.prefix, "pyvenv.cfg")
        if os.path.isfile(config):
            mounts.append(Mount("ro-bind", config, config))
    if not _inside(sys.executable, sys.base_prefix):
        mounts.append(Mount("ro-bind", sys.executable, sys.executable))   # the binary, at the venv's path
    return mounts


def sandbox_view(codedir: str, workdir: str, child_code: str, data: tuple[str, ...] = (),
                 scratch: dict[str, int] | None = None) -> list[Mount]:
    """Every mount of the child's filesystem view (after bwrap's ``--proc /proc --dev /dev``),
    in order: later mounts cover earlier ones.

    ``scratch`` maps folders (``/tmp``...) to the bytes their empty tmpfs may hold;
    ``codedir`` (the child's own files and the public grader modules) is seen at
    ``child_code``; ``workdir`` is writable at its own path; ``data`` are read-only folders or
    files a spec handed over (by ``MNIST_PATH`` and the like)."""
    scratch_mounts = [Mount("tmpfs", "", folder, size=size, perms="1777") for folder, size in (scratch or {}).items()]
    scratch_mounts.append(Mount("mqueue", "", "/dev/mqueue"))     # POSIX message queues, seen (and swept) by the warm parent
    mounts = [Mount("ro-bind-try", path, path) for path in SYSTEM] + interpreter_mounts()
    bound = [m.target for m in mounts if os.path.exists(m.source)]
    covered = []
    for folder in package_folders():
        if any(_inside(folder, os.path.realpath(b)) or _inside(folder, b) for b in bound):
            mounts.append(Mount("tmpfs", "", folder))
            covered.append(folder)
    secret = hidden_paths()
    for entry in student_entries():
        real = os.path.realpath(entry)
        if any(_inside(real, s) for s in secret):
            continue
        mounts.append(Mount("ro-bind", entry, entry))
    for path in data:
        if os.path.exists(path):
            mounts.append(Mount("ro-bind", os.path.abspath(path), os.path.abspath(path)))
    mounts += [Mount("ro-bind", codedir, child_code), Mount("bind", workdir, workdir)]
    mounts += _covers(secret, mounts)
    skeletons = _skeletons(scratch_mounts, mounts)
    # read-only last: the covered site-packages, the skeletons, and the root bwrap made (the
    # folders it created on the way to each mount would be the child's own in a user namespace)
    return (scratch_mounts + skeletons + _parents(scratch_mounts + skeletons + mounts) + mounts
            + [Mount("remount-ro", "", folder) for folder in covered]
            + [Mount("remount-ro", "", skeleton.target) for skeleton in skeletons]
            + [Mount("remount-ro", "", "/dev"), Mount("remount-ro", "", "/")])


def _skeletons(scratch: list[Mount], mounts: list[Mount]) -> list[Mount]:
    """A tmpfs of its own for each top folder under a scratch tmpfs that only leads to other
    mounts (``/tmp/clone`` for an environment in ``/tmp/clone/.venv``), remounted read-only last.
    Without it the folders bwrap makes on the way would sit on the writable ``/tmp`` and, in a
    user namespace, belong to the child: it could write beside the bound environment."""
    targets = {m.target for m in mounts}
    tops: list[str] = []
    for mount in mounts:
        for folder in (m.target for m in scratch):
            if not _inside(mount.target, folder) or mount.target == folder:
                continue
            first = os.path.relpath(mount.target, folder).split(os.sep)[0]
            top = os.path.join(folder, first)
            if top != mount.target and top not in targets and top not in tops:
                tops.append(top)
    return [Mount("tmpfs", "", top, perms="0755") for top in tops]


def _parents(mounts: list[Mount]) -> list[Mount]:
    """Folders (0755) on the way to each mount that no mount provides: bwrap would make them
    0700, which the child's uid cannot cross. (Inside a bound folder they exist already.)"""
    targets = {m.target for m in mounts} | {"/dev", "/proc"}
    bound = {m.target.rstrip("/") or "/" for m in mounts if m.kind not in ("tmpfs", "dir", "remount-ro")} | {"/dev", "/proc"}

    def in_bound(path: str) -> bool:        # path is a bound folder or lies inside one
        while True:
            if path in bound:
                return True
            if path in ("/", ""):
                return False
            path = os.path.dirname(path)

    made = []
    for mount in mounts:
        parent = os.path.dirname(mount.target)
        while parent != "/" and parent not in targets and not in_bound(parent):
            if parent not in made:
                made.append(parent)
            parent = os.path.dirname(parent)
    return [Mount("dir", "", path, perms="0755") for path in sorted(made, key=len)]


def _covers(secret: list[str], mounts: list[Mount]) -> list[Mount]:
    """Mounts that cover each hidden path lying inside the view: an empty tmpfs for a folder,
    /dev/null for a file. Nothing for one outside the view, or under an empty tmpfs already."""
    covers = []
    for path in secret:
        holders = [m for m in mounts if _inside(path, m.target) and (m.kind == "tmpfs" or os.path.exists(m.source))]
        if not os.path.exists(path) or not holders:
            continue
        if max(holders, key=lambda m: len(m.target)).kind == "tmpfs":   # already empty there
            continue
        covers.append(Mount("tmpfs", "", path) if os.path.isdir(path) else Mount("ro-bind", "/dev/null", path))
    return covers
