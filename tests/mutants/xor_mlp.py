"""Wrong implementations for 02_xor_mlp."""
from tests.mutants import Mutant


def build(hidden="keras.layers.Dense(hidden_units, activation=\"relu\")",
          output="keras.layers.Dense(1, activation=\"sigmoid\")",
          compile_args="optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=\"binary_crossentropy\", "
                       "metrics=[\"accuracy\"]",
          seed_line="keras.utils.set_random_seed(seed)", signature="hidden_units=8, seed=0"):
    """build_xor_model with one part replaced."""
    return f"""
def build_xor_model({signature}):
    {seed_line}
    model = keras.Sequential([keras.Input(shape=(2,)), {hidden}, {output}])
    model.compile({compile_args})
    return model
"""


def train(body, signature="model, epochs=100, seed=0"):
    return f"""
def train_xor_model({signature}):
{body}
"""


MUTANTS = [
    # collapse_linear
    Mutant("collapse_linear", "multiplies the weights in the wrong order (W2 @ W1)",
           "def collapse_linear(W1, b1, W2, b2):\n    return W2 @ W1, b1 @ W2 + b2"),
    Mutant("collapse_linear", "drops the first bias (b = b2)",
           "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b2"),
    Mutant("collapse_linear", "adds b1 without passing it through W2",
           "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b1 + b2"),
    Mutant("collapse_linear", "forgets the second bias",
           "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b1 @ W2"),
    Mutant("collapse_linear", "transposes the result (W2.T @ W1.T)",
           "def collapse_linear(W1, b1, W2, b2):\n    return W2.T @ W1.T, b1 @ W2 + b2"),
    # sigmoid
    Mutant("sigmoid", "naive 1 / (1 + exp(-z)): overflows at z = -1000",
           "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))"),
    Mutant("sigmoid", "wrong sign: 1 / (1 + exp(z))",
           "def sigmoid(z):\n    e = np.exp(-np.abs(np.asarray(z, dtype=float)))\n"
           "    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))"),
    Mutant("sigmoid", "np.where over both naive branches: each overflows somewhere", """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
"""),
    Mutant("sigmoid", "clips z to [-500, 500]: sigmoid(-1000) is not exactly 0",
           "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(z, dtype=float), -500, 500)))"),
    Mutant("sigmoid", "works on scalars only (math.exp)", """
import math
def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
"""),
    # mlp_forward
    Mutant("mlp_forward", "returns shape (n,) instead of (n, 1)",
           "def mlp_forward(X, W1, b1, W2, b2):\n    return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2).ravel()"),
    Mutant("mlp_forward", "no sigmoid at the output",
           "def mlp_forward(X, W1, b1, W2, b2):\n    return sigmoid(X @ W1 + b1) @ W2 + b2"),
    Mutant("mlp_forward", "forgets the hidden bias",
           "def mlp_forward(X, W1, b1, W2, b2):\n    return sigmoid(sigmoid(X @ W1) @ W2 + b2)"),
    Mutant("mlp_forward", "forgets the output bias",
           "def mlp_forward(X, W1, b1, W2, b2):\n    return sigmoid(sigmoid(X @ W1 + b1) @ W2)"),
    Mutant("mlp_forward", "no activation in the hidden layer",
           "def mlp_forward(X, W1, b1, W2, b2):\n    return sigmoid((X @ W1 + b1) @ W2 + b2)"),
    # XOR_WEIGHTS
    Mutant("XOR_WEIGHTS", "wrong on (1, 1): the NAND unit's bias is too large", """
XOR_WEIGHTS = {"W1": np.array([[-20.0, 20.0], [-20.0, 20.0]]), "b1": np.array([50.0, -10.0]),
               "W2": np.array([[20.0], [20.0]]), "b2": np.array([-30.0])}
"""),
    Mutant("XOR_WEIGHTS", "output unit is OR instead of AND", """
XOR_WEIGHTS = {"W1": np.array([[-20.0, 20.0], [-20.0, 20.0]]), "b1": np.array([30.0, -10.0]),
               "W2": np.array([[20.0], [20.0]]), "b2": np.array([-10.0])}
"""),
    Mutant("XOR_WEIGHTS", "weights too small: sigmoid never gets past 0.5 where it should", """
XOR_WEIGHTS = {"W1": np.array([[-0.5, 0.5], [-0.5, 0.5]]), "b1": np.array([0.7, -0.2]),
               "W2": np.array([[0.5], [0.5]]), "b2": np.array([-0.7])}
"""),
    Mutant("XOR_WEIGHTS", "W2 as a row (1, 2) and b2 as a scalar", """
XOR_WEIGHTS = {"W1": np.array([[-20.0, 20.0], [-20.0, 20.0]]), "b1": np.array([30.0, -10.0]),
               "W2": np.array([[20.0, 20.0]]), "b2": -30.0}
"""),
    # build_xor_model
    Mutant("build_xor_model", "sigmoid in the hidden layer",
           build(hidden="keras.layers.Dense(hidden_units, activation=\"sigmoid\")")),
    Mutant("build_xor_model", "no activation in the hidden layer",
           build(hidden="keras.layers.Dense(hidden_units)")),
    Mutant("build_xor_model", "mean squared error loss",
           build(compile_args="optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=\"mse\", "
                              "metrics=[\"accuracy\"]")),
    Mutant("build_xor_model", "no accuracy metric",
           build(compile_args="optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=\"binary_crossentropy\"")),
    Mutant("build_xor_model", "two output units with softmax",
           build(output="keras.layers.Dense(2, activation=\"softmax\")")),
    Mutant("build_xor_model", "output layer without sigmoid",
           build(output="keras.layers.Dense(1)")),
    Mutant("build_xor_model", "ignores hidden_units (always 8)",
           build(hidden="keras.layers.Dense(8, activation=\"relu\")")),
    Mutant("build_xor_model", "an extra hidden layer",
           build(hidden="keras.layers.Dense(hidden_units, activation=\"relu\"), "
                        "keras.layers.Dense(hidden_units, activation=\"relu\")")),
    Mutant("build_xor_model", "optimizer \"adam\" with its default learning rate",
           build(compile_args="optimizer=\"adam\", loss=\"binary_crossentropy\", metrics=[\"accuracy\"]")),
    Mutant("build_xor_model", "not seeded", build(seed_line="pass")),
    Mutant("build_xor_model", "default seed 1 instead of 0", build(signature="hidden_units=8, seed=1")),
    Mutant("build_xor_model", "seeds after creating the layers", """
def build_xor_model(hidden_units=8, seed=0):
    layers = [keras.Input(shape=(2,)), keras.layers.Dense(hidden_units, activation="relu"),
              keras.layers.Dense(1, activation="sigmoid")]
    model = keras.Sequential(layers)
    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
"""),
    Mutant("build_xor_model", "ignores the seed argument (always 0)",
           build(seed_line="keras.utils.set_random_seed(0)")),
    Mutant("build_xor_model", "not compiled", """
def build_xor_model(hidden_units=8, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(hidden_units, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
"""),
    # train_xor_model
    Mutant("train_xor_model", "returns None", train("""
    keras.utils.set_random_seed(seed)
    model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, verbose=0)
""")),
    Mutant("train_xor_model", "ignores epochs: always 5 epochs", train("""
    keras.utils.set_random_seed(seed)
    return model.fit(XOR_X, XOR_Y, epochs=5, batch_size=4, verbose=0)
""")),
    Mutant("train_xor_model", "too few epochs: epochs // 10", train("""
    keras.utils.set_random_seed(seed)
    return model.fit(XOR_X, XOR_Y, epochs=max(1, epochs // 10), initial_epoch=0, batch_size=4, verbose=0)
""")),
    Mutant("train_xor_model", "doesn't train: returns the model's (empty) history", train("""
    keras.utils.set_random_seed(seed)
    return model.history
""")),
    Mutant("train_xor_model", "trains on the wrong labels (OR)", train("""
    keras.utils.set_random_seed(seed)
    return model.fit(XOR_X, np.array([[0.0], [1.0], [1.0], [1.0]]), epochs=epochs, batch_size=4, verbose=0)
""")),
    Mutant("train_xor_model", "default seed 1 instead of 0", train("""
    keras.utils.set_random_seed(seed)
    return model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, verbose=0)
""", signature="model, epochs=100, seed=1")),
    Mutant("train_xor_model", "default epochs 50 instead of 100", train("""
    keras.utils.set_random_seed(seed)
    return model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=4, verbose=0)
""", signature="model, epochs=50, seed=0")),
    Mutant("train_xor_model", "batch_size=1 without a seed: not reproducible", train("""
    return model.fit(XOR_X, XOR_Y, epochs=epochs, batch_size=1, verbose=0)
""")),
]
