# Generated from source/week3/02_xor_mlp.ipynb by `make release`: do not edit.
# Reference solutions: never released to students.
"""Reference solutions of 02_xor_mlp.ipynb."""

import numpy as np
import matplotlib.pyplot as plt

# The four XOR inputs, one per row, and their labels as a column of shape (4, 1).
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def collapse_linear(W1, b1, W2, b2):
    # Two stacked linear layers, (X @ W1 + b1) @ W2 + b2, written as one layer X @ W + b.
    # W1: (d, h), b1: (h,), W2: (h, k), b2: (k,)  ->  W: (d, k), b: (k,)
    W = W1 @ W2
    b = b1 @ W2 + b2
    return W, b


def sigmoid(z):
    # Logistic sigmoid 1 / (1 + exp(-z)), stable for large |z|: exp only ever sees -|z| <= 0.
    # z: scalar or array of any shape -> floats of the same shape.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                       # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def mlp_forward(X, W1, b1, W2, b2):
    # A 2-layer perceptron with a sigmoid hidden layer and a sigmoid output.
    # X: (n, d), W1: (d, h), b1: (h,), W2: (h, 1), b2: (1,)  ->  (n, 1), values in (0, 1)
    hidden = sigmoid(X @ W1 + b1)            # (n, h)
    return sigmoid(hidden @ W2 + b2)         # (n, 1)


from grader import skip_if_unwritten

# A 2-2-1 sigmoid network for XOR: a dict of arrays with keys and shapes
# "W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,).
with skip_if_unwritten("XOR_WEIGHTS"):
    XOR_WEIGHTS = dict(
        W1=np.array([[-20.0, 20.0], [-20.0, 20.0]]),   # column 0: NAND, column 1: OR
        b1=np.array([30.0, -10.0]),
        W2=np.array([[20.0], [20.0]]),                 # output: AND of the two hidden units
        b2=np.array([-30.0]))


from grader import import_keras
keras = import_keras()   # Keras, without TensorFlow's C++ start-up log


def build_xor_model(hidden_units=8, seed=0):
    # Dense(hidden_units, relu) -> Dense(1, sigmoid) on 2 inputs,
    # compiled with Adam(learning_rate=0.05), binary cross-entropy and the accuracy metric.
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(2,)),
                              keras.layers.Dense(hidden_units, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_xor_model(model, epochs=100, seed=0):
    # Fit `model` on the four XOR inputs (XOR_X, XOR_Y), batch_size=4, verbose=0.
    # Returns the keras.callbacks.History that model.fit returns.
    keras.utils.set_random_seed(seed)
    history = model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, verbose=0)
    return history
