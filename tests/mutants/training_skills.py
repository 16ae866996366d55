"""Wrong implementations for 04_training_skills."""
from tests.mutants import Mutant

QUIZ = """
ACTIVATION_QUIZ = {"binary_output": "sigmoid", "multiclass_output": "softmax", "multilabel_output": "sigmoid",
                   "regression_output": "linear", "hidden_default": "relu", "dying_relu_fix": "leaky_relu"}
"""

EARLY_STOP = """
def early_stopping_epoch(val_losses, patience):
    best = np.inf
    wait = 0
    for epoch, loss in enumerate(val_losses):
        {body}
    return {never}
"""

FIT = """
def fit_diagnosis(train_losses, val_losses):
    train = np.asarray(train_losses, dtype=float)
    val = np.asarray(val_losses, dtype=float)
    {body}
"""

SHIFT_TAIL = """
    h, w = img.shape
    out = np.zeros_like(img)
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \\
        img[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out
"""

MUTANTS = [
    # ------------------------------------------------------------------ iterations_per_epoch
    Mutant("iterations_per_epoch", "floor division drops the last partial batch",
           "def iterations_per_epoch(n_samples, batch_size):\n    return n_samples // batch_size"),
    Mutant("iterations_per_epoch", "always adds one",
           "def iterations_per_epoch(n_samples, batch_size):\n    return n_samples // batch_size + 1"),
    Mutant("iterations_per_epoch", "rounds to the nearest integer",
           "def iterations_per_epoch(n_samples, batch_size):\n    return round(n_samples / batch_size)"),
    Mutant("iterations_per_epoch", "returns a float from np.ceil",
           "def iterations_per_epoch(n_samples, batch_size):\n    return np.ceil(n_samples / batch_size)"),

    # ------------------------------------------------------------------ minibatches
    Mutant("minibatches", "drops the last partial batch", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n - batch_size + 1, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]
"""),
    Mutant("minibatches", "samples with replacement", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.random.default_rng(seed).integers(0, n, n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]
"""),
    Mutant("minibatches", "ignores the seed", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.random.default_rng().permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]
