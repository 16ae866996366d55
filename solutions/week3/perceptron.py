# Generated from source/week3/01_perceptron.ipynb by `make release`: do not edit.
# Reference solutions: never released to students.
"""Reference solutions of 01_perceptron.ipynb."""

import numpy as np
import matplotlib.pyplot as plt


def step(z):
    # step function: 1 where z > 0, else 0.
    # z: scalar or array of any shape -> integers of the same shape.
    return (np.asarray(z) > 0).astype(int)


def perceptron(x, w, b):
    # x: (d,) or (n, d); w: (d,); b: scalar -> 0/1 integer, scalar or shape (n,).
    return step(x @ w + b)


def gate(x1, x2, w0, w1, w2):
    # A two-input perceptron: step(w0 + w1*x1 + w2*x2), elementwise over equal-shape x1, x2.
    x = np.stack([np.asarray(x1), np.asarray(x2)], axis=-1)   # (..., 2)
    return perceptron(x, np.array([w1, w2], dtype=float), w0)


def and_gate(x1, x2):
    w0, w1, w2 = -0.7, 0.5, 0.5
    return gate(x1, x2, w0, w1, w2)


def or_gate(x1, x2):
    w0, w1, w2 = -0.2, 0.5, 0.5
    return gate(x1, x2, w0, w1, w2)


def nand_gate(x1, x2):
    w0, w1, w2 = 0.7, -0.5, -0.5
    return gate(x1, x2, w0, w1, w2)


def xor_gate(x1, x2):
    # XOR from two layers of gates: only and_gate, or_gate and nand_gate may be used.
    s1 = nand_gate(x1, x2)
    s2 = or_gate(x1, x2)
    return and_gate(s1, s2)


def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
    # X: (n, d) inputs; y: (n,) labels 0/1.
    # Returns w: (d,), b: float, errors: list of ints (misclassified samples per epoch).
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        wrong = 0
        for i in rng.permutation(len(X)):
            error = int(y[i]) - int(perceptron(X[i], w, b))
            if error != 0:
                w = w + lr * error * X[i]
                b = b + lr * error
                wrong += 1
        errors.append(wrong)
        if wrong == 0:
            break
    return w, b, errors
