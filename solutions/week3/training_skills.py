# Generated from source/week3/04_training_skills.ipynb by `make release`: do not edit.
# Reference solutions: never released to students.
"""Reference solutions of 04_training_skills.ipynb."""

import numpy as np
import matplotlib.pyplot as plt


def iterations_per_epoch(n_samples, batch_size):
    # number of mini-batches in one epoch: ceil(n_samples / batch_size), as an int.
    return -(-int(n_samples) // int(batch_size))


def minibatches(X, y, batch_size, shuffle=True, seed=None):
    # X: (n, ...) samples; y: (n,) labels.
    # Yields (Xb, yb): Xb of shape (b, ...), yb of shape (b,), b <= batch_size; every sample exactly once.
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]


def leaky_relu(z, alpha=0.01):
    # z where z > 0, alpha * z elsewhere; z: scalar or array -> floats of the same shape.
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


from grader import skip_if_unwritten

ACTIVATION_QUIZ = {
    "binary_output": None,
    "multiclass_output": None,
    "multilabel_output": None,
    "regression_output": None,
    "hidden_default": None,
    "dying_relu_fix": None,
}
# Fill in each answer, e.g. ACTIVATION_QUIZ["binary_output"] = "...".
with skip_if_unwritten("ACTIVATION_QUIZ"):
    ACTIVATION_QUIZ["binary_output"] = "sigmoid"
    ACTIVATION_QUIZ["multiclass_output"] = "softmax"
    ACTIVATION_QUIZ["multilabel_output"] = "sigmoid"
    ACTIVATION_QUIZ["regression_output"] = "linear"
    ACTIVATION_QUIZ["hidden_default"] = "relu"
    ACTIVATION_QUIZ["dying_relu_fix"] = "leaky_relu"


def early_stopping_epoch(val_losses, patience):
    # val_losses: sequence of floats, one per epoch (epochs numbered from 0); patience >= 1.
    # Returns the int index of the epoch after which training stops (len(val_losses) - 1 if it never stops early).
    best = np.inf
    wait = 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return len(val_losses) - 1


def fit_diagnosis(train_losses, val_losses):
    # train_losses, val_losses: sequences of floats, one per epoch.
    # Returns "overfitting", "underfitting" or "good" by the rule above (checked in that order).
    train = np.asarray(train_losses, dtype=float)
    val = np.asarray(val_losses, dtype=float)
    if val[-1] > 1.1 * val.min():
        return "overfitting"
    if train[-1] > 0.5 * train[0]:
        return "underfitting"
    return "good"


def dropout_forward(x, p, train=True, seed=None):
    # x: array of any shape; p: drop probability, 0 <= p < 1.
    # Returns out (same shape as x) and mask (same shape: 0 or 1/(1-p) in training, all ones otherwise).
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    rng = np.random.default_rng(seed)
    keep = rng.random(x.shape) >= p
    mask = keep / (1 - p)
    return x * mask, mask


def dropout_backward(dout, mask):
    # dout: upstream gradient, same shape as mask (from dropout_forward) -> dx of the same shape.
    return dout * mask


def random_shift(img, max_shift, rng):
    # img: (h, w) image; rng: np.random.Generator.
    # Returns (h, w), same dtype: img moved down by dy and right by dx, zeros shifted in.
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    h, w = img.shape
    out = np.zeros_like(img)
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        img[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def horizontal_flip(img):
    # img: (h, w) -> (h, w), left and right swapped.
    return np.asarray(img)[:, ::-1].copy()


def augment(X, y, copies, seed):
    # X: (n, h, w) images; y: (n,) labels; copies >= 0.
    # Returns X_aug: (n * (copies + 1), h, w), same dtype (originals first); y_aug: (n * (copies + 1),).
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(seed)
    images, labels = [X], [y]
    for _ in range(copies):
        images.append(np.stack([random_shift(img, 1, rng) for img in X]))
        labels.append(y)
    return np.concatenate(images), np.concatenate(labels)


def majority_vote(predictions):
    # predictions: (n_models, n_samples) non-negative integer labels -> (n_samples,) integers.
    # The most frequent label per sample; ties go to the smallest label.
    predictions = np.asarray(predictions)
    labels = np.arange(predictions.max() + 1)
    counts = (predictions[:, :, None] == labels).sum(axis=0)   # (n_samples, n_labels)
    return counts.argmax(axis=1)


def soft_vote(probabilities):
    # probabilities: (n_models, n_samples, n_classes) -> (n_samples,) integers: argmax of the mean over models.
    return np.asarray(probabilities).mean(axis=0).argmax(axis=1)