"""),
    Mutant("minibatches", "seeds NumPy's global generator instead of default_rng(seed)", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    if seed is not None:
        np.random.seed(seed)
    order = np.random.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]
"""),
    Mutant("minibatches", "shuffles X and y with different permutations", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    rng = np.random.default_rng(seed)
    order_X = rng.permutation(n) if shuffle else np.arange(n)
    order_y = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        yield X[order_X[start:start + batch_size]], y[order_y[start:start + batch_size]]
"""),
    Mutant("minibatches", "never shuffles", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    X, y = np.asarray(X), np.asarray(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
"""),
    Mutant("minibatches", "yields the batch indices instead of (Xb, yb)", """
def minibatches(X, y, batch_size, shuffle=True, seed=None):
    n = len(X)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
"""),

    # ------------------------------------------------------------------ leaky_relu
    Mutant("leaky_relu", "applies alpha to the positives",
           "def leaky_relu(z, alpha=0.01):\n    z = np.asarray(z, dtype=float)\n"
           "    return np.where(z > 0, alpha * z, z)"),
    Mutant("leaky_relu", "plain ReLU (no leak)",
           "def leaky_relu(z, alpha=0.01):\n    return np.maximum(0.0, np.asarray(z, dtype=float))"),
    Mutant("leaky_relu", "ignores the alpha argument",
           "def leaky_relu(z, alpha=0.01):\n    z = np.asarray(z, dtype=float)\n"
           "    return np.where(z > 0, z, 0.01 * z)"),
    Mutant("leaky_relu", "works on scalars only",
           "def leaky_relu(z, alpha=0.01):\n    return z if z > 0 else alpha * z"),

    # ------------------------------------------------------------------ ACTIVATION_QUIZ
    Mutant("ACTIVATION_QUIZ", "softmax for a single binary output",
           QUIZ + 'ACTIVATION_QUIZ["binary_output"] = "softmax"'),
    Mutant("ACTIVATION_QUIZ", "softmax for independent labels",
           QUIZ + 'ACTIVATION_QUIZ["multilabel_output"] = "softmax"'),
    Mutant("ACTIVATION_QUIZ", "ReLU for a regression output",
           QUIZ + 'ACTIVATION_QUIZ["regression_output"] = "relu"'),
    Mutant("ACTIVATION_QUIZ", "sigmoid as the hidden-layer default",
           QUIZ + 'ACTIVATION_QUIZ["hidden_default"] = "sigmoid"'),
    Mutant("ACTIVATION_QUIZ", "tanh against dying ReLU",
           QUIZ + 'ACTIVATION_QUIZ["dying_relu_fix"] = "tanh"'),
    Mutant("ACTIVATION_QUIZ", "sigmoid and softmax swapped", QUIZ
           + 'ACTIVATION_QUIZ["binary_output"] = "softmax"\nACTIVATION_QUIZ["multiclass_output"] = "sigmoid"'),
    Mutant("ACTIVATION_QUIZ", "a question left unanswered", QUIZ + 'del ACTIVATION_QUIZ["multilabel_output"]'),
    Mutant("ACTIVATION_QUIZ", "an answer outside the choices", QUIZ + 'ACTIVATION_QUIZ["regression_output"] = "none"'),
    Mutant("ACTIVATION_QUIZ", "the template left as it is",
           'ACTIVATION_QUIZ = dict.fromkeys(["binary_output", "multiclass_output", "multilabel_output", '
           '"regression_output", "hidden_default", "dying_relu_fix"])'),

    # ------------------------------------------------------------------ early_stopping_epoch
    Mutant("early_stopping_epoch", "returns a 1-based epoch (off by one)", EARLY_STOP.format(body="""if loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch + 1""", never="len(val_losses)")),
    Mutant("early_stopping_epoch", "stops one epoch late (wait > patience)", EARLY_STOP.format(body="""if loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch""", never="len(val_losses) - 1")),
    Mutant("early_stopping_epoch", "returns the best epoch, not the stopping epoch", """
def early_stopping_epoch(val_losses, patience):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch
    return best_epoch
"""),
    Mutant("early_stopping_epoch", "compares with the previous epoch, not the best", """
def early_stopping_epoch(val_losses, patience):
    wait = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[epoch - 1]:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return len(val_losses) - 1
"""),
    Mutant("early_stopping_epoch", "an equal loss counts as an improvement", EARLY_STOP.format(body="""if loss <= best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch""", never="len(val_losses) - 1")),
    Mutant("early_stopping_epoch", "returns len(val_losses) when it never stops",
           EARLY_STOP.format(body="""if loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch""", never="len(val_losses)")),

    # ------------------------------------------------------------------ fit_diagnosis
    Mutant("fit_diagnosis", "overfitting and underfitting swapped", FIT.format(body="""if val[-1] > 1.1 * val.min():
        return "underfitting"
    if train[-1] > 0.5 * train[0]:
        return "overfitting"
    return "good\"""")),
    Mutant("fit_diagnosis", "checks underfitting first", FIT.format(body="""if train[-1] > 0.5 * train[0]:
        return "underfitting"
    if val[-1] > 1.1 * val.min():
        return "overfitting"
    return "good\"""")),
    Mutant("fit_diagnosis", "compares with the first validation loss, not the minimum",
           FIT.format(body="""if val[-1] > 1.1 * val[0]:
        return "overfitting"
    if train[-1] > 0.5 * train[0]:
        return "underfitting"
    return "good\"""")),
    Mutant("fit_diagnosis", "uses the train/validation gap for overfitting",
           FIT.format(body="""if val[-1] > 1.1 * train[-1]:
        return "overfitting"
    if train[-1] > 0.5 * train[0]:
        return "underfitting"
    return "good\"""")),
    Mutant("fit_diagnosis", "an absolute 0.1 rise instead of 10 %",
           FIT.format(body="""if val[-1] - val.min() > 0.1:
        return "overfitting"
    if train[-1] > 0.5 * train[0]:
        return "underfitting"
    return "good\"""")),
    Mutant("fit_diagnosis", "capitalised labels", FIT.format(body="""if val[-1] > 1.1 * val.min():
        return "Overfitting"
    if train[-1] > 0.5 * train[0]:
        return "Underfitting"
    return "Good\"""")),

    # ------------------------------------------------------------------ dropout_forward
    Mutant("dropout_forward", "not inverted: no 1/(1-p) scaling", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    mask = (np.random.default_rng(seed).random(x.shape) >= p).astype(float)
    return x * mask, mask
"""),
    Mutant("dropout_forward", "uses p as the keep probability", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    mask = (np.random.default_rng(seed).random(x.shape) < p) / p
    return x * mask, mask
"""),
    Mutant("dropout_forward", "applies the mask at test time too", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 - p)
    return x * mask, mask
"""),
    Mutant("dropout_forward", "old-style: scales by (1 - p) at test time instead", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x * (1 - p), np.full(x.shape, 1 - p)
    mask = (np.random.default_rng(seed).random(x.shape) >= p).astype(float)
    return x * mask, mask
"""),
    Mutant("dropout_forward", "returns mask None at test time", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, None
    mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 - p)
    return x * mask, mask
