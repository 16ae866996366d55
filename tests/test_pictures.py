"""The feedback pictures (grader/pages/pictures.py, and week 3's drawers in
grader/weeks/week3/instructor/): valid observations give real PNGs, broken ones give no picture
and no exception, and Korean labels fall back to English without a font."""
from __future__ import annotations

import base64
import dataclasses
import re
import struct

import numpy as np
import pytest

from grader.pages import figures
from grader.grading.observe import picture_rows
from grader.pages import pictures as P
from grader.weeks.week3.instructor import drawers as D
from grader.weeks.week3.instructor.pictures import PICTURES

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
AXIS = np.linspace(-0.5, 1.5, 21)
X1, X2 = np.meshgrid(AXIS, AXIS)          # rows follow x2, columns follow x1


def step(z):
    return (z > 0).astype(int)


def gates() -> dict:
    return {"axis": AXIS.tolist(), "and_gate": step(X1 + X2 - 1.5).tolist(), "or_gate": step(X1 + X2 - 0.5).tolist(),
            "nand_gate": step(1.5 - X1 - X2).tolist(),
            "xor_gate": (step(X1 + X2 - 0.5) & step(1.5 - X1 - X2)).tolist()}


def perceptron_training() -> dict:
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(30, 2))
    y = (X @ np.array([1.0, -2.0]) + 0.3 > 0).astype(int)
    return {"X": X.tolist(), "y": y.tolist(), "w": [0.2, -0.4], "b": 0.06, "errors": [7, 4, 2, 1, 0]}


