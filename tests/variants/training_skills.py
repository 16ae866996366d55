"""Correct implementations of 04_training_skills in other styles than the reference."""
from tests.variants import Variant

VARIANTS = [
    # ------------------------------------------------------------------ iterations_per_epoch
    Variant("iterations_per_epoch", "math.ceil of a true division", """
import math
def iterations_per_epoch(n_samples, batch_size):
    return math.ceil(n_samples / batch_size)
"""),
    Variant("iterations_per_epoch", "(n + b - 1) // b", """
def iterations_per_epoch(n_samples, batch_size):
    return (n_samples + batch_size - 1) // batch_size
"""),
    Variant("iterations_per_epoch", "int(np.ceil(...))", """
def iterations_per_epoch(n_samples, batch_size):
    return int(np.ceil(n_samples / batch_size))
"""),
    Variant("iterations_per_epoch", "divmod, one more for a remainder", """
def iterations_per_epoch(n_samples, batch_size):
    full, rest = divmod(n_samples, batch_size)
    return full + (1 if rest else 0)
"""),

    # ------------------------------------------------------------------ minibatches
    Variant("minibatches", "rng.shuffle of np.arange(n), a while loop", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    order = np.arange(len(X))
    if shuffle:
        np.random.default_rng(seed).shuffle(order)
    start = 0
    while start < len(order):
        yield X[order[start:start + batch_size]], y[order[start:start + batch_size]]
        start += batch_size
"""),
    Variant("minibatches", "reorders X and y once, then slices", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(X))
        X, y = X[order], y[order]
    for k in range(iterations_per_epoch(len(X), batch_size)):
        yield X[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size]
"""),
    Variant("minibatches", "lists of arrays, yield from a list of pairs", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    n = len(X)
    order = np.random.default_rng(seed).permutation(n) if shuffle else list(range(n))
    pieces = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    yield from [(np.asarray(X)[list(p)], np.asarray(y)[list(p)]) for p in pieces]
"""),

    # ------------------------------------------------------------------ leaky_relu
    Variant("leaky_relu", "np.maximum(z, alpha * z)", """
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, alpha * z)
"""),
    Variant("leaky_relu", "boolean masks, z * (z > 0) + alpha * z * (z <= 0)", """
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z, dtype=np.float64)
    return z * (z > 0) + alpha * z * (z <= 0)
"""),
    Variant("leaky_relu", "a float copy changed in place", """
def leaky_relu(z, alpha=0.01):
    out = np.array(z, dtype=float)
    out[out <= 0] *= alpha
    return out
"""),
    Variant("leaky_relu", "np.where without converting the input", """
def leaky_relu(z, alpha=0.01):
    return np.where(np.asarray(z) > 0, z, np.multiply(alpha, z, dtype=float))
"""),

    Variant("leaky_relu", "a Python float for a scalar, np.maximum for arrays", """
def leaky_relu(z, alpha=0.01):
    if np.ndim(z) == 0:
        z = float(z)
        return z if z > 0 else alpha * z
    z = np.asarray(z, dtype=float)
    return np.maximum(z, alpha * z)
"""),

    # ------------------------------------------------------------------ ACTIVATION_QUIZ
    Variant("ACTIVATION_QUIZ", "one dict literal, capitals, spaces and hyphens", """
ACTIVATION_QUIZ = {"binary_output": "Sigmoid", "multiclass_output": "SOFTMAX", "multilabel_output": " sigmoid ",
                   "regression_output": "Linear", "hidden_default": "ReLU", "dying_relu_fix": "Leaky ReLU"}
"""),
    Variant("ACTIVATION_QUIZ", "dict.update with leaky-relu", """
ACTIVATION_QUIZ.update(binary_output="sigmoid", multiclass_output="softmax", multilabel_output="sigmoid",
                       regression_output="linear", hidden_default="relu", dying_relu_fix="leaky-relu")
"""),

    # ------------------------------------------------------------------ early_stopping_epoch
    Variant("early_stopping_epoch", "running minimum with np.minimum.accumulate", """
