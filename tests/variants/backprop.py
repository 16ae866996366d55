"""Correct implementations of 03_backprop in other styles than the reference."""
from tests.variants import Variant

VARIANTS = [
    # affine
    Variant("affine_forward", "np.dot and a cache of x and W only", """
def affine_forward(x, W, b):
    return np.dot(x, W) + b, (x, W)
"""),
    Variant("affine_forward", "einsum, bias added row by row with a loop", """
def affine_forward(x, W, b):
    out = np.einsum("nd,dm->nm", x, W)
    for i in range(out.shape[0]):
        out[i] = out[i] + b
    return out, {"x": x, "W": W}
"""),
    Variant("affine_backward", "np.dot and np.sum, cache as a tuple (x, W, b)", """
def affine_backward(dout, cache):
    x, W, _ = cache
    return np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)
"""),
    Variant("affine_backward", "einsum, and a dict cache from its own forward", """
def affine_forward(x, W, b):
    return x @ W + b, {"x": x, "W": W}

def affine_backward(dout, cache):
    x, W = cache["x"], cache["W"]
    dx = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", x, dout)
    db = np.einsum("nm->m", dout)
    return dx, dW, db
"""),
    Variant("affine_backward", "sum of outer products over the batch (loop)", """
def affine_backward(dout, cache):
    x, W, b = cache
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for i in range(x.shape[0]):
        dW += np.outer(x[i], dout[i])
        db += dout[i]
    return dout @ W.T, dW, db
"""),
    # ReLU
    Variant("relu_forward", "boolean mask, x * (x > 0)", """
def relu_forward(x):
    return x * (x > 0), x
"""),
    Variant("relu_forward", "np.where, cache is the mask", """
def relu_forward(x):
    mask = x > 0
    return np.where(mask, x, 0.0), mask
"""),
    Variant("relu_backward", "np.where on the cached x", """
def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)
"""),
    Variant("relu_backward", "copy and zero where x <= 0 (boolean indexing)", """
def relu_backward(dout, cache):
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx
"""),
    Variant("relu_backward", "mask cached by its own forward", """
def relu_forward(x):
    return np.maximum(x, 0), x > 0

def relu_backward(dout, cache):
    return dout * cache
"""),
    # sigmoid
    Variant("sigmoid_forward", "through tanh: 0.5 * (1 + tanh(x / 2))", """
def sigmoid_forward(x):
    out = 0.5 * (1 + np.tanh(0.5 * x))
    return out, out
"""),
    Variant("sigmoid_forward", "masks: positive and negative parts computed separately", """
def sigmoid_forward(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1 + ex)
    return out, out
"""),
    Variant("sigmoid_forward", "np.exp of -|x| and np.where, x > 0 as the split", """
def sigmoid_forward(x):
    z = np.exp(-np.abs(x))
    out = np.where(x > 0, 1.0, z) / (1.0 + z)
    return out, out
"""),
    Variant("sigmoid_backward", "recomputes s from x kept in the cache", """
def sigmoid_forward(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)), x

def sigmoid_backward(dout, cache):
    e = np.exp(-np.abs(cache))
    s = np.where(cache >= 0, 1 / (1 + e), e / (1 + e))
    return dout * s * (1 - s)
"""),
    Variant("sigmoid_backward", "s - s**2 with np.multiply", """
def sigmoid_backward(dout, cache):
    return np.multiply(dout, cache - cache ** 2)
"""),
    # tanh
    Variant("tanh_forward", "through the sigmoid: 2 * sigmoid(2x) - 1, stable", """
def tanh_forward(x):
    e = np.exp(-2 * np.abs(x))
    out = np.sign(x) * (1 - e) / (1 + e)
    return out, out
"""),
    Variant("tanh_forward", "the definition through exponentials (e^x - e^-x) / (e^x + e^-x)", """
def tanh_forward(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out
"""),
    Variant("tanh_backward", "recomputes tanh from the cached x", """
def tanh_forward(x):
    return np.tanh(x), x

def tanh_backward(dout, cache):
    return dout / np.cosh(cache) ** 2
"""),
    Variant("tanh_backward", "(1 - out) * (1 + out)", """
def tanh_backward(dout, cache):
    return dout * (1 - cache) * (1 + cache)
"""),
    # softmax
    Variant("softmax", "log-sum-exp, then exp", """
def softmax(z):
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return np.exp(log_p)
"""),
    Variant("softmax", "row by row in a loop", """
def softmax(z):
    out = np.empty_like(z, dtype=float)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out
"""),
    Variant("softmax", "max and sum as column vectors via [:, None]", """
def softmax(z):
    e = np.exp(z - np.max(z, axis=1)[:, None])
    return e / e.sum(axis=1)[:, None]
"""),
    # cross-entropy
    Variant("softmax_cross_entropy", "calls softmax, one-hot matrix for the gradient", """
def softmax_cross_entropy(scores, y):
    n, c = scores.shape
    p = softmax(scores)
    one_hot = np.eye(c)[y]
    loss = -np.sum(one_hot * np.log(p)) / n
    return loss, (p - one_hot) / n
"""),
    Variant("softmax_cross_entropy", "a loop over the samples, log-sum-exp per row", """
def softmax_cross_entropy(scores, y):
    n = len(y)
    loss = 0.0
    dscores = np.zeros_like(scores, dtype=float)
    for i in range(n):
        row = scores[i] - np.max(scores[i])
        log_sum = np.log(np.sum(np.exp(row)))
        loss += log_sum - row[y[i]]
        dscores[i] = np.exp(row - log_sum)
        dscores[i, y[i]] -= 1
    return loss / n, dscores / n
"""),
    Variant("softmax_cross_entropy", "np.take_along_axis and logaddexp.reduce", """
def softmax_cross_entropy(scores, y):
    log_z = np.logaddexp.reduce(scores, axis=1, keepdims=True)
    log_p = scores - log_z
    loss = -np.mean(np.take_along_axis(log_p, y[:, None], axis=1))
    d = np.exp(log_p)
    d[np.arange(len(y)), y] -= 1
    return float(loss), d / len(y)
"""),
    # numerical gradient
    Variant("numerical_gradient", "np.nditer with multi_index", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        saved = x[i]
        x[i] = saved + h
        plus = f(x)
        x[i] = saved - h
        minus = f(x)
        x[i] = saved
        grad[i] = (plus - minus) / (2 * h)
        it.iternext()
    return grad
"""),
    Variant("numerical_gradient", "a flat view and range(x.size), restored in a finally", """
def numerical_gradient(f, x, h=1e-5):
    flat = x.reshape(-1)
    grad = np.empty(x.size)
    for i in range(x.size):
        saved = flat[i]
        try:
            flat[i] = saved + h
            plus = f(x)
            flat[i] = saved - h
            minus = f(x)
        finally:
            flat[i] = saved
        grad[i] = (plus - minus) / (2 * h)
    return grad.reshape(x.shape)
"""),
    # rel_error
    Variant("rel_error", "a loop over np.nditer of both arrays", """
def rel_error(a, b):
    worst = 0.0
    for ai, bi in np.nditer([np.asarray(a, dtype=float), np.asarray(b, dtype=float)]):
        worst = max(worst, abs(float(ai) - float(bi)) / max(1e-8, abs(float(ai)) + abs(float(bi))))
    return worst
"""),
    Variant("rel_error", "np.fmax and .max(), no float() conversion", """
def rel_error(a, b):
    a, b = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
    return (np.abs(a - b) / np.fmax(np.abs(a) + np.abs(b), 1e-8)).max()
"""),
    # TwoLayerNet
    Variant("TwoLayerNet", "dict literal, forward and backward written inline (no layer functions)", """
class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, output_dim, weight_scale=1e-2, seed=0):
        rng = np.random.default_rng(seed)
        W1 = rng.standard_normal(size=(input_dim, hidden_dim)) * weight_scale
        W2 = rng.standard_normal(size=(hidden_dim, output_dim)) * weight_scale
        self.params = {"W1": W1, "b1": np.zeros(hidden_dim), "W2": W2, "b2": np.zeros(output_dim)}

    def loss(self, X, y=None):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        z1 = X @ W1 + b1
        a1 = np.maximum(z1, 0)
        scores = a1 @ W2 + b2
        if y is None:
            return scores
        n = X.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).mean()
        dscores = p.copy()
        dscores[np.arange(n), y] -= 1
        dscores /= n
        grads = {"W2": a1.T @ dscores, "b2": dscores.sum(axis=0)}
        dz1 = (dscores @ W2.T) * (z1 > 0)
        grads["W1"] = X.T @ dz1
        grads["b1"] = dz1.sum(axis=0)
        return loss, grads
