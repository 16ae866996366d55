"""Identity across a call: the objects a call was given are the caller's own afterwards.

After a call, each argument the callee changed comes back in the reply's ``mutated``
(``{"0": value, "kwarg": value}``), and every array, list, dict, set, random generator or Keras
model the call was given is marked where it still is, in ``mutated`` and in the return value::

    {"__same__": [argument, n], "value": ...}     the n-th such object (in :func:`walk` order)
                                                  of the argument named ``argument``

The caller puts its own object there, changed in place (:func:`refill`); an entry the callee
rebound to a new object (even an equal one) is rebound on the caller's side to a new object,
leaving the old one alone, as in one process.
"""
from __future__ import annotations

import numpy as np

from .errors import ProtocolError
from .keras_transfer import keras_kind

MAX_DEPTH = 100

def is_node(value) -> bool:
    """Can a call change ``value`` in place? (Then it has an identity to keep across the wire.)
    Each kind here is sent by value as the same kind, so both sides find the same ones."""
    return (isinstance(value, (list, dict, set, np.random.Generator))
            or (isinstance(value, np.ndarray) and not isinstance(value, np.ma.MaskedArray))
            or keras_kind(value) == "model")


def walk(value, skip=lambda value: False, found: list | None = None, depth: int = 0) -> list:
    """The objects in ``value`` that a call can change in place, outermost first, in the order
    :meth:`.codec.Codec.encode` meets them (into lists, dict values and tuples; not into sets, which hold
    only hashable things, or arrays). ``[argument, n]`` names the n-th of them in an argument."""
    found = [] if found is None else found
    if depth > MAX_DEPTH or skip(value):
        return found
    if type(value) is tuple:
        inside = value
    elif is_node(value):
        found.append(value)
        inside = value if isinstance(value, list) else value.values() if isinstance(value, dict) else ()
    else:
        return found
    for item in inside:
        walk(item, skip, found, depth + 1)
    return found


def original(originals: dict, where):
    """The caller's object that a ``__same__`` mark names (only ever one it gave the call)."""
    try:
        key, n = where
        objects = originals[key]
        if type(n) is int and 0 <= n < len(objects):
            return objects[n]
    except (TypeError, ValueError, KeyError):
        pass
    raise ProtocolError("a mark names no object given to the call")


def refill(target, new):
    """``target``, given the contents of ``new`` (the callee's copy of it, changed in place or
    not at all); its items are already the caller's objects or new ones. Returns ``new`` itself
    where that cannot be done in place (a kind, shape or dtype that in-place changes cannot make)."""
    if isinstance(target, np.ndarray) and isinstance(new, np.ndarray):
        if target.shape != new.shape or target.dtype != new.dtype:
            return new
        if target.dtype.kind == "O" or target.tobytes() != new.tobytes():  # unchanged: leave alone (read-only)
            np.copyto(target, new)
    elif isinstance(target, dict) and isinstance(new, dict):
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            if key not in target or not kept(target[key], value):
                target[key] = value
        if list(target) != list(new):       # keys deleted and added again come last, as in the callee
            target.clear()
            target.update(new)
    elif isinstance(target, list) and isinstance(new, list):
        if len(target) != len(new) or not all(map(kept, target, new)):
            target[:] = new
    elif isinstance(target, set) and isinstance(new, (set, frozenset)):
        if target != new:
            target.clear()
            target.update(new)
    elif isinstance(target, np.random.Generator) and isinstance(new, np.random.Generator):
        try:
            target.bit_generator.state = new.bit_generator.state
        except (TypeError, ValueError):
            return new
    elif keras_kind(target) == "model" and keras_kind(new) == "model":
        try:
            target.set_weights(new.get_weights())
        except ValueError:
            pass        # (a model changed in shape keeps its identity, and its old weights)
    else:
        return new
    return target


def kept(old, new) -> bool:
    """Can ``old`` stay where the callee has ``new``? (The same object, or an equal plain scalar.)"""
    return old is new or (type(old) is type(new) and isinstance(new, (bool, int, float, complex, str, bytes))
                          and old == new)


def unmarked(data):
    """An encoding without its ``__same__`` marks: what it would have been without them."""
    if isinstance(data, list):
        return [unmarked(v) for v in data]
    if isinstance(data, dict):
        if "__same__" in data:
            return unmarked(data.get("value"))
        return {k: unmarked(v) for k, v in data.items()}
    return data
