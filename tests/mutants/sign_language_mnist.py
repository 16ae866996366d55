"""Wrong implementations for 05_sign_language_mnist."""
from tests.mutants import Mutant

# The reference loader, split so that one step at a time can be replaced.
OPEN = """
    with open(csv_path, encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()"""
EMPTY = """
    if not any(line.strip() for line in lines):
        raise ValueError(f"{csv_path}: empty file")"""
HEADER_CHECK = """
    if lines[0].strip() != SIGN_HEADER:
        raise ValueError(f"{csv_path}, line 1: expected the header label,pixel1,...,pixel784")"""
LOOP = """
    labels, images = [], []
    for number, line in enumerate(lines[1:], start=2):"""
SKIP_EMPTY = """
        if not line.strip():
            continue"""
SPLIT = """
        fields = line.split(",")"""
COLUMNS = """
        if len(fields) != 785:
            raise ValueError(f"{csv_path}, line {number}: expected 785 columns, found {len(fields)}")"""
INTEGERS = """
        try:
            values = np.array(fields).astype(np.int64)
        except ValueError:
            raise ValueError(f"{csv_path}, line {number}: a value is not an integer") from None"""
LABEL = """
        label = int(values[0])
        if label < 0 or label > 24 or label == 9:
            raise ValueError(f"{csv_path}, line {number}: label {label} is not a letter")"""
PIXELS = """
        pixels = values[1:]"""
RANGE = """
        if np.any((pixels < 0) | (pixels > 255)):
            raise ValueError(f"{csv_path}, line {number}: a pixel is outside 0-255")"""
APPEND = """
        labels.append(label)
        images.append(pixels)"""
NONE_READ = """
    if not labels:
        raise ValueError(f"{csv_path}: empty file (no images)")"""
RESULT = """
    return np.array(images, dtype=np.uint8).reshape(-1, 28, 28), np.array(labels, dtype=np.int64)"""
PARTS = dict(OPEN=OPEN, EMPTY=EMPTY, HEADER_CHECK=HEADER_CHECK, LOOP=LOOP, SKIP_EMPTY=SKIP_EMPTY, SPLIT=SPLIT,
             COLUMNS=COLUMNS, INTEGERS=INTEGERS, LABEL=LABEL, PIXELS=PIXELS, RANGE=RANGE, APPEND=APPEND,
             NONE_READ=NONE_READ, RESULT=RESULT)


def loader(**replaced):
    """The reference loader with some of its PARTS replaced."""
    body = "".join(replaced.get(name, text) for name, text in PARTS.items())
    return "def load_sign_mnist(csv_path):" + body + "\n"


def preprocess(images="(np.asarray(X, dtype=np.float32) / 255.0)[..., np.newaxis]",
               onehot="keras.utils.to_categorical(y, 25).astype(np.float32)"):
    return f"""
def preprocess(X, y):
    return {images}, {onehot}
"""


def build(inputs="keras.Input(shape=(28, 28, 1))", dropout="keras.layers.Dropout(0.5),",
          output='keras.layers.Dense(25, activation="softmax")',
          compile_line='model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])'):
    return f"""
def build_sign_model():
    model = keras.Sequential([
        {inputs},
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        {dropout}
        keras.layers.Dense(128, activation="relu"),
        {output},
    ])
    {compile_line}
    return model
"""


