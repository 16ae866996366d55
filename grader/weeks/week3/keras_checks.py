"""Checks of the Keras model a student's function builds, shared by week 3's Keras notebooks
(02_xor_mlp, 05_sign_language_mnist, 06_mnist_homework); public, so it ships to students."""
from grader.core import words
from grader.core.compare import Mismatch, call
from grader.core.keras_tools import keras_module


def built_model(build, name: str, keras_classes_only: bool = False, **kwargs):
    """``build(**kwargs)`` (the student's function ``name``), checked to be a Keras model; returns it.

    ``keras_classes_only`` refuses a model of the student's own class (a subclass of
    ``keras.Model``), which the sandbox cannot send back to the grader.
    """
    keras = keras_module()
    what = call(name, **kwargs)
    model = build(**kwargs)
    if not isinstance(model, keras.Model):
        raise Mismatch(what, "Keras 모델 (keras.Sequential([...])) 을 돌려줘야 합니다", received=type(model).__name__)
    if keras_classes_only and not type(model).__module__.startswith("keras."):
        raise Mismatch(what, words.custom_model_class(type(model).__name__))
    return model


def require_compiled(model, what: str) -> None:
    """``model`` (what ``what`` returned) is compiled, with an optimizer."""
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise Mismatch(what, "모델이 컴파일 (compile) 되지 않았습니다: 돌려주기 전에 model.compile(optimizer=..., "
                       "loss=..., metrics=[...]) 을 호출하세요")


def check_new_model_each_call(build, what: str) -> None:
    """Two calls of ``build`` (no arguments; it returns a checked model, e.g. with :func:`built_model`)
    give two models with no layer in common, as a model built inside the function is."""
    first = build()
    second = build()
    shared = {id(layer) for layer in first.layers} & {id(layer) for layer in second.layers}
    if first is second or shared:
        raise Mismatch(f"{what} 두 번 호출", "같은 모델을 돌려주었거나 층 (layer) 을 함께 씁니다")