def early_stopping_epoch(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    best_before = np.concatenate([[np.inf], np.minimum.accumulate(losses)[:-1]])
    wait = 0
    for epoch in range(len(losses)):
        wait = 0 if losses[epoch] < best_before[epoch] else wait + 1
        if wait == patience:
            return epoch
    return len(losses) - 1
"""),
    Variant("early_stopping_epoch", "index loop with min of the earlier losses", """
def early_stopping_epoch(val_losses, patience):
    counter = 0
    for k in range(len(val_losses)):
        if k == 0 or val_losses[k] < min(val_losses[:k]):
            counter = 0
        else:
            counter += 1
        if counter == patience:
            return k
    return len(val_losses) - 1
"""),

    # ------------------------------------------------------------------ fit_diagnosis
    Variant("fit_diagnosis", "plain Python min() on the lists", """
def fit_diagnosis(train_losses, val_losses):
    if val_losses[-1] > 1.1 * min(val_losses):
        return "overfitting"
    elif train_losses[-1] > 0.5 * train_losses[0]:
        return "underfitting"
    else:
        return "good"
"""),
    Variant("fit_diagnosis", "ratios instead of products", """
def fit_diagnosis(train_losses, val_losses):
    train, val = list(train_losses), list(val_losses)
    overfit = val[-1] / min(val) > 1.1
    underfit = train[-1] / train[0] > 0.5
    return "overfitting" if overfit else "underfitting" if underfit else "good"
"""),

    Variant("fit_diagnosis", "relative changes: (last - best) / best and the fraction of the loss removed", """
def fit_diagnosis(train_losses, val_losses):
    best = np.min(val_losses)
    if (val_losses[-1] - best) / best > 0.1:
        return "overfitting"
    if train_losses[0] - train_losses[-1] < 0.5 * train_losses[0]:
        return "underfitting"
    return "good"
"""),

    # ------------------------------------------------------------------ dropout_forward
    Variant("dropout_forward", "np.where for the mask, x.copy() at test time", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x, dtype=float)
    if not train:
        return x.copy(), np.ones_like(x)
    u = np.random.default_rng(seed).random(x.shape)
    mask = np.where(u >= p, 1.0 / (1.0 - p), 0.0)
    return x * mask, mask
"""),
    Variant("dropout_forward", "rng.uniform, float keep mask times the scale", """
def dropout_forward(x, p, train=True, seed=None):
    if train:
        rng = np.random.default_rng(seed)
        keep = (rng.uniform(size=np.shape(x)) >= p).astype(np.float64)
        mask = keep * (1 / (1 - p))
        return np.multiply(x, mask), mask
    return x, np.ones(np.shape(x))
"""),
    Variant("dropout_forward", "divides the kept x by (1 - p)", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    return np.where(keep, x / (1 - p), 0.0), keep / (1 - p)
"""),

    Variant("dropout_forward", "train=False returns a copy and np.ones_like", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.array(x, dtype=float)
    if not train:
        return x.copy(), np.ones_like(x)
    rng = np.random.default_rng(seed)
    mask = (rng.random(size=x.shape) >= p) * (1.0 / (1.0 - p))
    return mask * x, mask
"""),

    # ------------------------------------------------------------------ dropout_backward
    Variant("dropout_backward", "np.multiply", """
def dropout_backward(dout, mask):
    return np.multiply(dout, mask)
"""),
    Variant("dropout_backward", "np.where on the kept units", """
def dropout_backward(dout, mask):
    dout, mask = np.asarray(dout), np.asarray(mask)
    return np.where(mask != 0, dout * mask, 0.0)
"""),

    # ------------------------------------------------------------------ random_shift
    Variant("random_shift", "two loops over the pixels, out[i, j] = img[i - dy, j - dx]", """
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    h, w = img.shape
    out = np.zeros(img.shape, dtype=img.dtype)
    for i in range(h):
        for j in range(w):
            if 0 <= i - dy < h and 0 <= j - dx < w:
                out[i, j] = img[i - dy, j - dx]
    return out
"""),
    Variant("random_shift", "np.roll, then the wrapped rows and columns set to 0", """
def random_shift(img, max_shift, rng):
    dy, dx = (int(v) for v in rng.integers(low=-max_shift, high=max_shift + 1, size=2))
    out = np.roll(img, shift=(dy, dx), axis=(0, 1))
    if dy > 0:
        out[:dy, :] = 0
    elif dy < 0:
        out[dy:, :] = 0
    if dx > 0:
        out[:, :dx] = 0
    elif dx < 0:
        out[:, dx:] = 0
    return out
"""),
    Variant("random_shift", "np.pad with zeros, then a window", """
def random_shift(img, max_shift, rng):
    shift = rng.integers(-max_shift, max_shift + 1, size=2)
    m = max_shift
    padded = np.pad(img, m)
    h, w = img.shape
    top, left = m - shift[0], m - shift[1]
    return padded[top:top + h, left:left + w].copy()
"""),

    Variant("random_shift", "dy and dx from two scalar draws, np.zeros with img's dtype, one slice pair", """
def random_shift(img, max_shift, rng):
    dy = int(rng.integers(-max_shift, max_shift + 1))
    dx = int(rng.integers(-max_shift, max_shift + 1))
    h, w = img.shape
    out = np.zeros((h, w), dtype=img.dtype)
    rows_out, rows_in = slice(max(dy, 0), min(h, h + dy)), slice(max(-dy, 0), min(h, h - dy))
    cols_out, cols_in = slice(max(dx, 0), min(w, w + dx)), slice(max(-dx, 0), min(w, w - dx))
    out[rows_out, cols_out] = img[rows_in, cols_in]
    return out
"""),

    Variant("random_shift", "scipy.ndimage.shift with order 0 and a constant 0 border, endpoint=True draw", """
from scipy import ndimage
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift, size=2, endpoint=True)
    return ndimage.shift(img, (dy, dx), order=0, mode="constant", cval=0)
"""),

    # ------------------------------------------------------------------ horizontal_flip
    Variant("horizontal_flip", "np.fliplr (a view)", """
def horizontal_flip(img):
    return np.fliplr(img)
"""),
    Variant("horizontal_flip", "np.flip(img, axis=1)", """
def horizontal_flip(img):
    return np.flip(np.asarray(img), axis=1)
"""),
    Variant("horizontal_flip", "columns reversed by index, out[i, j] = img[i, w - 1 - j]", """
def horizontal_flip(img):
    img = np.asarray(img)
    w = img.shape[1]
    return img[:, [w - 1 - j for j in range(w)]]
"""),

    # ------------------------------------------------------------------ augment
    Variant("augment", "a preallocated array filled in a loop, np.tile for the labels", """
def augment(X, y, copies, seed):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    rng = np.random.default_rng(seed)
    X_aug = np.empty((n * (copies + 1),) + X.shape[1:], dtype=X.dtype)
    X_aug[:n] = X
    for c in range(1, copies + 1):
        for i in range(n):
            X_aug[c * n + i] = random_shift(X[i], 1, rng)
    return X_aug, np.tile(y, copies + 1)
"""),
    Variant("augment", "one list of images, np.array at the end", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = list(X)
    labels = list(y)
    for _ in range(copies):
        for i in range(len(X)):
            images.append(random_shift(X[i], 1, rng))
            labels.append(y[i])
    return np.array(images), np.array(labels)
"""),

    # ------------------------------------------------------------------ majority_vote
    Variant("majority_vote", "np.bincount per column", """
def majority_vote(predictions):
    predictions = np.asarray(predictions)
    return np.array([np.bincount(column).argmax() for column in predictions.T])
"""),
    Variant("majority_vote", "collections.Counter, smallest of the most common", """
from collections import Counter
def majority_vote(predictions):
    result = []
    for column in np.asarray(predictions).T:
        counts = Counter(column.tolist())
        top = max(counts.values())
        result.append(min(label for label, count in counts.items() if count == top))
    return np.array(result, dtype=int)
"""),
    Variant("majority_vote", "scipy.stats.mode along axis 0", """
from scipy import stats
def majority_vote(predictions):
    return stats.mode(np.asarray(predictions), axis=0, keepdims=False).mode
"""),

    Variant("majority_vote", "np.apply_along_axis with bincount", """
def majority_vote(predictions):
    return np.apply_along_axis(lambda column: np.bincount(column).argmax(), 0, np.asarray(predictions))
"""),

    # ------------------------------------------------------------------ soft_vote
    Variant("soft_vote", "sum over the models instead of the mean", """
def soft_vote(probabilities):
    return np.argmax(np.sum(probabilities, axis=0), axis=-1)
"""),
    Variant("soft_vote", "np.average over axis 0", """
def soft_vote(probabilities):
    return np.average(probabilities, axis=0).argmax(axis=-1)
"""),
    Variant("soft_vote", "einsum and a loop over the samples", """
def soft_vote(probabilities):
    probabilities = np.asarray(probabilities)
    mean = np.einsum("msc->sc", probabilities) / len(probabilities)
    return np.array([int(np.argmax(row)) for row in mean])
"""),
]
