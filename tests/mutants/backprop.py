"""Wrong implementations for 03_backprop."""
from tests.mutants import Mutant

NET_INIT = """
class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, output_dim, weight_scale=1e-2, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * rng.standard_normal((hidden_dim, output_dim)),
            "b2": np.zeros(output_dim),
        }
"""

NET_LOSS = """
    def loss(self, X, y=None):
        p = self.params
        hidden, c1 = affine_forward(X, p["W1"], p["b1"])
        activated, c2 = relu_forward(hidden)
        scores, c3 = affine_forward(activated, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_cross_entropy(scores, y)
        dactivated, dW2, db2 = affine_backward(dscores, c3)
        dhidden = relu_backward(dactivated, c2)
        _, dW1, db1 = affine_backward(dhidden, c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
"""


def train_with(order_line: str, batches: str = "range(0, n, batch_size)", before_loop: str = "",
               epoch_loss: str = "float(np.mean(batch_losses))", rng_line: str = "rng = np.random.default_rng(seed)") -> str:
    return f"""
def train(net, X, y, lr, epochs, batch_size, seed=0):
    {rng_line}
    n = X.shape[0]
    epoch_losses = []
    for _ in range(epochs):
        {before_loop or "pass"}
        {order_line}
        batch_losses = []
        for start in {batches}:
            idx = order[start:start + batch_size]
            loss, grads = net.loss(X[idx], y[idx])
            sgd_step(net.params, grads, lr)
            batch_losses.append(loss)
        epoch_losses.append({epoch_loss})
    return epoch_losses
"""


