"""Hostile kinds (limits that cover the trusted side's work: reply decoding, Keras model loading and evaluation, tmpfs, the whole clock).

The two Keras kinds hand the grader a ``.keras`` file from the homework's ``build_model()`` without
TensorFlow in the child (a stand-in ``keras`` module in ``sys.modules`` whose ``Model.save``
writes the file), so they run under the corpus's ``--memory 1024``:

- ``keras_huge_layer``: a forged config with a 300,000-unit Dense layer (about 1 GB to build,
  then the weights do not fit): the grader built it in its own process, over the memory budget;
- ``keras_slow_model``: a real model of 48 1x1 convolutions on 84 x 84 upsampled images (its
  checks in the grader pass, and its evaluation on 1,400 images took minutes in the grader's
  process, past the submission's clock).

Both are refused now: a model is built first in a guard under the student's limits
(grader/sandbox/keras_guard.py), where neither fits. The peak memory and the seconds, before and
after, are measured by tests/test_trusted_limits.py (with --memory 4096, where TensorFlow runs).
"""
from __future__ import annotations

import base64
import functools
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tests.hostile import Context, Kind, add_cell, release, write, zero

HOMEWORK = "06_mnist_homework"
HUGE_UNITS = 300_000
SLOW_LAYERS, SLOW_CHANNELS, SLOW_UPSAMPLING = 48, 64, 3

_MAKE = textwrap.dedent('''
    import json, os, sys, zipfile
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import keras
    folder, units, layers, channels, upsampling = sys.argv[1], *map(int, sys.argv[2:])
    small = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(8),
                              keras.layers.Dense(10, activation="softmax")])
    small.save(os.path.join(folder, "small.keras"))
    with zipfile.ZipFile(os.path.join(folder, "small.keras")) as source, \\
            zipfile.ZipFile(os.path.join(folder, "huge.keras"), "w") as forged:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                config["config"]["layers"][2]["config"]["units"] = units
                data = json.dumps(config).encode()
            forged.writestr(item, data)
    slow = keras.Sequential([keras.Input((28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.UpSampling2D(upsampling)]
                            + [keras.layers.Conv2D(channels, 1, activation="relu") for _ in range(layers)]
                            + [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")])
    slow.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    slow.save(os.path.join(folder, "slow.keras"))
''')


@functools.lru_cache(maxsize=None)
def forged_files() -> dict[str, bytes]:
    """``{"huge": ..., "slow": ...}``: the two .keras files, made once (in a process of their own)."""
    with tempfile.TemporaryDirectory(prefix="hostile-keras-") as folder:
        subprocess.run([sys.executable, "-c", _MAKE, folder, str(HUGE_UNITS), str(SLOW_LAYERS), str(SLOW_CHANNELS),
                        str(SLOW_UPSAMPLING)], check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        return {name: (Path(folder) / f"{name}.keras").read_bytes() for name in ("huge", "slow")}


FAKE_KERAS = '''
import base64, sys, types

MODEL_FILE = base64.b64decode("{data}")

class Model:
    """Not Keras: whatever the grader asks, this model is the file above."""
    def save(self, path, *args, **kwargs):
        with open(path, "wb") as file:
            file.write(MODEL_FILE)

class History:
    def __init__(self, model=None):
        self.history, self.params, self.epoch, self.model = {{"loss": [2.3]}}, {{"verbose": 0, "epochs": 1}}, [0], model

fake = types.ModuleType("keras")
fake.Model, fake.callbacks = Model, types.SimpleNamespace(History=History)
fake.models = types.SimpleNamespace(load_model=lambda *args, **kwargs: Model())
fake.utils = types.SimpleNamespace(set_random_seed=lambda seed: None)
fake.saving = types.SimpleNamespace(register_keras_serializable=lambda **kwargs: (lambda cls: cls))
fake.layers = types.SimpleNamespace(Layer=object)
tensorflow = types.ModuleType("tensorflow")
tensorflow.config = types.SimpleNamespace(experimental=types.SimpleNamespace(enable_op_determinism=lambda: None))
sys.modules["keras"], sys.modules["tensorflow"] = fake, tensorflow

def build_model():
    return Model()

def train_model(model, x_train, y_train):
    return History(model)
'''


def fake_keras_cell(name: str) -> str:
    """A notebook cell whose build_model() hands the grader the forged file ``name`` ("huge", "slow")."""
    return FAKE_KERAS.format(data=base64.b64encode(forged_files()[name]).decode())


def _forged(name: str):
    def build(folder: Path, ctx: Context) -> None:
        write(folder, add_cell(release(HOMEWORK), fake_keras_cell(name), "end"), HOMEWORK + ".ipynb")
    return build


def kinds() -> list[Kind]:
    return [
        Kind("keras_huge_layer", "hostile", "build_model() hands over a forged .keras config with a 300,000-unit "
             "layer (no TensorFlow in the child)", _forged("huge"), zero, notebook=HOMEWORK),
        Kind("keras_slow_model", "hostile", "build_model() hands over 48 wide 1x1 convolutions on upsampled "
             "images: minutes to evaluate", _forged("slow"), zero, notebook=HOMEWORK),
    ]
