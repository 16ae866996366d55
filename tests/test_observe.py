"""The data behind the feedback pictures: what the student's functions do on fixed inputs."""
import numpy as np
import pytest

from grader.core import model_eval
from grader.grading.observe import observe
from grader.weeks.week3.instructor.observers import AXIS
from grader.core.submission import Submission
from tests.helpers import namespace_with

ZERO, ONE = int(np.argmin(abs(AXIS))), int(np.argmin(abs(AXIS - 1)))


def observed(spec, *overrides):
    return observe(spec, Submission(namespace_with(spec, *overrides)))


def truth(grid) -> list[int]:
    """The gate's output at (0,0), (0,1), (1,0), (1,1) (grid rows follow x2, columns x1)."""
    grid = np.asarray(grid)
    return [int(grid[x2, x1]) for x1, x2 in ((ZERO, ZERO), (ZERO, ONE), (ONE, ZERO), (ONE, ONE))]


def test_gate_regions_hold_each_gate_on_the_grid():
    gates = observed("perceptron")["gates"]
    assert np.allclose(gates["axis"], AXIS)
    assert truth(gates["and_gate"]) == [0, 0, 0, 1]
    assert truth(gates["or_gate"]) == [0, 1, 1, 1]
    assert truth(gates["nand_gate"]) == [1, 1, 1, 0]
    assert truth(gates["xor_gate"]) == [0, 1, 1, 0]


def test_a_wrong_gate_is_drawn_as_it_is():
    gates = observed("perceptron", "def or_gate(x1, x2):\n    return and_gate(x1, x2)\n")["gates"]
    assert truth(gates["or_gate"]) == [0, 0, 0, 1]


@pytest.mark.parametrize("body, says", [
    ("return 1", "shape"),                              # a scalar: nothing to draw
    ("return x1 * float('nan')", "nan"),
    ("raise ValueError('no idea')", "ValueError: no idea"),
    ("return 'and'", "not numbers"),
])
def test_a_gate_that_fails_is_an_error_and_the_others_still_show(body, says):
    found = observed("perceptron", f"def and_gate(x1, x2):\n    {body}\n")
    assert says in found["gates"]["and_gate"]["error"]
    assert truth(found["gates"]["or_gate"]) == [0, 1, 1, 1]
    assert "errors" in found["perceptron_training"]


def test_gates_not_written_yet_say_so_once():
    stub = "def {0}(x1, x2):\n    raise NotImplementedError()\n"
    found = observed("perceptron", *(stub.format(name) for name in ("and_gate", "or_gate", "nand_gate", "xor_gate")))
    assert found["gates"] == {"error": "아직 구현하지 않았습니다 (not implemented yet)"}


def test_perceptron_training_keeps_the_line_and_the_errors():
    training = observed("perceptron")["perceptron_training"]
    X, y, w, b = np.array(training["X"]), np.array(training["y"]), np.array(training["w"]), training["b"]
    assert training["errors"][-1] == 0 and len(training["errors"]) > 1
    assert np.array_equal((X @ w + b > 0).astype(int), y)


def test_xor_region_is_the_networks_output():
    region = observed("xor_mlp")["xor_region"]
    output = np.array(region["output"])
    assert output.shape == (len(AXIS), len(AXIS)) and output.min() >= 0 and output.max() <= 1
    assert [round(v) for v in truth(output.round())] == region["y"] == [0, 1, 1, 0]


def test_xor_region_with_broken_weights_is_an_error():
    found = observed("xor_mlp", "XOR_WEIGHTS = {'W1': 1}\n")
    assert "error" in found["xor_region"]


def test_loss_curve_and_a_missing_function():
    losses = observed("backprop")["losses"]["losses"]
    assert len(losses) == 200 and losses[-1] < losses[0] / 10
    missing = observe("backprop", Submission({}))["losses"]
    assert "TwoLayerNet" in missing["error"]


def test_augmented_images_keep_the_originals_in_the_first_row():
    from grader.weeks.week3.data.mnist import bundled_training_split
    found = observed("training_skills")["augmented"]
    images = np.array(found["images"])
    assert images.shape == (4, 6, 28, 28)
    x, y = bundled_training_split()
    assert np.array_equal(images[0, 3], x[np.flatnonzero(y == 3)[0]])
    assert not np.array_equal(images[1], images[0])           # the copies are shifted
    assert found["labels"] == list(range(6))


def test_letters_are_the_students_letter_function():
    found = observed("sign_language_mnist", "def letter(label):\n    return 'Q'\n")["letters"]
    assert found["letters"] == ["Q"] * len(found["labels"])
    assert observed("sign_language_mnist")["letters"]["letters"][:3] == ["A", "B", "C"]
    odd = observed("sign_language_mnist", "def letter(label):\n    return 7 if label else 'A'\n")["letters"]
    assert odd["letters"][:2] == ["A", None]
    stub = observed("sign_language_mnist", "def letter(label):\n    raise NotImplementedError()\n")
    assert stub["letters"] == {"error": "아직 구현하지 않았습니다 (not implemented yet)"}


def test_mnist_pictures_use_only_this_submissions_training(monkeypatch):
    evaluation = model_eval.Evaluation("validation", 0.5, np.diag(np.full(10, 5)) + np.eye(10, k=1, dtype=int))
    graded = model_eval.GradedModel(seconds=3.0, validation=evaluation,
                                    test=model_eval.Evaluation("hidden test", 0.25, np.eye(10, dtype=int)))
    monkeypatch.setattr(model_eval, "_last", (("key",), graded))
    found = observe("mnist_homework", Submission({}))
    assert np.array_equal(found["confusion"]["matrix"], evaluation.confusion)
    assert found["confusion"]["pairs"][0][:2] == [0, 1]
    assert found["accuracy"] == {"validation": 0.5, "test": 0.25, "seconds": 3.0}
    model_eval.forget()                                       # what the batch does before each notebook
    found = observe("mnist_homework", Submission({}))
    assert "error" in found["confusion"] and "error" in found["accuracy"]


@pytest.mark.slow
def test_in_the_sandbox_a_hanging_function_is_stopped_and_the_next_picture_still_drawn():
    from grader.sandbox.session import SandboxedSubmission
    from tests.helpers import SOLUTIONS
    code = (SOLUTIONS / "perceptron.py").read_text(encoding="utf-8")
    hang = "def and_gate(x1, x2):\n    while True:\n        pass\n"
    with SandboxedSubmission([(1, code), (2, hang)], cell_timeout=30) as sandbox:
        found = observe("perceptron", sandbox, seconds=2)
    assert "longer than 2 s" in found["gates"]["error"]
    assert found["perceptron_training"]["errors"][-1] == 0
