"""What week 3's pictures observe: the student's functions called once more on small, fixed inputs.

Each function takes the submission and returns plain JSON for one picture (drawn by
:mod:`grader.weeks.week3.instructor.drawers`): the decision regions of their gates, their
perceptron's training, the output of their XOR network on a grid, their loss curve, their
augmented images, their letters, their MNIST confusion matrix (and, for the class report, the
homework's accuracy). :func:`grader.grading.observe.observe` runs them, each bounded in time.
"""
from __future__ import annotations

import numpy as np

from grader.grading.observe import Unusable, attempt, numbers

GRID = 41                      # points per axis of a decision-region grid
AXIS = np.linspace(-0.5, 1.5, GRID).round(5)
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """(x1, x2), each (GRID, GRID): rows follow x2, columns follow x1."""
    return np.meshgrid(AXIS, AXIS)


def gates(sub) -> dict:
    x1, x2 = _grid()
    found = {"axis": AXIS.tolist()}
    for name in ("and_gate", "or_gate", "nand_gate", "xor_gate"):
        found[name] = attempt(lambda: numbers(getattr(sub, name)(x1.copy(), x2.copy()), x1.shape, name).tolist())
    failed = [found[name]["error"] for name in found if isinstance(found[name], dict)]
    if len(failed) == 4:
        raise Unusable(failed[0])
    return found


def perceptron_training(sub) -> dict:
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(30, 2))
    y = (X @ np.array([1.0, -2.0]) + 0.3 > 0).astype(int)
    result = sub.train_perceptron(X.copy(), y.copy(), lr=0.1, epochs=50, seed=0)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise Unusable("train_perceptron did not return (w, b, errors)")
    w, b, errors = result
    return {"X": X.tolist(), "y": y.tolist(), "w": numbers(w, (2,), "w").tolist(),
            "b": float(numbers(b, None, "b").reshape(-1)[0]), "errors": numbers(errors, None, "errors").ravel().tolist()}


def xor_region(sub) -> dict:
    weights = sub.XOR_WEIGHTS
    arrays = {key: numbers(weights[key], None, f'XOR_WEIGHTS["{key}"]') for key in ("W1", "b1", "W2", "b2")}
    x1, x2 = _grid()
    points = np.column_stack([x1.ravel(), x2.ravel()])
    output = numbers(sub.mlp_forward(points, **arrays), (len(points), 1), "mlp_forward(...)")
    return {"axis": AXIS.tolist(), "output": output.reshape(x1.shape).round(5).tolist(),
            "X": XOR_X.tolist(), "y": XOR_Y.tolist()}


def losses(sub) -> dict:
    import importlib

    from grader.core.course import reference_module

    budget = importlib.import_module(reference_module("backprop")).XOR_BUDGET   # trusted constants, not student code
    net = sub.TwoLayerNet(2, budget["hidden_dim"], 2, weight_scale=budget["weight_scale"], seed=0)
    history = sub.train(net, XOR_X.copy(), XOR_Y.copy(), lr=budget["lr"], epochs=budget["epochs"],
                        batch_size=budget["batch_size"], seed=0)
    setting = (f"TwoLayerNet(2, {budget['hidden_dim']}, 2) trained on the four XOR points, lr {budget['lr']}, "
               f"{budget['epochs']} epochs")
    return {"losses": numbers(history, None, "train(...)").ravel().tolist(), "setting": setting}


def augmented(sub) -> dict:
    from grader.weeks.week3.data.mnist import bundled_training_split
    images, labels = bundled_training_split()
    picked = [int(np.flatnonzero(labels == digit)[0]) for digit in range(6)]
    X, y, copies = images[picked], labels[picked].astype(int), 3
    result = sub.augment(X.copy(), y.copy(), copies, 0)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Unusable("augment did not return (X_aug, y_aug)")
    shape = (len(X) * (copies + 1), *X.shape[1:])
    out = numbers(result[0], shape, "X_aug")
    return {"images": out.reshape(copies + 1, len(X), *X.shape[1:]).round(4).tolist(), "labels": y.tolist()}


def letters(sub) -> dict:
    from grader.weeks.week3.data.sign_mnist import standin_arrays
    images, labels, _, _ = standin_arrays()
    picked = [int(np.flatnonzero(labels == label)[0]) for label in np.unique(labels)[:8]]
    said = [attempt(lambda: sub.letter(int(label))) for label in labels[picked]]
    if all(isinstance(text, dict) for text in said):
        raise Unusable(said[0]["error"])
    said = [text[:8] if isinstance(text, str) else None for text in said]
    return {"images": images[picked].astype(int).tolist(), "labels": labels[picked].astype(int).tolist(),
            "letters": said}


def mnist_model(sub) -> dict:
    """The confusion matrix on the validation part and the accuracies of the model the specs
    trained (no new training: :func:`grader.core.model_eval.last_graded`)."""
    from grader.core.model_eval import last_graded
    graded = last_graded()
    if graded is None or graded.validation is None:
        raise Unusable(graded.error if graded is not None and graded.error else "the model was not trained")
    validation = graded.validation
    return {"matrix": validation.confusion.astype(int).tolist(), "split": validation.split,
            "accuracy": validation.accuracy, "pairs": [list(p) for p in validation.confused_pairs()]}


def mnist_accuracy(sub) -> dict:
    """For the class report: validation and hidden-test accuracy (never drawn on a student's page)."""
    from grader.core.model_eval import last_graded
    graded = last_graded()
    if graded is None or graded.test is None:
        raise Unusable("the model was not trained")
    return {"validation": graded.validation.accuracy, "test": graded.test.accuracy, "seconds": graded.seconds}
