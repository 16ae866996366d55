"""Correct implementations of 06_mnist_homework in other styles than the reference.

The ``accuracy`` target (a whole trained submission) is left to the mutants and the reference:
a variant is graded with its own function's checks only.
"""
from tests.variants import Variant

VARIANTS = [
    # load_mnist
    Variant("load_mnist", "pathlib and early returns, os.getenv", '''
from pathlib import Path

def load_mnist():
    setting = os.getenv("MNIST_PATH")
    if setting:
        path = Path(setting)
        arrays = read_mnist_folder(path) if path.is_dir() else read_mnist_npz(path)
        return arrays[0], arrays[1]
    cache = keras_cache_path()
    if cache.exists():
        x_train, y_train = read_mnist_npz(cache)[:2]
        return x_train, y_train
    return bundled_training_split()
'''),
    Variant("load_mnist", "a list of candidate sources tried in order", '''
def load_mnist():
    given = os.environ.get("MNIST_PATH", "")
    sources = []
    if given:
        sources.append((read_mnist_folder if os.path.isdir(given) else read_mnist_npz, given))
    sources.append((read_mnist_npz, keras_cache_path()))
    for reader, where in sources:
        if where == given or os.path.isfile(where):
            x_train, y_train, x_test, y_test = reader(where)
            return x_train, y_train
    x_train, y_train = bundled_training_split()
    return x_train, y_train
'''),
    # build_model
    Variant("build_model", "functional API, a dense network, loss and optimizer objects", '''
def build_model():
    inputs = keras.Input(shape=(28, 28))
    x = keras.layers.Rescaling(scale=1.0 / 255)(inputs)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model
'''),
    Variant("build_model", "model.add, Reshape before Rescaling, a small CNN, RMSprop", '''
def build_model():
    model = keras.Sequential()
    model.add(keras.layers.Input(shape=(28, 28)))
    model.add(keras.layers.Reshape((28, 28, 1)))
    model.add(keras.layers.Rescaling(1.0 / 255.0))
    model.add(keras.layers.Conv2D(16, 3, activation="relu"))
    model.add(keras.layers.MaxPooling2D(2))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''),
    # train_model
    Variant("train_model", "keyword arguments, a 10% validation split, large batches", '''
def train_model(model, x_train, y_train):
    history = model.fit(x=x_train, y=y_train, validation_split=0.1, epochs=8, batch_size=64, verbose=0)
    return history
'''),
    Variant("train_model", "early stopping on the training loss, shuffled batches of 16", '''
def train_model(model, x_train, y_train):
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=False)
    return model.fit(x_train, y_train, batch_size=16, epochs=6, shuffle=True, callbacks=[stop], verbose=0)
'''),
]
