"""Correct implementations of 05_sign_language_mnist in other styles than the reference."""
from tests.variants import Variant

VARIANTS = [
    # load_sign_mnist
    Variant("load_sign_mnist", "csv.reader, int() per field, Python lists until the end", '''
import csv

def load_sign_mnist(csv_path):
    header = ["label"] + [f"pixel{i}" for i in range(1, 785)]
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not any(any(field.strip() for field in row) for row in rows):
        raise ValueError(f"{csv_path}: the file is empty")
    if rows[0] != header:
        raise ValueError(f"{csv_path}, line 1: the first line is not the header")
    images, labels = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 785:
            raise ValueError(f"{csv_path}, line {number}: {len(row)} columns instead of 785")
        values = []
        for field in row:
            try:
                values.append(int(field))
            except ValueError:
                raise ValueError(f"{csv_path}, line {number}: {field!r} is not an integer") from None
        if not (0 <= values[0] <= 24) or values[0] == 9:
            raise ValueError(f"{csv_path}, line {number}: no letter has label {values[0]}")
        for value in values[1:]:
            if not 0 <= value <= 255:
                raise ValueError(f"{csv_path}, line {number}: pixel {value} is outside 0-255")
        labels.append(values[0])
        images.append(values[1:])
    if not images:
        raise ValueError(f"{csv_path}: empty, only a header")
    return np.array(images, dtype=np.uint8).reshape(len(images), 28, 28), np.array(labels)
'''),
    Variant("load_sign_mnist", "reads the handle line by line, a set of labels, np.fromiter and np.stack", '''
LETTER_LABELS = set(range(25)) - {9}

def load_sign_mnist(csv_path):
    images, labels, seen_header = [], [], False
    with open(csv_path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\\r\\n")
            if number == 1:
                if line.strip() and line != SIGN_HEADER:
                    raise ValueError(f"{csv_path}, line 1: header expected")
                seen_header = bool(line.strip())
                continue
            if not line.strip():
                continue
            if not seen_header:
                raise ValueError(f"{csv_path}, line 1: header expected")
            parts = line.split(",")
            if len(parts) != 785:
                raise ValueError(f"{csv_path}, line {number}: wrong number of columns ({len(parts)})")
            if not all(p.strip().lstrip("+-").isdigit() for p in parts):
                raise ValueError(f"{csv_path}, line {number}: a value is not an integer")
            numbers = np.fromiter((int(p) for p in parts), dtype=np.int64, count=785)
            if int(numbers[0]) not in LETTER_LABELS:
                raise ValueError(f"{csv_path}, line {number}: bad label {numbers[0]}")
            if numbers[1:].min() < 0 or numbers[1:].max() > 255:
                raise ValueError(f"{csv_path}, line {number}: pixel outside 0-255")
            labels.append(int(numbers[0]))
            images.append(numbers[1:].astype(np.uint8).reshape(28, 28))
    if not images:
        raise ValueError(f"{csv_path} is empty")
    return np.stack(images), np.asarray(labels, dtype=np.int32)
'''),
    # letter
    Variant("letter", "indexes the alphabet string, checks range(25)", '''
def letter(label):
    if label not in range(25) or label == 9:
        raise ValueError(f"{label} is not a Sign-MNIST label")
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[label]
'''),
    Variant("letter", "a dict of the 24 letters from string.ascii_uppercase, KeyError -> ValueError", '''
import string

LETTERS = {k: string.ascii_uppercase[k] for k in range(25) if k != 9}

def letter(label):
    try:
        return LETTERS[int(label)]
    except KeyError:
        raise ValueError(f"label {label} has no letter") from None
'''),
    # preprocess
    Variant("preprocess", "keras.utils.to_categorical and reshape(-1, 28, 28, 1)", '''
def preprocess(X, y):
    X_ready = X.reshape(-1, 28, 28, 1).astype(np.float32) / 255
    return X_ready, keras.utils.to_categorical(y, 25).astype("float32")
'''),
    Variant("preprocess", "np.eye rows, float64 division then float32, np.expand_dims", '''
def preprocess(X, y):
    return np.expand_dims(X / 255.0, axis=-1).astype(np.float32), np.eye(25, dtype=np.float32)[y]
'''),
    Variant("preprocess", "a loop over the labels, multiplies by 1/255", '''
def preprocess(X, y):
    Y = np.zeros((len(y), 25), dtype=np.float32)
    for row, label in enumerate(y):
        Y[row, label] = 1
    images = X.astype(np.float32) * np.float32(1 / 255)
    return images[:, :, :, None], Y
'''),
    # build_sign_model
    Variant("build_sign_model", "functional API, loss and optimizer objects, dropout before the output", '''
def build_sign_model():
    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(16, 3, activation="relu", padding="same")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(25, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"])
    return model
'''),
    Variant("build_sign_model", "model.add one layer at a time, a dense network, RMSprop", '''
def build_sign_model():
    model = keras.Sequential()
    model.add(keras.layers.Input(shape=(28, 28, 1)))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(128, activation="relu"))
    model.add(keras.layers.Dropout(0.25))
    model.add(keras.layers.Dense(25, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
'''),
]