"""),
    Mutant("dropout_forward", "ignores the seed", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    mask = (np.random.default_rng().random(x.shape) >= p) / (1 - p)
    return x * mask, mask
"""),
    Mutant("dropout_forward", "returns the boolean keep mask", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    return x * keep / (1 - p), keep
"""),

    # ------------------------------------------------------------------ dropout_backward
    Mutant("dropout_backward", "does not use the mask", "def dropout_backward(dout, mask):\n    return dout"),
    Mutant("dropout_backward", "forgets the 1/(1-p) scaling",
           "def dropout_backward(dout, mask):\n    return dout * (mask > 0)"),
    Mutant("dropout_backward", "divides by the mask",
           "def dropout_backward(dout, mask):\n    return np.where(mask > 0, dout / np.where(mask > 0, mask, 1), 0.0)"),

    # ------------------------------------------------------------------ random_shift
    Mutant("random_shift", "scipy.ndimage.shift's spline: the right move, 1e-15 noise on float images", """
from scipy import ndimage
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    return ndimage.shift(img, (dy, dx), cval=0).astype(img.dtype)
"""),
    Mutant("random_shift", "wraps around with np.roll", """
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    return np.roll(img, (dy, dx), axis=(0, 1))
"""),
    Mutant("random_shift", "never draws +max_shift (exclusive upper bound)", """
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift, size=2) if max_shift else (0, 0)
""" + SHIFT_TAIL),
    Mutant("random_shift", "the same shift on both axes", """
def random_shift(img, max_shift, rng):
    dy = dx = rng.integers(-max_shift, max_shift + 1)
""" + SHIFT_TAIL),
    Mutant("random_shift", "makes its own generator instead of using rng", """
def random_shift(img, max_shift, rng):
    dy, dx = np.random.default_rng(0).integers(-max_shift, max_shift + 1, size=2)
""" + SHIFT_TAIL),
    Mutant("random_shift", "shifts the other way (up and left for positive dy, dx)", """
def random_shift(img, max_shift, rng):
    dy, dx = -rng.integers(-max_shift, max_shift + 1, size=2)
""" + SHIFT_TAIL),
    Mutant("random_shift", "returns floats", """
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    h, w = img.shape
    out = np.zeros((h, w))
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \\
        img[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out
"""),

    # ------------------------------------------------------------------ horizontal_flip
    Mutant("horizontal_flip", "flips vertically", "def horizontal_flip(img):\n    return np.asarray(img)[::-1].copy()"),
    Mutant("horizontal_flip", "transposes", "def horizontal_flip(img):\n    return np.asarray(img).T.copy()"),
    Mutant("horizontal_flip", "rotates by 180 degrees",
           "def horizontal_flip(img):\n    return np.asarray(img)[::-1, ::-1].copy()"),

    # ------------------------------------------------------------------ augment
    Mutant("augment", "labels repeated, no longer aligned with the images", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = [X] + [np.stack([random_shift(img, 1, rng) for img in X]) for _ in range(copies)]
    return np.concatenate(images), np.repeat(y, copies + 1)
"""),
    Mutant("augment", "rescales pixels to [0, 1] floats", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = [X] + [np.stack([random_shift(img, 1, rng) for img in X]) for _ in range(copies)]
    return np.concatenate(images).astype(float) / 16.0, np.concatenate([y] * (copies + 1))
"""),
    Mutant("augment", "leaves out the originals", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = [np.stack([random_shift(img, 1, rng) for img in X]) for _ in range(copies + 1)]
    return np.concatenate(images), np.concatenate([y] * (copies + 1))
"""),
    Mutant("augment", "also flips the digits", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = [X] + [np.stack([horizontal_flip(random_shift(img, 1, rng)) for img in X]) for _ in range(copies)]
    return np.concatenate(images), np.concatenate([y] * (copies + 1))
"""),
    Mutant("augment", "a new generator per copy: every copy the same", """
def augment(X, y, copies, seed):
    images = [X]
    for _ in range(copies):
        rng = np.random.default_rng(seed)
        images.append(np.stack([random_shift(img, 1, rng) for img in X]))
    return np.concatenate(images), np.concatenate([y] * (copies + 1))
"""),
    Mutant("augment", "each image followed by its copies (wrong order)", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = []
    for img in X:
        images.append(img)
        images.extend(random_shift(img, 1, rng) for _ in range(copies))
    return np.stack(images), np.repeat(y, copies + 1)
"""),
    Mutant("augment", "shifts by up to 2 pixels", """
def augment(X, y, copies, seed):
    rng = np.random.default_rng(seed)
    images = [X] + [np.stack([random_shift(img, 2, rng) for img in X]) for _ in range(copies)]
    return np.concatenate(images), np.concatenate([y] * (copies + 1))
"""),

    # ------------------------------------------------------------------ majority_vote
    Mutant("majority_vote", "ties go to the largest label", """
def majority_vote(predictions):
    predictions = np.asarray(predictions)
    labels = np.arange(predictions.max() + 1)
    counts = (predictions[:, :, None] == labels).sum(axis=0)
    return counts.shape[1] - 1 - counts[:, ::-1].argmax(axis=1)
"""),
    Mutant("majority_vote", "ties go to the first model's answer (Counter.most_common)", """
from collections import Counter
def majority_vote(predictions):
    return np.array([Counter(column.tolist()).most_common(1)[0][0] for column in np.asarray(predictions).T])
"""),
    Mutant("majority_vote", "rounds the mean vote", """
def majority_vote(predictions):
    return np.round(np.asarray(predictions).mean(axis=0)).astype(int)
"""),
    Mutant("majority_vote", "right labels as a Python list, not the integer array the notebook asks for", """
def majority_vote(predictions):
    return [int(np.bincount(column).argmax()) for column in np.asarray(predictions).T]
"""),
    Mutant("majority_vote", "votes along the wrong axis", """
def majority_vote(predictions):
    predictions = np.asarray(predictions)
    return np.array([np.bincount(row).argmax() for row in predictions])
"""),

    # ------------------------------------------------------------------ soft_vote
    Mutant("soft_vote", "averages hard predictions instead of probabilities", """
def soft_vote(probabilities):
    return majority_vote(np.asarray(probabilities).argmax(axis=2))
"""),
    Mutant("soft_vote", "follows the most confident model (max, not mean)", """
def soft_vote(probabilities):
    return np.asarray(probabilities).max(axis=0).argmax(axis=1)
"""),
    Mutant("soft_vote", "returns the mean probabilities, not labels", """
def soft_vote(probabilities):
    return np.asarray(probabilities).mean(axis=0)
"""),
    Mutant("soft_vote", "averages over the wrong axis", """
def soft_vote(probabilities):
    return np.asarray(probabilities).mean(axis=1).argmax(axis=1)
"""),
]

