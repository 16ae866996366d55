"""Wrong implementations for 01_perceptron."""
from tests.mutants import Mutant, edited

SPEC = "perceptron"

MUTANTS = [
    Mutant("step", "uses >= so step(0) is 1", "def step(z):\n    return (np.asarray(z) >= 0).astype(int)"),
    Mutant("step", "returns booleans", "def step(z):\n    return np.asarray(z) > 0"),
    Mutant("step", "returns floats", "def step(z):\n    return np.where(np.asarray(z) > 0, 1.0, 0.0)"),
    Mutant("step", "works on scalars only", "def step(z):\n    return 1 if z > 0 else 0"),
    Mutant("step", "works on arrays only: a plain number has no .astype",
           "def step(z):\n    return (z > 0).astype(int)"),
    Mutant("perceptron", "forgets the bias", "def perceptron(x, w, b):\n    return step(x @ w)"),
    Mutant("perceptron", "subtracts the bias", "def perceptron(x, w, b):\n    return step(x @ w - b)"),
    Mutant("perceptron", "swaps x and w", "def perceptron(x, w, b):\n    return step(w @ x + b)"),
    Mutant("perceptron", "returns floats 0.0/1.0, not integers",
           "def perceptron(x, w, b):\n    return np.where(x @ w + b > 0, 1.0, 0.0)"),
    Mutant("and_gate", "right on three of four rows",
           "def and_gate(x1, x2):\n    return gate(x1, x2, -0.2, 0.5, 0.0)"),
    Mutant("and_gate", "works on scalars only", "def and_gate(x1, x2):\n    return int(x1 and x2)"),
    Mutant("or_gate", "right on three of four rows",
           "def or_gate(x1, x2):\n    return gate(x1, x2, -0.2, 0.5, 0.0)"),
    Mutant("or_gate", "bias at the boundary: (0, 0) gives 1",
           "def or_gate(x1, x2):\n    return gate(x1, x2, 0.0, 0.5, 0.5) | gate(x1, x2, 0.1, 0, 0)"),
    Mutant("nand_gate", "right on three of four rows",
           "def nand_gate(x1, x2):\n    return gate(x1, x2, 0.2, -0.5, 0.0)"),
    Mutant("nand_gate", "is AND, not NAND", "def nand_gate(x1, x2):\n    return gate(x1, x2, -0.7, 0.5, 0.5)"),
    Mutant("xor_gate", "a single perceptron", "def xor_gate(x1, x2):\n    return gate(x1, x2, -0.2, 0.5, 0.5)"),
    Mutant("xor_gate", "computed with != instead of gates",
           "def xor_gate(x1, x2):\n    return (np.asarray(x1) != np.asarray(x2)).astype(int)"),
    Mutant("xor_gate", "second layer is OR", "def xor_gate(x1, x2):\n    return or_gate(nand_gate(x1, x2), or_gate(x1, x2))"),
    Mutant("train_perceptron", "never updates the bias", edited(
        SPEC, "train_perceptron", ("                b = b + lr * error\n", ""))),
    Mutant("train_perceptron", "counts errors after the epoch, not while visiting", edited(
        SPEC, "train_perceptron", ("        errors.append(wrong)",
                                   "        errors.append(int(np.sum(perceptron(X, w, b) != y)))"))),
    Mutant("train_perceptron", "keeps going after an error-free epoch", edited(
        SPEC, "train_perceptron", ("        if wrong == 0:\n            break\n", ""))),
    Mutant("train_perceptron", "visits samples in order, without shuffling", edited(
        SPEC, "train_perceptron", ("rng.permutation(len(X))", "range(len(X))"))),
    Mutant("train_perceptron", "default learning rate 0.5 instead of 0.1", edited(
        SPEC, "train_perceptron", ("lr=0.1", "lr=0.5"))),
    Mutant("train_perceptron", "default epochs 50 instead of 100", edited(
        SPEC, "train_perceptron", ("epochs=100", "epochs=50"))),
    Mutant("train_perceptron", "default seed 42 instead of 0", edited(
        SPEC, "train_perceptron", ("seed=0", "seed=42"))),
    Mutant("train_perceptron", "starts from the integer b = 0: b stays an int when nothing is misclassified",
           edited(SPEC, "train_perceptron", ("b = 0.0", "b = 0"))),
    Mutant("train_perceptron", "reorders the caller's X and y in place", """
def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
    rng = np.random.default_rng(seed)
    w = np.zeros(np.shape(X)[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        X[:] = X[order]
        y[:] = y[order]
        wrong = 0
        for i in range(len(X)):
            error = int(y[i]) - int(perceptron(X[i], w, b))
            if error != 0:
                w = w + lr * error * X[i]
                b = b + lr * error
                wrong += 1
        errors.append(wrong)
        if wrong == 0:
            break
    return w, b, errors
"""),
]
