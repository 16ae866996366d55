"""Keras models and training histories on the wire (Keras is imported only where it already is).

Shapes (values inside any message, see :mod:`.codec`)::

    {"__keras__": "FILE.keras"}       a model saved to the transfer folder; the grader loads it
                                      in safe mode (no code from the file runs)
    {"__history__": {"history": {...}, "params": {...}, "epoch": [...]},
     "model_argument": "0" | "model" | null}
                                      a History; ``model_argument`` names the call's argument
                                      it trained, whose model the caller links back to it
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile


def keras_kind(value) -> str | None:
    """"model", "history" or None (without importing Keras)."""
    keras = sys.modules.get("keras")
    if keras is None:
        return None
    if isinstance(value, keras.Model):
        return "model"
    if isinstance(value, keras.callbacks.History):
        return "history"
    return None


def save_model(model, write_transfer) -> dict:
    """``{"__keras__": name}``: ``model`` saved, then copied into a transfer file by ``write_transfer``."""
    with tempfile.TemporaryDirectory(prefix="grader-keras-") as private:
        model.save(os.path.join(private, "model.keras"))
        with open(os.path.join(private, "model.keras"), "rb") as saved:
            return {"__keras__": write_transfer(".keras", lambda file: shutil.copyfileobj(saved, file))}


def load_model(handle, load):
    """The model in the open transfer file ``handle``, read by ``load(path)`` from a private copy."""
    _register_grader_layers()
    with tempfile.TemporaryDirectory(prefix="grader-keras-") as private:
        path = os.path.join(private, "model.keras")
        with open(path, "wb") as copy:
            shutil.copyfileobj(handle, copy)
        return load(path)


def load_keras_file(path: str, trusted: bool):
    """A Keras model from a ``.keras`` file: the grader (``trusted``) loads in safe mode (no code
    from the file runs; its peer first builds it under limits, see grader.sandbox.keras_guard);
    the child loads what the grader sent it, which is trusted."""
    import keras
    try:
        return keras.models.load_model(path, safe_mode=trusted)
    except TypeError as error:
        custom = custom_class_error(str(error)) if trusted else None
        if custom is None:
            raise
        raise custom from None


def history_fields(history, call_arguments: dict) -> tuple[dict, str | None]:
    """What crosses for a History, and which of the call's arguments is the model it trained."""
    trained = [key for key, argument in call_arguments.items() if argument is getattr(history, "model", None)]
    fields = {"history": dict(history.history), "params": dict(history.params or {}), "epoch": list(history.epoch)}
    return fields, trained[0] if trained else None


def make_history(fields: dict, model_argument):
    import keras
    history = keras.callbacks.History()
    history.history, history.params, history.epoch = fields["history"], fields["params"], fields["epoch"]
    history.model_argument = model_argument     # which argument it trained, if any
    return history


def link_history(value, args, kwargs) -> None:
    """model.fit's History points at the model it trained: the caller's own, after a call."""
    trained = getattr(value, "model_argument", None)
    if keras_kind(value) == "history" and trained:
        value.set_model(args[int(trained)] if trained.isdigit() else kwargs.get(trained))


def custom_class_error(text: str) -> AssertionError | None:
    """Keras's safe-mode "Could not locate class 'X'" (a model of the student's own class) as the
    sentence the in-process check says; None for any other error."""
    custom = re.search(r"Could not locate class '(\w+)'", text)
    if not custom:
        return None
    from grader.core import words      # the grader's public core (the sandbox has its copy)
    return AssertionError(words.custom_model_class(custom.group(1)))


def _register_grader_layers() -> None:
    """Make the layers the grader's specs use (``grader.core.keras_tools``) known to Keras, where
    the grader's public modules are importable (always in the grader; in the sandbox, its
    public copy)."""
    try:
        from grader.core.keras_tools import watch_layer_class
    except ImportError:
        return
    watch_layer_class()
