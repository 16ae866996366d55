"""Correct implementations of 02_xor_mlp in other styles than the reference."""
from tests.variants import Variant

VARIANTS = [
    # collapse_linear: W = W1 W2, b = b1 W2 + b2
    Variant("collapse_linear", "np.dot", "def collapse_linear(W1, b1, W2, b2):\n"
            "    return np.dot(W1, W2), np.dot(b1, W2) + b2"),
    Variant("collapse_linear", "np.einsum, and W2.T @ b1", "def collapse_linear(W1, b1, W2, b2):\n"
            "    return np.einsum('dh,hk->dk', W1, W2), W2.T @ b1 + b2"),
    Variant("collapse_linear", "pushes a zero input and the identity through the two layers", """
def collapse_linear(W1, b1, W2, b2):
    d = W1.shape[0]
    b = (np.zeros(d) @ W1 + b1) @ W2 + b2
    W = (np.eye(d) @ W1) @ W2
    return W, b
"""),
    # sigmoid: stable for large |z|, exactly 0.0 and 1.0 at -1000 and 1000
    Variant("sigmoid", "tanh: (1 + tanh(z / 2)) / 2",
            "def sigmoid(z):\n    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))"),
    Variant("sigmoid", "exp(-logaddexp(0, -z))",
            "def sigmoid(z):\n    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))"),
    Variant("sigmoid", "boolean masks filling an empty array", """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out
"""),
    Variant("sigmoid", "np.where on a common numerator, exp(min(z, 0)) / (1 + exp(-|z|))", """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))
"""),
    Variant("sigmoid", "a Python loop with math.exp over the elements", """
import math
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    values = [1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)) for v in z.ravel()]
    return np.array(values, dtype=float).reshape(z.shape)
"""),
    Variant("sigmoid", "scipy.special.expit",
            "def sigmoid(z):\n    import scipy.special\n    return scipy.special.expit(np.asarray(z, dtype=float))"),
    # mlp_forward
    Variant("mlp_forward", "np.dot, one line", "def mlp_forward(X, W1, b1, W2, b2):\n"
            "    return sigmoid(np.dot(sigmoid(np.dot(X, W1) + b1), W2) + b2)"),
    Variant("mlp_forward", "np.einsum and a loop over the samples", """
def mlp_forward(X, W1, b1, W2, b2):
    rows = []
    for x in X:
        h = sigmoid(np.einsum('d,dh->h', x, W1) + b1)
        rows.append(sigmoid(np.einsum('h,hk->k', h, W2) + b2))
    return np.array(rows).reshape(len(X), 1)
"""),
    # XOR_WEIGHTS
    Variant("XOR_WEIGHTS", "hidden units in the other order (OR, then NAND)", """
XOR_WEIGHTS = {"W1": np.array([[20.0, -20.0], [20.0, -20.0]]), "b1": np.array([-10.0, 30.0]),
               "W2": np.array([[20.0], [20.0]]), "b2": np.array([-30.0])}
"""),
    Variant("XOR_WEIGHTS", "OR and AND hidden units, output OR and not AND; integer arrays", """
XOR_WEIGHTS = {"W1": np.array([[20, 20], [20, 20]]), "b1": np.array([-10, -30]),
               "W2": np.array([[20], [-20]]), "b2": np.array([-10])}
"""),
    # build_xor_model
    Variant("build_xor_model", "Sequential().add and loss/metric objects", """
def build_xor_model(hidden_units=8, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential()
    model.add(keras.Input(shape=(2,)))
    model.add(keras.layers.Dense(hidden_units, activation=keras.activations.relu))
    model.add(keras.layers.Dense(1, activation=keras.activations.sigmoid))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy()])
    return model
"""),
    Variant("build_xor_model", "the functional API", """
def build_xor_model(hidden_units=8, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(2,))
    hidden = keras.layers.Dense(hidden_units, activation="relu")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
"""),
    Variant("build_xor_model", "input_shape on the first Dense layer instead of keras.Input", """
def build_xor_model(hidden_units=8, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.layers.Dense(hidden_units, activation="relu", input_shape=(2,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
"""),
    # train_xor_model
    Variant("train_xor_model", "keyword arguments, batch_size=len(XOR_X), shuffle spelled out", """
def train_xor_model(model, epochs=100, seed=0):
    keras.utils.set_random_seed(seed)
    return model.fit(x=XOR_X, y=XOR_Y, batch_size=len(XOR_X), epochs=epochs, shuffle=True, verbose=0)
"""),
    Variant("train_xor_model", "shuffle=False (one batch of all four samples: the order never matters)", """
def train_xor_model(model, epochs=100, seed=0):
    keras.utils.set_random_seed(seed)
    return model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, shuffle=False, verbose=0)
"""),
    Variant("train_xor_model", "float32 copies of the data, history kept in a variable", """
def train_xor_model(model, epochs=100, seed=0):
    keras.utils.set_random_seed(seed)
    inputs, labels = XOR_X.astype("float32"), XOR_Y.astype("float32")
    history = model.fit(inputs, labels, epochs=epochs, batch_size=4, verbose=0)
    return history
"""),
]
