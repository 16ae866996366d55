"""Hidden checks of 05_sign_language_mnist: seeded random files and inputs, compared with the reference."""
import numpy as np
import pytest

from grader.student.compare import Mismatch, assert_close, assert_equal, call
from grader.student.data.sign_mnist import HEADER
from grader.specs.week3.sign_language_mnist_public import (KERAS_TIMEOUT, VALID_LABELS, built_model, check_arrays,
                                                     csv_line, expect_error, loaded, write_csv)

pytestmark = pytest.mark.hidden


def random_rows(rng, count: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    labels = rng.choice(VALID_LABELS, size=count)
    images = rng.integers(0, 256, size=(count, 28, 28))
    return [csv_line(label, image) for label, image in zip(labels, images)], images, labels


@pytest.mark.graded("load_sign_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("Any number of lines, pixels anywhere in 0-255, empty lines skipped: same result as the reference.")
def test_random_files(sub, ref, tmp_path):
    """random well-formed files, some with empty lines, match the reference"""
    rng = np.random.default_rng(2051)
    for case in range(4):
        lines, _, _ = random_rows(rng, int(rng.integers(1, 25)))
        if case % 2:
            lines.insert(int(rng.integers(0, len(lines))), "")
            lines.append("")
        path = write_csv(tmp_path, f"random{case}.csv", [HEADER, *lines], newline_at_end=bool(case != 2))
        (X, y), what = loaded(sub, path)
        X_ref, y_ref = ref.load_sign_mnist(str(path))
        check_arrays(X, y, X_ref, y_ref, what)


@pytest.mark.graded("load_sign_mnist")
@pytest.mark.points(1)
@pytest.mark.timeout(30)
@pytest.mark.hint("Count lines from 1 (the header), including empty ones, and report the first bad line; on a "
                  "line with several problems, report the first in the table's order: columns, integer, label, "
                  "0-255.")
def test_errors_at_random_lines(sub, tmp_path):
    """faults on random lines (pixel784 = 256 too) and lines with two faults: the line and the first fault reported

    One fault per line: a missing or an extra value, an empty or a non-integer value, labels 26 and 100, pixels
    300 and 256, some after an empty line. Two faults on one line: a wrong count with a non-integer, a non-integer
    with label 9 or pixel 300, label 25 with pixel 256; the table's order (columns, integer, label, 0-255) decides.
    """
    rng = np.random.default_rng(2052)
    faults = [("columns", lambda f: f[:-3]), ("columns", lambda f: f + ["0"]),
              ("integer", lambda f: f[:100] + [""] + f[101:]), ("integer", lambda f: ["A"] + f[1:]),
              ("label", lambda f: ["26"] + f[1:]), ("label", lambda f: ["100"] + f[1:]),
              ("0-255", lambda f: f[:700] + ["300"] + f[701:]), ("0-255", lambda f: f[:-1] + ["256"]),
              # two faults on one line: the table's order decides which one is reported
              ("columns", lambda f: f[:50] + ["x"] + f[51:] + ["7"]),
              ("integer", lambda f: ["9"] + f[1:300] + ["4.5"] + f[301:]),
              ("integer", lambda f: ["B"] + f[1:600] + ["300"] + f[601:]),
              ("label", lambda f: ["25"] + f[1:10] + ["256"] + f[11:])]
    for case, (keyword, spoil) in enumerate(faults):
        lines, _, _ = random_rows(rng, int(rng.integers(3, 12)))
        if case % 2:
            lines.insert(0, "")                           # an empty line right after the header
        candidates = [k for k, line in enumerate(lines) if line]
        bad = int(rng.choice(candidates))
        lines[bad] = ",".join(spoil(lines[bad].split(",")))
        path = write_csv(tmp_path, f"fault{case}.csv", [HEADER, *lines])
        expect_error(sub, path, bad + 2, keyword, f"a bad line {bad + 2} ({keyword})")


@pytest.mark.graded("letter")
@pytest.mark.points(1)
@pytest.mark.hint("Every label 0-24 except 9 names a letter, whether it arrives as a Python int or as a NumPy "
                  "integer such as np.int32 or np.uint8 (treat it as a plain int).")
def test_all_letters(sub, ref):
    """all 24 labels, as Python and NumPy integers, match the reference"""
    for label in VALID_LABELS:
        for value in (label, np.int32(label), np.uint8(label)):
            got = sub.letter(value)
            assert_equal(got, ref.letter(label), call("letter", value))


@pytest.mark.graded("preprocess")
@pytest.mark.points(1)
@pytest.mark.hint("Work on any number of images; return new arrays and leave X and y unchanged.")
def test_random_batches(sub, ref):
    """random batches of 1, 7 and 30 images match the reference; X and y are left unchanged"""
    rng = np.random.default_rng(2053)
    for n in (1, 7, 30):
        X = rng.integers(0, 256, size=(n, 28, 28)).astype(np.uint8)
        y = rng.choice(VALID_LABELS, size=n)
        X_copy, y_copy = X.copy(), y.copy()
        what = f"preprocess(X, y) with {n} random images"
        X_ready, Y = sub.preprocess(X, y)
        X_ref, Y_ref = ref.preprocess(X_copy, y_copy)
        assert_close(X_ready, X_ref, f"X_ready from {what}", rtol=1e-6)
        assert_equal(np.asarray(Y), Y_ref, f"Y_onehot from {what}")
        assert_equal(X, X_copy, f"X after {what}")
        assert_equal(y, y_copy, f"y after {what}")


@pytest.mark.graded("build_sign_model")
@pytest.mark.points(1)
@pytest.mark.timeout(KERAS_TIMEOUT)
@pytest.mark.hint("Create the layers and the model inside build_sign_model(), so each call gives a new model.")
def test_new_model_each_call(sub):
    """each call returns a new model that shares no layer with the previous one"""
    first = built_model(sub.build_sign_model)
    second = built_model(sub.build_sign_model)
    shared = {id(layer) for layer in first.layers} & {id(layer) for layer in second.layers}
    if first is second or shared:
        raise Mismatch("two build_sign_model() calls", "returned the same model or shared layers")