# Issue 13: rules the notebook states that the specs did not check yet.
MUTANTS += [
    Mutant("minibatches", "a fixed default seed (seed=0) instead of None", """
def minibatches(X, y, batch_size, shuffle=True, seed=0):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]
"""),
    Mutant("leaky_relu", "an integer z stays integer (alpha * z is truncated)", """
def leaky_relu(z, alpha=0.01):
    out = np.array(z)
    out[out <= 0] = alpha * out[out <= 0]
    return out
"""),
    Mutant("fit_diagnosis", "rule 1 with >= instead of >", FIT.format(body="""if val[-1] >= 1.1 * val.min():
        return "overfitting"
    if train[-1] > 0.5 * train[0]:
        return "underfitting"
    return "good\"""")),
    Mutant("fit_diagnosis", "rule 2 with >= instead of >", FIT.format(body="""if val[-1] > 1.1 * val.min():
        return "overfitting"
    if train[-1] >= 0.5 * train[0]:
        return "underfitting"
    return "good\"""")),
    Mutant("dropout_forward", "keeps u > p instead of u >= p", """
def dropout_forward(x, p, train=True, seed=None):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    keep = np.random.default_rng(seed).random(x.shape) > p
    mask = keep / (1 - p)
    return x * mask, mask
"""),
    Mutant("dropout_forward", "a fixed default seed (seed=0) instead of None", """
def dropout_forward(x, p, train=True, seed=0):
    x = np.asarray(x)
    if not train:
        return x, np.ones(x.shape)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = keep / (1 - p)
    return x * mask, mask
"""),
    Mutant("random_shift", "writes into img (out = img, not a new array)", """
def random_shift(img, max_shift, rng):
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    h, w = img.shape
    source = img.copy()
    out = img
    out[:] = 0
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \\
        source[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out
"""),
    Mutant("random_shift", "dy and dx swapped (dx, dy = the draw)", """
def random_shift(img, max_shift, rng):
    dx, dy = rng.integers(-max_shift, max_shift + 1, size=2)
""" + SHIFT_TAIL),
    Mutant("horizontal_flip", "returns floats", """
def horizontal_flip(img):
    return np.fliplr(np.asarray(img, dtype=float))
"""),
    Mutant("soft_vote", "ties go to the largest class", """
def soft_vote(probabilities):
    mean = np.asarray(probabilities).mean(axis=0)
    return mean.shape[1] - 1 - mean[:, ::-1].argmax(axis=1)
"""),
]
MUTANTS += [
    Mutant("leaky_relu", "np.maximum without converting z: integers back for an integer alpha = 0", """
def leaky_relu(z, alpha=0.01):
    return np.maximum(z, alpha * np.asarray(z))
"""),
]
