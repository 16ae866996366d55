"""Correct implementations of 01_perceptron in other styles than the reference."""
from tests.variants import Variant


def gate_weights(name: str, style: str, weights: str) -> Variant:
    """A gate written as the release writes it, with other weights ``"w0, w1, w2"``."""
    return Variant(name, style, f"""
def {name}(x1, x2):
    w0, w1, w2 = {weights}
    return gate(x1, x2, w0, w1, w2)
""")

VARIANTS = [
    # step: 1 where z > 0, else 0; integers of z's shape, for scalars and arrays
    Variant("step", "np.where", "def step(z):\n    return np.where(np.asarray(z) > 0, 1, 0)"),
    Variant("step", "np.heaviside with 0 at z = 0", "def step(z):\n    return np.heaviside(z, 0).astype(int)"),
    Variant("step", "boolean times 1", "def step(z):\n    return (np.asarray(z) > 0) * 1"),
    Variant("step", "an element-by-element loop (np.vectorize)",
            "def step(z):\n    return np.vectorize(lambda v: 1 if v > 0 else 0, otypes=[int])(z)"),
    Variant("step", "a scalar branch and an array branch", """
def step(z):
    if np.isscalar(z):
        return int(z > 0)
    out = np.zeros(np.shape(z), dtype=np.int64)
    out[np.asarray(z) > 0] = 1
    return out
"""),
    # perceptron: step(x @ w + b) for (d,) and (n, d)
    Variant("perceptron", "np.dot", "def perceptron(x, w, b):\n    return step(np.dot(x, w) + b)"),
    Variant("perceptron", "np.einsum", "def perceptron(x, w, b):\n    return step(np.einsum('...d,d->...', x, w) + b)"),
    Variant("perceptron", "inline comparison without step",
            "def perceptron(x, w, b):\n    return np.where(np.matmul(x, w) + b > 0, 1, 0)"),
    Variant("perceptron", "a loop over the rows of a batch", """
def perceptron(x, w, b):
    x = np.asarray(x)
    if x.ndim == 1:
        return step(float(np.sum(x * w)) + b)
    return np.array([step(float(np.sum(row * w)) + b) for row in x], dtype=int)
"""),
    # gates: other weights that give the same truth table (the boundary z = 0 gives 0)
    *(gate_weights(name, style, weights) for name, style, weights in [
        ("and_gate", "weights -1.5, 1, 1", "-1.5, 1.0, 1.0"),
        ("and_gate", "integer weights -1, 1, 1 (exactly 1 + 1 - 1 > 0)", "-1, 1, 1"),
        ("or_gate", "weights 0, 1, 1 (step(0) = 0 at (0, 0))", "0, 1, 1"),
        ("or_gate", "weights -0.5, 1, 1", "-0.5, 1.0, 1.0"),
        ("nand_gate", "weights 2, -1, -1 (step(0) = 0 at (1, 1))", "2, -1, -1"),
        ("nand_gate", "weights 1.5, -1, -1", "1.5, -1.0, -1.0"),
    ]),
    # xor_gate: AND(NAND, OR) written differently
    Variant("xor_gate", "one line, OR before NAND",
            "def xor_gate(x1, x2):\n    return and_gate(or_gate(x1, x2), nand_gate(x1, x2))"),
    Variant("xor_gate", "the first layer as a list", """
def xor_gate(x1, x2):
    layer1 = [gate_fn(x1, x2) for gate_fn in (nand_gate, or_gate)]
    return and_gate(*layer1)
"""),
    # train_perceptron: the same rule, visiting order and stopping, written differently
    Variant("train_perceptron", "in-place updates, an inline prediction, X left as given", """
def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
    rng = np.random.default_rng(seed)
    n, d = np.shape(X)
    w = np.zeros(d)
    b = 0.0
    errors = []
    for epoch in range(epochs):
        order = rng.permutation(n)
        wrong = 0
        for i in order:
            prediction = 1 if X[i] @ w + b > 0 else 0
            update = lr * (y[i] - prediction)
            if update != 0:
                w += update * X[i]
                b += update
                wrong += 1
        errors.append(wrong)
        if wrong == 0:
            break
    return w, float(b), errors
"""),
    Variant("train_perceptron", "zip over the permuted rows, a while loop over epochs", """
def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
    X, y = np.array(X, dtype=float), np.array(y)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    errors = []
    while len(errors) < epochs:
        order = rng.permutation(X.shape[0])
        count = 0
        for x_i, y_i in zip(X[order], y[order]):
            diff = y_i - step(np.dot(x_i, w) + b)
            if diff:
                w = w + lr * diff * x_i
                b = b + lr * diff
                count += 1
        errors.append(int(count))
        if count == 0:
            break
    return w, b, errors
"""),
]