"""),
    Variant("TwoLayerNet", "layers in a list, backward in a reversed loop", """
class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, output_dim, weight_scale=1e-2, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {}
        for i, (d_in, d_out) in enumerate([(input_dim, hidden_dim), (hidden_dim, output_dim)], start=1):
            self.params[f"W{i}"] = weight_scale * rng.standard_normal((d_in, d_out))
            self.params[f"b{i}"] = np.zeros(d_out)

    def loss(self, X, y=None):
        caches = []
        h, c = affine_forward(X, self.params["W1"], self.params["b1"]); caches.append(("affine", 1, c))
        h, c = relu_forward(h); caches.append(("relu", None, c))
        scores, c = affine_forward(h, self.params["W2"], self.params["b2"]); caches.append(("affine", 2, c))
        if y is None:
            return scores
        loss, d = softmax_cross_entropy(scores, y)
        grads = {}
        for kind, i, c in reversed(caches):
            if kind == "affine":
                d, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(d, c)
            else:
                d = relu_backward(d, c)
        return loss, grads
"""),
    # sgd_step
    Variant("sgd_step", "items() and np.subtract with out=", """
def sgd_step(params, grads, lr):
    for name, value in params.items():
        np.subtract(value, lr * grads[name], out=value)
"""),
    Variant("sgd_step", "slice assignment value[...] = ...", """
def sgd_step(params, grads, lr):
    for k in grads:
        params[k][...] = params[k] - lr * grads[k]
    return None
"""),
    # train
    Variant("train", "while loop over the batch starts, len(X) for N", """
def train(net, X, y, lr, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    n = len(X)
    history = []
    for epoch in range(epochs):
        order = rng.permutation(n)
        losses = []
        start = 0
        while start < n:
            idx = order[start:start + batch_size]
            loss, grads = net.loss(X[idx], y[idx])
            sgd_step(net.params, grads, lr)
            losses.append(loss)
            start += batch_size
        history.append(float(np.mean(losses)))
    return history
"""),
    Variant("train", "ceil(N / batch_size) batches by number, update inlined", """
def train(net, X, y, lr, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    n_batches = -(-n // batch_size)
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        losses = []
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            loss, grads = net.loss(X[idx], y[idx])
            for k in net.params:
                net.params[k] -= lr * grads[k]
            losses.append(loss)
        history.append(sum(losses) / len(losses))
    return history
"""),
]
