"""Keras helpers shared by the specs (Keras is imported only when a spec needs it), and
:func:`import_keras`, the notebooks' quiet ``import keras``."""
from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def stderr_silenced():
    """Send file descriptor 2 to nowhere: C++ libraries write there directly, past ``sys.stderr``."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_keras():
    """``import keras`` without TensorFlow's C++ start-up log.

    ``TF_CPP_MIN_LOG_LEVEL=3`` quiets TensorFlow's own logging, but the lines written before absl's
    logging starts ("All log messages before absl::InitializeLog() ...", oneDNN's notice) ignore
    it and go straight to file descriptor 2: a red stderr box in a notebook, captured stderr under
    pytest. They come only while TensorFlow loads, so only the import is silenced; an import
    that fails still raises as usual.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    with stderr_silenced():
        import keras
    return keras


def keras_module():
    """The ``keras`` module, imported on first use so numpy-only specs stay fast."""
    import keras
    return keras


def layers_of(model, layer_type: str) -> list:
    """Every layer of ``model`` of type ``keras.layers.<layer_type>``, nested models included."""
    wanted = getattr(keras_module().layers, layer_type)
    found = []
    for layer in model.layers:
        if isinstance(layer, wanted):
            found.append(layer)
        elif isinstance(layer, keras_module().Model):
            found += layers_of(layer, layer_type)
    return found


_WATCH = []


def watch_layer_class():
    """An identity layer that, while training, keeps the largest input value and counts images.

    Registered with Keras (``grader>Watch``) so a model holding it survives a ``.keras`` file,
    and its record lives in non-trainable weights, so it survives the trip to a sandboxed
    process and back (``model.set_weights``).
    """
    if _WATCH:
        return _WATCH[0]
    keras = keras_module()

    @keras.saving.register_keras_serializable(package="grader", name="Watch")
    class Watch(keras.layers.Layer):
        def build(self, input_shape):
            self.largest_seen = self.add_weight(shape=(), initializer="zeros", trainable=False, name="largest")
            self.images_seen = self.add_weight(shape=(), initializer="zeros", trainable=False, name="images")

        def call(self, x, training=None):
            if training:
                values = keras.ops.cast(x, "float32")
                self.largest_seen.assign(keras.ops.maximum(self.largest_seen, keras.ops.max(values)))
                self.images_seen.assign_add(keras.ops.cast(keras.ops.shape(x)[0], "float32"))
            return x

        @property
        def largest(self) -> float:
            return float(keras.ops.convert_to_numpy(self.largest_seen))

        @property
        def images(self) -> int:
            return int(round(float(keras.ops.convert_to_numpy(self.images_seen))))

    _WATCH.append(Watch)
    return Watch