def xor_region() -> dict:
    sigmoid = lambda z: 1 / (1 + np.exp(-z))                     # noqa: E731
    hidden_or, hidden_nand = sigmoid(20 * (X1 + X2) - 10), sigmoid(30 - 20 * (X1 + X2))
    output = sigmoid(20 * hidden_or + 20 * hidden_nand - 30)
    return {"axis": AXIS.tolist(), "output": output.tolist(), "X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [0, 1, 1, 0]}


def losses() -> dict:
    return {"losses": (0.7 * np.exp(-np.arange(60) / 10) + 0.001).tolist(),
            "setting": "TwoLayerNet(2, 16, 2) on the four XOR points, lr 0.5, 60 epochs"}


def digits(count: int, size: int = 28) -> np.ndarray:
    """``count`` simple 0-255 images: a bright bar whose position depends on the index."""
    images = np.zeros((count, size, size))
    for i in range(count):
        images[i, 4:size - 4, 3 + 2 * i % (size - 6): 6 + 2 * i % (size - 6)] = 255
    return images


def augmented() -> dict:
    originals = digits(4)
    copies = [originals, np.roll(originals, 2, axis=2), originals[:, :, ::-1]]
    return {"images": np.stack(copies).tolist(), "labels": [0, 1, 2, 3]}


def letters() -> dict:
    return {"images": digits(6).astype(int).tolist(), "labels": [0, 1, 2, 3, 4, 5],
            "letters": ["A", "B", "C", "d", None, "F"]}


def confusion() -> dict:
    matrix = np.diag(np.arange(40, 50))
    matrix[4, 9], matrix[7, 2], matrix[3, 5] = 6, 3, 1
    return {"matrix": matrix.tolist(), "split": "validation", "accuracy": float(np.trace(matrix) / matrix.sum()),
            "pairs": [[4, 9, 6], [7, 2, 3], [3, 5, 1]]}


KINDS = {   # observation key: (spec, kind function, valid data)
    "gates": ("perceptron", D.gate_regions, gates),
    "perceptron_training": ("perceptron", D.perceptron_training, perceptron_training),
    "xor_region": ("xor_mlp", D.xor_region, xor_region),
    "losses": ("backprop", D.loss_curve, losses),
    "augmented": ("training_skills", D.augmented_images, augmented),
    "letters": ("sign_language_mnist", D.letter_grid, letters),
    "confusion": ("mnist_homework", D.confusion_matrix, confusion),
}


def png_size(picture: P.Picture) -> tuple[int, int]:
    """(width, height) of the PNG in ``picture.data_uri``; fails unless it is a real PNG."""
    prefix = "data:image/png;base64,"
    assert picture.data_uri.startswith(prefix)
    data = base64.b64decode(picture.data_uri[len(prefix):], validate=True)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_picture(picture) -> None:
    assert isinstance(picture, P.Picture)
    width, height = png_size(picture)
    assert width > 100 and height > 100
    assert isinstance(picture.caption, str) and picture.caption.strip()
    assert "\n" not in picture.caption


@pytest.fixture
def drawn(monkeypatch):
    """The figures the pictures render (recorded by a wrapped ``figures.to_data_uri``)."""
    record = []
    real = figures.to_data_uri

    def recording(figure):
        record.append(figure)
        return real(figure)
    monkeypatch.setattr(figures, "to_data_uri", recording)
    monkeypatch.setattr(figures, "DRAWN", type(figures.DRAWN)())   # every picture drawn afresh
    return record


def test_the_same_observation_is_drawn_once_and_a_different_one_again(drawn):
    first = P.pictures("perceptron", {"gates": gates(), "perceptron_training": perceptron_training()})
    again = P.pictures("perceptron", {"gates": gates(), "perceptron_training": perceptron_training()})
    assert len(drawn) == 2 and again == first
    changed = perceptron_training()
    changed["errors"] = list(changed["errors"])[::-1]
    other = P.pictures("perceptron", {"gates": gates(), "perceptron_training": changed})
    assert len(drawn) == 3 and other[1] != first[1] and other[0] == first[0]


def texts(figure) -> list[str]:
    from matplotlib.text import Text
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


# ---------------------------------------------------------------- valid data

@pytest.mark.parametrize("key", KINDS)
def test_valid_observation_gives_a_png(key, drawn):
    spec, draw, make = KINDS[key]
    found = P.pictures(spec, {key: make()})
    assert len(found) == 1
    assert_picture(found[0])
    assert len(drawn) == 1 and texts(drawn[0])      # titled and labelled


def test_the_weeks_table_covers_every_kind_and_draws_nothing_for_accuracy():
    drawn_rows = [row for row in PICTURES if row.draw is not None]
    assert {row.name for row in drawn_rows} == set(KINDS)
    for row in drawn_rows:
        assert KINDS[row.name][:2] == (row.spec, row.draw) and row.shown
    assert [(row.spec, row.name, row.shown) for row in PICTURES if row.draw is None] == \
        [("mnist_homework", "accuracy", False)]
    assert all(re.search(HANGUL, row.caption[0]) and row.caption[1].isascii() for row in PICTURES)
    assert P.pictures("mnist_homework", {"accuracy": {"validation": 0.98, "test": 0.97, "seconds": 30}}) == []


def test_perceptron_page_has_both_pictures_in_order():
    found = P.pictures("perceptron", {"perceptron_training": perceptron_training(), "gates": gates(),
                                      "unknown": {"x": 1}})
    assert [p.caption.split()[0] for p in found] == ["Shaded:", "With"]


def test_unknown_spec_or_no_observations_give_nothing():
    assert P.pictures("no_such_notebook", {"gates": gates()}) == []
    assert P.pictures("perceptron", {}) == []
    assert P.pictures("perceptron", None) == []
    assert P.pictures("perceptron", {"gates": None, "perceptron_training": "text"}) == []


def test_a_wrong_gate_is_named_and_ringed(drawn):
    observation = gates()
    observation["xor_gate"] = observation["or_gate"]           # OR is not XOR at (1, 1)
    picture = D.gate_regions(observation)
    assert "XOR at (1, 1)" in picture.caption
    assert any(t.startswith("XOR: 1/4") for t in texts(drawn[0]))
    assert "disagrees" in picture.caption


def test_gates_with_some_failures_draw_the_rest(drawn):
    observation = gates()
    observation["xor_gate"] = {"error": "RecursionError: maximum recursion depth exceeded"}
    del observation["nand_gate"]
    observation["or_gate"] = [[0, 1]]                          # wrong shape: that panel is left out
    assert_picture(D.gate_regions(observation))
    assert len(drawn[0].axes) == 1


@pytest.mark.parametrize("w", [[0.5, 0.0], [0.0, 0.0]], ids=["vertical-line", "no-line"])
def test_perceptron_line_special_cases(w):
    observation = perceptron_training() | {"w": w, "errors": list(range(80, 0, -1))}
    picture = D.perceptron_training(observation)
    assert_picture(picture)
    assert ("no line" in picture.caption) == (w == [0.0, 0.0])
    assert "still had 1 error" in picture.caption


def test_xor_output_that_never_crosses_half(drawn):
    observation = xor_region() | {"output": np.full((21, 21), 0.2).tolist()}
    picture = D.xor_region(observation)
    assert_picture(picture)
    assert "2 XOR points" in picture.caption


def test_loss_on_log_scale_only_when_it_spans_a_decade(drawn):
    D.loss_curve(losses())
    D.loss_curve({"losses": [1.0, 0.8, 0.7], "setting": None})
    assert drawn[0].axes[0].get_yscale() == "log"
    assert drawn[1].axes[0].get_yscale() == "linear"
    assert not any("\u2212" in t or "$" in t for t in texts(drawn[0]))   # plain tick labels, no mathtext


def test_loss_caption_names_the_setting():
    assert "lr 0.5, 60 epochs" in D.loss_curve(losses()).caption


def test_augmentation_copy_identical_to_originals_is_mentioned():
    observation = augmented()
    observation["images"][2] = observation["images"][0]
    assert "copy 2 is identical" in D.augmented_images(observation).caption


def test_letters_flag_wrong_and_missing_letters(drawn):
    picture = D.letter_grid(letters())
    assert "3 gave 'd'" in picture.caption and "4 gave no string" in picture.caption
    titles = {ax.get_title(): ax.title.get_color() for ax in drawn[0].axes if ax.get_title()}
    assert titles["A (0)"] == "black"
    assert titles["d (3)"] == P.WRONG and titles["None (4)"] == P.WRONG


def test_confusion_caption_and_title(drawn):
    picture = D.confusion_matrix(confusion())
    assert "4 taken for 9 (6x), 7 taken for 2 (3x), 3 taken for 5 (1x)" in picture.caption
    title = drawn[0].axes[0].get_title()
    assert "confusion matrix" in title and "validation" in title and "accuracy" in title and "%" in title


def test_confusion_pairs_come_from_the_matrix_when_missing():
    observation = confusion() | {"pairs": "nonsense", "accuracy": None}
    assert "4 taken for 9 (6x)" in D.confusion_matrix(observation).caption


# ---------------------------------------------------------------- failed or malformed data

BAD = {
    "gates": [{"axis": [0, 1]}, {"axis": "0..1", "and_gate": [[0]]}, gates() | {"axis": [1.0, 0.5, 0.0] * 7},
              {"axis": AXIS.tolist(), "and_gate": {"error": "x"}, "or_gate": None, "nand_gate": "no",
               "xor_gate": np.full((21, 21), np.nan).tolist()},
              gates() | {"axis": [float("nan")] * 21}],
    "perceptron_training": [perceptron_training() | {"X": [[1, 2, 3]] * 30},
                            perceptron_training() | {"y": [0, 1]},
                            perceptron_training() | {"y": [2] * 30},
                            perceptron_training() | {"w": [1.0]},
                            perceptron_training() | {"w": [float("nan"), 1.0]},
                            perceptron_training() | {"b": "zero"},
                            perceptron_training() | {"b": None},
                            perceptron_training() | {"errors": []},
                            perceptron_training() | {"errors": [1, None, 0]},
                            perceptron_training() | {"X": []}],
    "xor_region": [xor_region() | {"output": [[0.5] * 21] * 20},
                   xor_region() | {"output": np.full((21, 21), np.inf).tolist()},
                   xor_region() | {"y": [0, 1, 1]},
                   xor_region() | {"X": [["a", "b"]] * 4},
                   xor_region() | {"axis": []}],
    "losses": [{"losses": []}, {"losses": [1.0, float("nan"), 0.5]}, {"losses": "1, 2, 3"},
               {"losses": [[1.0, 2.0]]}, {"losses": [1.0, None]}, {"setting": "no losses"},
               {"losses": [0.5] * 300_000}],
    "augmented": [augmented() | {"images": digits(4).tolist()},
                  augmented() | {"labels": [0, 1]},
                  augmented() | {"labels": ["a", "b", "c", "d"]},
                  {"images": np.zeros((3, 4, 100, 200)).tolist(), "labels": [0, 1, 2, 3]},   # 240k numbers
                  augmented() | {"images": [[[[1, 2], [3]]]]}],
    "letters": [letters() | {"letters": "ABCDEF"},
                letters() | {"letters": ["A"]},
                letters() | {"labels": [0.5] * 6},
                letters() | {"images": [[1, 2, 3]]},
                letters() | {"images": None}],
    "confusion": [confusion() | {"matrix": np.ones((10, 9), int).tolist()},
                  confusion() | {"matrix": np.zeros((10, 10), int).tolist()},
                  confusion() | {"matrix": (-np.eye(10)).tolist()},
                  confusion() | {"matrix": (np.eye(10) * 0.5).tolist()},
                  confusion() | {"matrix": []},
                  confusion() | {"matrix": [[None] * 10] * 10},
                  confusion() | {"matrix": "10x10"}],
}


@pytest.mark.parametrize("key", KINDS)
def test_failed_observation_gives_no_picture(key):
    spec = KINDS[key][0]
    assert P.pictures(spec, {key: {"error": "TimeoutError: the function took longer than 10 s"}}) == []


@pytest.mark.parametrize("key,index", [(key, i) for key in BAD for i in range(len(BAD[key]))])
def test_malformed_observation_gives_no_picture(key, index):
    spec, draw, _ = KINDS[key]
    assert P.pictures(spec, {key: BAD[key][index]}) == []
    with pytest.raises(P.Undrawable):
        draw(BAD[key][index])


@pytest.mark.parametrize("value", [None, "text", 3, [], [1, 2], {}, {"axis": None}])
def test_non_mapping_observations_give_no_picture(value):
    for key, (spec, _, _) in KINDS.items():
        assert P.pictures(spec, {key: value}) == []


def test_huge_list_is_refused_before_numpy_copies_it():
    huge = [[0.0] * 1000] * 1000                                # a million numbers, one list object
    with pytest.raises(P.Undrawable, match="too large"):
        P.numbers(huge, strict=True)


def test_a_drawing_error_costs_only_that_picture(monkeypatch):
    def broken(obs):
        raise RuntimeError("matplotlib broke")
    rows = tuple(dataclasses.replace(row, draw=broken) if row.name == "gates" else row
                 for row in picture_rows("perceptron"))
    monkeypatch.setattr(P, "picture_rows", lambda spec: rows)
    found = P.pictures("perceptron", {"gates": gates(), "perceptron_training": perceptron_training()})
    assert len(found) == 1 and found[0].caption.startswith("With")


def test_no_pyplot_figure_is_left_open():
    plt = figures.pyplot()
    before = plt.get_fignums()
    P.pictures("perceptron", {"gates": gates(), "perceptron_training": perceptron_training() | {"w": "x"}})
    assert plt.get_fignums() == before


# ---------------------------------------------------------------- Korean labels

def test_english_only_without_a_korean_font(monkeypatch, drawn):
    monkeypatch.setattr(figures, "korean_font", lambda: None)
    for key, (spec, _, make) in KINDS.items():
        assert len(P.pictures(spec, {key: make()})) == 1, key
    assert len(drawn) == len(KINDS)
    for figure in drawn:
        shown = texts(figure)
        assert shown
        assert not [t for t in shown if HANGUL.search(t)]
    assert "confusion matrix: validation, accuracy" in drawn[-1].axes[0].get_title()


@pytest.mark.skipif(figures.korean_font() is None, reason="no font with Hangul installed")
def test_korean_labels_use_the_korean_font(drawn):
    from matplotlib import font_manager
    D.confusion_matrix(confusion())
    title = drawn[0].axes[0].title
    assert HANGUL.search(title.get_text()) and "(confusion matrix)" in title.get_text()
    path = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert font_manager.FontProperties(fname=path).get_name() == figures.korean_font()


def test_student_letters_are_shown_verbatim_not_as_mathtext(drawn):
    observation = letters() | {"letters": ["$\\frac{", "$x$", "가", "A", "B", "F"]}
    picture = D.letter_grid(observation)
    assert_picture(picture)
    assert "$x$ (1)" in [ax.title.get_text().replace("\\$", "$") for ax in drawn[0].axes]
