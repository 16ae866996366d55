# Generated from source/week3/03_backprop.ipynb by `make release`: do not edit.
# Reference solutions: never released to students.
"""Reference solutions of 03_backprop.ipynb."""

import numpy as np
import matplotlib.pyplot as plt


def affine_forward(x, W, b):
    """Affine (fully connected) layer, forward pass: x times W plus b, row by row.

    Inputs:
    - x: (N, D) inputs, one sample per row
    - W: (D, M) weights
    - b: (M,) biases
    Returns (out, cache):
    - out: (N, M)
    - cache: whatever affine_backward needs
    """
    out = x @ W + b
    cache = (x, W, b)
    return out, cache


def affine_backward(dout, cache):
    """Affine layer, backward pass.

    Inputs:
    - dout: (N, M) upstream gradient dL/dout
    - cache: from affine_forward
    Returns (dx, dW, db):
    - dx: (N, D), dW: (D, M), db: (M,)
    """
    x, W, b = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def relu_forward(x):
    """ReLU, forward pass: out = max(0, x) elementwise.

    Inputs:
    - x: array of any shape
    Returns (out, cache):
    - out: same shape as x
    - cache: whatever relu_backward needs
    """
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU, backward pass.

    Inputs:
    - dout: upstream gradient, same shape as x
    - cache: from relu_forward
    Returns dx: same shape as x; dout where x > 0, else 0.
    """
    x = cache
    dx = dout * (x > 0)
    return dx


def sigmoid_forward(x):
    """Sigmoid, forward pass: out = 1 / (1 + exp(-x)) elementwise, stable for large |x|.

    Inputs:
    - x: array of any shape
    Returns (out, cache):
    - out: same shape as x, values in [0, 1]
    - cache: whatever sigmoid_backward needs
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    """Sigmoid, backward pass.

    Inputs:
    - dout: upstream gradient, same shape as x
    - cache: from sigmoid_forward
    Returns dx: same shape as x.
    """
    out = cache
    dx = dout * out * (1 - out)
    return dx


def tanh_forward(x):
    """tanh, forward pass, elementwise.

    Inputs:
    - x: array of any shape
    Returns (out, cache):
    - out: same shape as x, values in [-1, 1]
    - cache: whatever tanh_backward needs
    """
    out = np.tanh(x)
    cache = out
    return out, cache


def tanh_backward(dout, cache):
    """tanh, backward pass.

    Inputs:
    - dout: upstream gradient, same shape as x
    - cache: from tanh_forward
    Returns dx: same shape as x.
    """
    out = cache
    dx = dout * (1 - out ** 2)
    return dx


def softmax(z):
    """Row-wise softmax, stable for large inputs.

    Inputs:
    - z: (N, C) scores
    Returns probs: (N, C), each row non-negative and summing to 1.
    """
    shifted = z - np.max(z, axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=1, keepdims=True)


def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy loss over a batch, and its gradient.

    Inputs:
    - scores: (N, C) class scores
    - y: (N,) integer labels, 0 <= y[i] < C
    Returns (loss, dscores):
    - loss: float, the mean loss over the N samples
    - dscores: (N, C), dloss/dscores
    """
    n = scores.shape[0]
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(n), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    dscores /= n
    return float(loss), dscores


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function f at x.

    Inputs:
    - f: function taking an array shaped like x and returning a float
    - x: float array of any shape; changed temporarily, restored before returning
    - h: step size
    Returns grad: float array, same shape as x; grad[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2h).
    """
    grad = np.zeros(x.shape, dtype=float)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error between two arrays of the same shape.

    Inputs:
    - a, b: arrays (or numbers) of the same shape
    Returns a float: max over elements of |a - b| / max(1e-8, |a| + |b|).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


class TwoLayerNet:
    """affine - ReLU - affine - softmax classifier.

    params: dict with
    - "W1": (input_dim, hidden_dim), "b1": (hidden_dim,)
    - "W2": (hidden_dim, output_dim), "b2": (output_dim,)
    """

    def __init__(self, input_dim, hidden_dim, output_dim, weight_scale=1e-2, seed=0):
        self.params = {}
        rng = np.random.default_rng(seed)
        self.params["W1"] = weight_scale * rng.standard_normal((input_dim, hidden_dim))
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = weight_scale * rng.standard_normal((hidden_dim, output_dim))
        self.params["b2"] = np.zeros(output_dim)

    def loss(self, X, y=None):
        """Scores, or loss and gradients.

        Inputs:
        - X: (N, input_dim)
        - y: None, or (N,) integer labels
        Returns:
        - without labels (y None): scores, (N, output_dim)
        - with labels: (loss, grads); loss a float, grads a dict with the keys and shapes of params
        """
        p = self.params
        hidden, affine1_cache = affine_forward(X, p["W1"], p["b1"])
        activated, relu_cache = relu_forward(hidden)
        scores, affine2_cache = affine_forward(activated, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_cross_entropy(scores, y)
        dactivated, dW2, db2 = affine_backward(dscores, affine2_cache)
        dhidden = relu_backward(dactivated, relu_cache)
        _, dW1, db1 = affine_backward(dhidden, affine1_cache)
        grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
        return loss, grads


def sgd_step(params, grads, lr):
    """One SGD update, in place: params[k] -= lr * grads[k] for every key k.

    Inputs:
    - params: dict of arrays (changed in place)
    - grads: dict with the same keys and shapes
    - lr: learning rate (float)
    Returns None.
    """
    for key in params:
        params[key] -= lr * grads[key]


def train(net, X, y, lr, epochs, batch_size, seed=0):
    """Mini-batch SGD on net.loss.

    Inputs:
    - net: object with .params (dict of arrays) and .loss(X, y) -> (loss, grads)
    - X: (N, D) inputs; y: (N,) integer labels
    - lr: learning rate; epochs: number of passes over the data; batch_size: samples per update
    - seed: seed of the shuffling
    Returns a list of `epochs` floats: the mean mini-batch loss of each epoch.
    """
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    epoch_losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        batch_losses = []
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            loss, grads = net.loss(X[idx], y[idx])
            sgd_step(net.params, grads, lr)
            batch_losses.append(loss)
        epoch_losses.append(float(np.mean(batch_losses)))
    return epoch_losses


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])
XOR_BUDGET = dict(hidden_dim=32, weight_scale=1.0, lr=0.5, epochs=200, batch_size=4)
DIGITS_BUDGET = dict(hidden_dim=64, weight_scale=0.1, lr=0.3, epochs=30, batch_size=50)


def load_digits_split():
    """scikit-learn's 8x8 digits, pixels scaled to [0, 1], split 75 / 25 (stratified, random_state=0).

    Returns X_train (1347, 64), X_test (450, 64), y_train (1347,), y_test (450,).
    """
    from sklearn.datasets import load_digits               # imported here: only the demo needs it
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    X = digits.data / 16.0
    return train_test_split(X, digits.target, test_size=0.25, random_state=0, stratify=digits.target)


def accuracy(net, X, y):
    """Fraction of rows of X whose highest score is the label y."""
    return float(np.mean(net.loss(X).argmax(axis=1) == y))
