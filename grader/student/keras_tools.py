"""Keras helpers shared by the specs (Keras is imported only when a spec needs it)."""
from __future__ import annotations


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