MUTANTS = [
    # affine
    Mutant("affine_forward", "multiplies by the transposed weights",
           "def affine_forward(x, W, b):\n    return x @ W.T + b, (x, W, b)"),
    Mutant("affine_forward", "forgets the bias", "def affine_forward(x, W, b):\n    return x @ W, (x, W, b)"),
    Mutant("affine_backward", "db is zeros (missing bias gradient)", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, np.zeros_like(b)
"""),
    Mutant("affine_backward", "db = dout[0], not summed over the batch", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout[0]
"""),
    Mutant("affine_backward", "db is the mean over the batch", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
"""),
    Mutant("affine_backward", "dx computed with W instead of W.T", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)
"""),
    Mutant("affine_backward", "dW transposed (dout.T @ x)", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
"""),
    Mutant("affine_backward", "dW averaged over the batch", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout / x.shape[0], dout.sum(axis=0)
"""),
    Mutant("affine_backward", "changes dout in place", """
def affine_backward(dout, cache):
    x, W, b = cache
    db = dout.sum(axis=0)
    dx, dW = dout @ W.T, x.T @ dout
    dout *= 0
    return dx, dW, db
"""),
    # ReLU
    Mutant("relu_forward", "np.max instead of np.maximum", "def relu_forward(x):\n    return np.max(x, 0), x"),
    Mutant("relu_forward", "zeroes the negatives of x in place", """
def relu_forward(x):
    x[x < 0] = 0
    return x, x.copy()
"""),
    Mutant("relu_backward", "passes the gradient where x < 0 too", "def relu_backward(dout, cache):\n    return dout.copy()"),
    Mutant("relu_backward", "keeps out in the cache and uses out >= 0", """
def relu_forward(x):
    out = np.maximum(0, x)
    return out, out

def relu_backward(dout, cache):
    return dout * (cache >= 0)
"""),
    Mutant("relu_backward", "passes the gradient at x == 0 (x >= 0)",
           "def relu_backward(dout, cache):\n    return dout * (cache >= 0)"),
    Mutant("relu_backward", "flips the mask (gradient where x < 0)",
           "def relu_backward(dout, cache):\n    return dout * (cache < 0)"),
    Mutant("relu_backward", "zeroes dout in place and returns it", """
def relu_backward(dout, cache):
    dout[cache <= 0] = 0
    return dout
"""),
    # sigmoid
    Mutant("sigmoid_forward", "wrong sign in the exponent", """
def sigmoid_forward(x):
    out = 1 / (1 + np.exp(x))
    return out, out
"""),
    Mutant("sigmoid_forward", "naive 1 / (1 + exp(-x)): overflows at x = -1000", """
def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    return out, out
"""),
    Mutant("sigmoid_forward", "clips the input to [-10, 10]", """
def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-np.clip(x, -10, 10)))
    return out, out
"""),
    Mutant("sigmoid_backward", "missing the (1 - s) factor",
           "def sigmoid_backward(dout, cache):\n    return dout * cache"),
    Mutant("sigmoid_backward", "uses x instead of s = sigmoid(x)", """
def sigmoid_forward(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)), x

def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)
"""),
    # tanh
    Mutant("tanh_forward", "tanh(x / 2) written through exponentials", """
def tanh_forward(x):
    out = (1 - np.exp(-x)) / (1 + np.exp(-x))
    return out, out
"""),
    Mutant("tanh_forward", "changes x in place", """
def tanh_forward(x):
    np.tanh(x, out=x)
    return x, x.copy()
"""),
    Mutant("tanh_backward", "1 - x**2 instead of 1 - out**2", """
def tanh_forward(x):
    return np.tanh(x), x

def tanh_backward(dout, cache):
    return dout * (1 - cache ** 2)
"""),
    Mutant("tanh_backward", "forgets to multiply by dout", "def tanh_backward(dout, cache):\n    return 1 - cache ** 2"),
    # softmax
    Mutant("softmax", "no max shift (overflows near 1000)", """
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    Mutant("softmax", "normalises along the wrong axis", """
def softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
"""),
    Mutant("softmax", "subtracts the global max and sums over the whole array", """
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()
"""),
    Mutant("softmax", "shifts z in place", """
def softmax(z):
    z -= np.max(z, axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    # cross-entropy
    Mutant("softmax_cross_entropy", "loss summed rather than averaged", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    p = softmax(scores)
    loss = -np.sum(np.log(p[np.arange(n), y]))
    d = p.copy()
    d[np.arange(n), y] -= 1
    return float(loss), d / n
"""),
    Mutant("softmax_cross_entropy", "dscores not divided by N", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    p = softmax(scores)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    d = p.copy()
    d[np.arange(n), y] -= 1
    return float(loss), d
"""),
    Mutant("softmax_cross_entropy", "forgets to subtract the one-hot labels", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    p = softmax(scores)
    return float(-np.mean(np.log(p[np.arange(n), y]))), p / n
"""),
    Mutant("softmax_cross_entropy", "unstable: exp of the raw scores", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    p[np.arange(n), y] -= 1
    return float(loss), p / n
"""),
    Mutant("softmax_cross_entropy", "subtracts the labels from scores in place", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    scores -= np.max(scores, axis=1, keepdims=True)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    p[np.arange(n), y] -= 1
    return float(loss), p / n
"""),
    Mutant("softmax_cross_entropy", "shifts by the global maximum instead of each row's", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    shifted = scores - np.max(scores)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(n), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
"""),
    Mutant("softmax_cross_entropy", "shifts by each row's minimum (exp overflows when a row spans more than 709)", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    shifted = scores - np.min(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(n), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
"""),
    # numerical gradient
    Mutant("numerical_gradient", "one-sided difference", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = old
    return grad
"""),
    Mutant("numerical_gradient", "leaves x modified (never restores it)", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        f_plus = f(x)
        x[ix] -= 2 * h
        grad[ix] = (f_plus - f(x)) / (2 * h)
    return grad
"""),
    Mutant("numerical_gradient", "ignores h (always 1e-5)", """
def numerical_gradient(f, x, h=1e-5):
    step = 1e-5
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + step
        f_plus = f(x)
        x[ix] = old - step
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * step)
    return grad
"""),
    Mutant("numerical_gradient", "only loops over the first axis (1-d only)", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        old = x.flat[i]
        x.flat[i] = old + h
        f_plus = f(x)
        x.flat[i] = old - h
        f_minus = f(x)
        x.flat[i] = old
        grad.flat[i] = (f_plus - f_minus) / (2 * h)
    return grad
"""),
    Mutant("numerical_gradient", "default step changed to h=1e-6", """
def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad
"""),
    # rel_error
    Mutant("rel_error", "no 1e-8 floor in the denominator", """
def rel_error(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
"""),
    Mutant("rel_error", "mean instead of max", """
def rel_error(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
"""),
    Mutant("rel_error", "divides by |a| only", """
def rel_error(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a))))
"""),
    Mutant("rel_error", "loops over a.ravel(): fails on plain numbers", """
def rel_error(a, b):
    worst = 0.0
    for ai, bi in zip(a.ravel(), b.ravel()):
        worst = max(worst, abs(ai - bi) / max(1e-8, abs(ai) + abs(bi)))
    return float(worst)
"""),
    Mutant("rel_error", "subtracts b from a in place", """
def rel_error(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    denominator = np.maximum(1e-8, np.abs(a) + np.abs(b))
    a -= b
    return float(np.max(np.abs(a) / denominator))
"""),
    # TwoLayerNet
    Mutant("TwoLayerNet", "missing the ReLU", NET_INIT + """
    def loss(self, X, y=None):
        p = self.params
        hidden, c1 = affine_forward(X, p["W1"], p["b1"])
        scores, c3 = affine_forward(hidden, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_cross_entropy(scores, y)
        dhidden, dW2, db2 = affine_backward(dscores, c3)
        _, dW1, db1 = affine_backward(dhidden, c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
"""),
    Mutant("TwoLayerNet", "not seeded (global np.random)", """
class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, output_dim, weight_scale=1e-2, seed=0):
        self.params = {
            "W1": weight_scale * np.random.randn(input_dim, hidden_dim),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * np.random.randn(hidden_dim, output_dim),
            "b2": np.zeros(output_dim),
        }
""" + NET_LOSS),
    Mutant("TwoLayerNet", "draws W2 before W1", """
class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, output_dim, weight_scale=1e-2, seed=0):
        rng = np.random.default_rng(seed)
        W2 = weight_scale * rng.standard_normal((hidden_dim, output_dim))
        W1 = weight_scale * rng.standard_normal((input_dim, hidden_dim))
        self.params = {"W1": W1, "b1": np.zeros(hidden_dim), "W2": W2, "b2": np.zeros(output_dim)}
""" + NET_LOSS),
    Mutant("TwoLayerNet", "default weight_scale 0.1 instead of 1e-2",
           NET_INIT.replace("weight_scale=1e-2", "weight_scale=0.1") + NET_LOSS),
    Mutant("TwoLayerNet", "default seed 1 instead of 0", NET_INIT.replace("seed=0", "seed=1") + NET_LOSS),
    Mutant("TwoLayerNet", "ignores weight_scale", NET_INIT.replace("weight_scale *", "1.0 *") + NET_LOSS),
    Mutant("TwoLayerNet", "skips relu_backward", NET_INIT + """
    def loss(self, X, y=None):
        p = self.params
        hidden, c1 = affine_forward(X, p["W1"], p["b1"])
        activated, c2 = relu_forward(hidden)
        scores, c3 = affine_forward(activated, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_cross_entropy(scores, y)
        dactivated, dW2, db2 = affine_backward(dscores, c3)
        _, dW1, db1 = affine_backward(dactivated, c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
"""),
    Mutant("TwoLayerNet", "applies softmax to the scores it returns", NET_INIT + NET_LOSS.replace(
        "            return scores", "            return softmax(scores)")),
    Mutant("TwoLayerNet", "weights copied at construction (later changes to params ignored)", NET_INIT + """
        self._W = {k: v.copy() for k, v in self.params.items()}
""" + NET_LOSS.replace("p = self.params", "p = self._W")),
    # sgd_step
    Mutant("sgd_step", "returns new arrays without updating params", """
def sgd_step(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}
"""),
    Mutant("sgd_step", "rebinds dict entries instead of updating the arrays in place", """
def sgd_step(params, grads, lr):
    for k in params:
        params[k] = params[k] - lr * grads[k]
"""),
    Mutant("sgd_step", "goes up the gradient", """
def sgd_step(params, grads, lr):
    for k in params:
        params[k] += lr * grads[k]
"""),
    Mutant("sgd_step", "updates in place but also returns params", """
def sgd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params
"""),
    # train
    Mutant("train", "drops the last partial batch (off by one in the batch count)",
           train_with("order = rng.permutation(n)", batches="range(0, (n // batch_size) * batch_size, batch_size)")),
    Mutant("train", "does not shuffle", train_with("order = np.arange(n)")),
    Mutant("train", "shuffles with the global, unseeded np.random", train_with("order = np.random.permutation(n)")),
    Mutant("train", "re-seeds every epoch (same order each epoch)",
           train_with("order = rng.permutation(n)", before_loop="rng = np.random.default_rng(seed)")),
    Mutant("train", "epoch loss is the last batch's loss",
           train_with("order = rng.permutation(n)", epoch_loss="float(batch_losses[-1])")),
    Mutant("train", "epoch loss weighted by batch size", train_with(
        "order = rng.permutation(n)",
        epoch_loss="float(sum(l * len(order[s:s + batch_size]) for l, s in zip(batch_losses, range(0, n, batch_size))) / n)")),
    Mutant("train", "default seed changed to 1", train_with("order = rng.permutation(n)").replace("seed=0", "seed=1")),
    Mutant("train", "shuffles X and y in place", """
def train(net, X, y, lr, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    epoch_losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        X[:] = X[order]
        y[:] = y[order]
        batch_losses = []
        for start in range(0, n, batch_size):
            loss, grads = net.loss(X[start:start + batch_size], y[start:start + batch_size])
            sgd_step(net.params, grads, lr)
            batch_losses.append(loss)
        epoch_losses.append(float(np.mean(batch_losses)))
    return epoch_losses
"""),
]
