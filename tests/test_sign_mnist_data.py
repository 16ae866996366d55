"""grader.weeks.week3.data.sign_mnist: the Kaggle files when given, else a stand-in in the identical CSV format."""
import numpy as np
import pytest

from grader.weeks.week3.data import sign_mnist
from grader.weeks.week3.data.sign_mnist import FILES, HEADER, MISSING_LABELS, STANDIN_LABELS, sign_mnist_files, write_sign_csv
from tests.helpers import namespace_with


def test_header_is_kaggles():
    assert HEADER.startswith("label,pixel1,pixel2,") and HEADER.endswith(",pixel784")
    assert len(HEADER.split(",")) == 785


def test_standin_labels_are_letters():
    assert not set(STANDIN_LABELS) & set(MISSING_LABELS)
    assert all(0 <= label <= 24 for label in STANDIN_LABELS)


def test_write_sign_csv(tmp_path):
    images = np.arange(2 * 784).reshape(2, 28, 28) % 256
    path = write_sign_csv(tmp_path / "two.csv", images, [3, 24])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert lines[1].split(",")[:4] == ["3", "0", "1", "2"] and lines[2].split(",")[0] == "24"
    assert all(len(line.split(",")) == 785 for line in lines)


def test_standin_is_built_once_and_read_by_the_reference(tmp_path, monkeypatch):
    monkeypatch.delenv("SIGN_MNIST_DIR", raising=False)
    monkeypatch.setattr(sign_mnist, "standin_folder", lambda: tmp_path / "standin")
    train, test, real = sign_mnist_files()
    assert not real and train.name == FILES[0] and test.name == FILES[1]
    stamp = train.stat().st_mtime_ns
    assert sign_mnist_files()[0].stat().st_mtime_ns == stamp          # reused, not rebuilt
    reference = namespace_with("sign_language_mnist")
    X, y = reference["load_sign_mnist"](train)
    X_test, y_test = reference["load_sign_mnist"](test)
    assert X.shape == (4000, 28, 28) and X.dtype == np.uint8 and X_test.shape == (1000, 28, 28)
    assert sorted(set(y.tolist())) == list(STANDIN_LABELS)
    assert np.array_equal(np.bincount(y_test, minlength=25)[list(STANDIN_LABELS)], np.full(10, 100))
    assert X.max() == 255


def test_real_files_from_sign_mnist_dir(tmp_path, monkeypatch):
    for name in FILES:
        write_sign_csv(tmp_path / name, np.zeros((1, 784)), [0])
    monkeypatch.setenv("SIGN_MNIST_DIR", str(tmp_path))
    train, test, real = sign_mnist_files()
    assert real and train == tmp_path / FILES[0] and test == tmp_path / FILES[1]


def test_sign_mnist_dir_missing_a_file(tmp_path, monkeypatch):
    write_sign_csv(tmp_path / FILES[0], np.zeros((1, 784)), [0])
    monkeypatch.setenv("SIGN_MNIST_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"missing sign_mnist_test.csv"):
        sign_mnist_files()