MUTANTS = [
    # load_sign_mnist
    Mutant("load_sign_mnist", "off by one column: the label is read as the first pixel",
           loader(PIXELS="\n        pixels = values[:784]")),
    Mutant("load_sign_mnist", "reshapes column by column (order='F')",
           loader(RESULT="\n    return np.array(images, dtype=np.uint8).reshape(-1, 28, 28).transpose(0, 2, 1), "
                         "np.array(labels)")),
    Mutant("load_sign_mnist", "returns flat images (n, 784)",
           loader(RESULT="\n    return np.array(images, dtype=np.uint8), np.array(labels)")),
    Mutant("load_sign_mnist", "images as int64, not uint8",
           loader(RESULT="\n    return np.array(images).reshape(-1, 28, 28), np.array(labels)")),
    Mutant("load_sign_mnist", "skips the first line without checking it is the header", loader(HEADER_CHECK="")),
    Mutant("load_sign_mnist", "only checks that the first line starts with 'label,'", loader(
        HEADER_CHECK="\n    if not lines[0].startswith('label,'):\n"
                     "        raise ValueError(f'{csv_path}, line 1: expected the header')")),
    Mutant("load_sign_mnist", "reads the header as data", loader(
        HEADER_CHECK="", LOOP="\n    labels, images = [], []\n    for number, line in enumerate(lines, start=1):")),
    Mutant("load_sign_mnist", "line numbers off by one (data lines counted from 1)", loader(
        LOOP="\n    labels, images = [], []\n    for number, line in enumerate(lines[1:], start=1):")),
    Mutant("load_sign_mnist", "no column count check", loader(COLUMNS="")),
    Mutant("load_sign_mnist", "lets int() errors through (no line, no file name)", loader(
        INTEGERS="\n        values = np.array([int(v) for v in fields])")),
    Mutant("load_sign_mnist", "accepts label 9 (J)",
           loader(LABEL="\n        label = int(values[0])\n        if label < 0 or label > 24:\n"
                        "            raise ValueError(f'{csv_path}, line {number}: label {label} is not a letter')")),
    Mutant("load_sign_mnist", "accepts label 25 (Z)",
           loader(LABEL="\n        label = int(values[0])\n        if label < 0 or label > 25 or label == 9:\n"
                        "            raise ValueError(f'{csv_path}, line {number}: label {label} is not a letter')")),
    Mutant("load_sign_mnist", "no pixel range check (uint8 wraps 256 to 0)", loader(RANGE="")),
    Mutant("load_sign_mnist", "error messages without the file name", loader().replace("{csv_path}, ", "")
           .replace("{csv_path}: ", "")),
    Mutant("load_sign_mnist", "an empty file raises IndexError", loader(EMPTY="", NONE_READ="")),
    Mutant("load_sign_mnist", "a header-only file gives empty arrays", loader(NONE_READ="")),
    Mutant("load_sign_mnist", "does not skip empty lines", loader(SKIP_EMPTY="")),
    Mutant("load_sign_mnist", "rejects label 0 (A): labels counted from 1",
           loader(LABEL="\n        label = int(values[0])\n        if label < 1 or label > 24 or label == 9:\n"
                        "            raise ValueError(f'{csv_path}, line {number}: label {label} is not a letter')")),
    Mutant("load_sign_mnist", "accepts pixel -1 (uint8 wraps it to 255)",
           loader(RANGE="\n        if np.any((pixels < -1) | (pixels > 255)):\n"
                        "            raise ValueError(f'{csv_path}, line {number}: a pixel is outside 0-255')")),
    Mutant("load_sign_mnist", "checks the range of pixel1..pixel783 only (off by one at the end)",
           loader(RANGE="\n        if np.any((pixels[:-1] < 0) | (pixels[:-1] > 255)):\n"
                        "            raise ValueError(f'{csv_path}, line {number}: a pixel is outside 0-255')")),
    Mutant("load_sign_mnist", "checks the values are integers before counting them",
           loader(COLUMNS="", INTEGERS=INTEGERS + COLUMNS)),
    Mutant("load_sign_mnist", "checks the label before the values are integers",
           loader(INTEGERS="""
        if fields[0].lstrip("-").isdigit() and int(fields[0]) in (9, 25, 26, -1):
            raise ValueError(f"{csv_path}, line {number}: label {fields[0]} is not a letter")""" + INTEGERS)),
    Mutant("load_sign_mnist", "checks the pixels before the label", loader(LABEL="", RANGE=RANGE + LABEL)),
    Mutant("load_sign_mnist", "np.loadtxt: no line-aware messages", """
def load_sign_mnist(csv_path):
    table = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return table[:, 1:].astype(np.uint8).reshape(-1, 28, 28), table[:, 0]
"""),
    # letter
    Mutant("letter", "indexes the 24-letter string directly", """
def letter(label):
    label = int(label)
    if label < 0 or label > 24 or label == 9:
        raise ValueError(f"label {label}")
    return "ABCDEFGHIKLMNOPQRSTUVWXY"[label]
"""),
    Mutant("letter", "off by one: chr(64 + label)", """
def letter(label):
    label = int(label)
    if label < 0 or label > 24 or label == 9:
        raise ValueError(f"label {label}")
    return chr(64 + label)
"""),
    Mutant("letter", "no validation: returns J and Z", "def letter(label):\n    return chr(ord('A') + int(label))"),
    Mutant("letter", "rejects J but not Z", """
def letter(label):
    label = int(label)
    if label < 0 or label > 25 or label == 9:
        raise ValueError(f"label {label}")
    return chr(ord("A") + label)
"""),
    Mutant("letter", "string.ascii_uppercase[label]: -1 gives Z", """
import string
def letter(label):
    if label in (9, 25):
        raise ValueError(f"label {label}")
    return string.ascii_uppercase[label]
"""),
    Mutant("letter", "lowercase letters", """
def letter(label):
    label = int(label)
    if label < 0 or label > 24 or label == 9:
        raise ValueError(f"label {label}")
    return chr(ord("a") + label)
"""),
    Mutant("letter", "returns the letter's code point (int)", """
def letter(label):
    label = int(label)
    if label < 0 or label > 24 or label == 9:
        raise ValueError(f"label {label}")
    return ord("A") + label
"""),
    # preprocess
    Mutant("preprocess", "does not scale", preprocess(images="np.asarray(X, dtype=np.float32)[..., np.newaxis]")),
    Mutant("preprocess", "divides by 256", preprocess(images="(np.asarray(X, dtype=np.float32) / 256)[..., None]")),
    Mutant("preprocess", "no channel axis", preprocess(images="np.asarray(X, dtype=np.float32) / 255.0")),
    Mutant("preprocess", "channel axis first", preprocess(images="(np.asarray(X, dtype=np.float32) / 255)[:, None]")),
    Mutant("preprocess", "float64 images", preprocess(images="(np.asarray(X) / 255.0)[..., np.newaxis]")),
    Mutant("preprocess", "integer division: all zeros", preprocess(images="(np.asarray(X) // 255)[..., None]"
                                                                          ".astype(np.float32)")),
    Mutant("preprocess", "one-hot of width 24 with renumbered labels",
           preprocess(onehot="keras.utils.to_categorical(np.where(y > 9, y - 1, y), 24).astype(np.float32)")),
    Mutant("preprocess", "one-hot of width 26", preprocess(onehot="keras.utils.to_categorical(y, 26)"
                                                                  ".astype(np.float32)")),
    Mutant("preprocess", "one-hot shifted by one (y - 1)",
           preprocess(onehot="keras.utils.to_categorical((np.asarray(y) - 1) % 25, 25).astype(np.float32)")),
    Mutant("preprocess", "labels left as integers", preprocess(onehot="np.asarray(y)")),
    # build_sign_model
    Mutant("build_sign_model", "no dropout", build(dropout="")),
    Mutant("build_sign_model", "Dropout(0.0): drops nothing", build(dropout="keras.layers.Dropout(0.0),")),
    Mutant("build_sign_model", "no softmax: outputs logits", build(output="keras.layers.Dense(25)")),
    Mutant("build_sign_model", "sparse categorical cross-entropy: expects integer labels", build(
        compile_line='model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])')),
    Mutant("build_sign_model", "not compiled", build(compile_line="pass")),
    Mutant("build_sign_model", "compiled without the accuracy metric", build(
        compile_line='model.compile(optimizer="adam", loss="categorical_crossentropy")')),
    Mutant("build_sign_model", "learning rate 0: training changes nothing", build(
        compile_line='model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), '
                     'loss="categorical_crossentropy", metrics=["accuracy"])')),
    Mutant("build_sign_model", "input without the channel axis (28, 28)", build(
        inputs="keras.Input(shape=(28, 28)), keras.layers.Reshape((28, 28, 1))")),
    Mutant("build_sign_model", "returns one global model every call", build().replace(
        "def build_sign_model():", "def _make():") + "\n_MODEL = _make()\ndef build_sign_model():\n"
                                                      "    return _MODEL\n"),
]
