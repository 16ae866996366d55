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
