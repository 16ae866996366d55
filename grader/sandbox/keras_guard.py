"""A student's Keras model is built first in a limited process, never straight in the grader.

A ``.keras`` file that crossed from the sandbox is data, but building it is work: a forged
config with a huge layer takes gigabytes, a stack of wide convolutions takes minutes to predict.
So the trusted side (:class:`grader.sandbox.session.GraderPeer`, when it decodes a model) first
hands the file to a *guard*: a sandboxed child started by the same launcher, with the same
:class:`~grader.sandbox.launcher.Limits` (address space, CPU, no network, bubblewrap) as the
student's code, running only the code below (no student code ever runs in it). The guard loads
the file in Keras's safe mode and predicts :data:`PROBE_IMAGES` inputs of zeros, within the time the
current check has left. Only a model the guard built within those limits, and that predicted
in at most :data:`PROBE_SECONDS`, is then loaded by the grader (:func:`guarded_load`).

The homework's evaluation on the validation and held-out test images happens in the guard too
(:func:`predict_saved`): the images are handed to it (it is no student's process), and only the
model's outputs come back.
"""
from __future__ import annotations

import hashlib
import textwrap
import time

import numpy as np

from grader.core import words
from grader.sandbox.launcher import Limits
from grader.sandbox.protocol import custom_class_error
from grader.core.model_eval import SubmissionError

PROBE_IMAGES = 16               # the largest batch a spec predicts in the grader's own process
PROBE_SECONDS = 5.0             # at most, for those images, in the guard
DEFAULT_SECONDS = 60.0          # when the caller has no deadline

GUARD_CODE = textwrap.dedent('''
    import gc, os, tempfile, time
    import numpy as np
    PROBE = {probe}

    def ready():
        """Import Keras (once per guard): under too small limits, this is what fails."""
        import keras
        from grader.core.keras_tools import watch_layer_class
        watch_layer_class()                    # the grader's own layer (its specs' models hold it)
        gc.collect()
        gc.freeze()         # Keras's and TensorFlow's own objects: each examine's collections skip them
        return True

    def examine(data, images):
        """Load the .keras file ``data`` (uint8 bytes) in safe mode; predict each array of ``images``
        (None: a batch of zeros of the model's own input shape)."""
        import keras
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as file:
            file.write(np.asarray(data, dtype=np.uint8).tobytes())
        started = time.monotonic()
        try:
            model = keras.models.load_model(path, safe_mode=True, compile=False)
            loaded = time.monotonic() - started
            outputs, seconds, started = [], [], time.monotonic()
            probing = images is None
            if probing:
                try:
                    shape = tuple(model.inputs[0].shape)
                    images = [np.zeros((PROBE,) + tuple(1 if d is None else int(d) for d in shape[1:]), np.float32)]
                except Exception:          # (no single known input: nothing to time)
                    images = []
            for x in images:
                try:
                    if probing:                # time the second call: the first one traces the graph
                        model.predict(x, batch_size=500, verbose=0)
                    started = time.monotonic()
                    out = keras.ops.convert_to_numpy(model.predict(x, batch_size=500, verbose=0))
                    outputs.append(np.asarray(out, dtype=np.float32))
                except Exception as error:     # the grader's checks report it (wrong input shape, ...)
                    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                    outputs.append(f"{type(error).__name__}: {first[:300]}")
                seconds.append(time.monotonic() - started)
            return {"loaded": loaded, "seconds": seconds, "outputs": outputs}
        finally:
            model = None
            keras.backend.clear_session()
            gc.collect()
            os.remove(path)
            os.rmdir(folder)
''').replace("{probe}", str(PROBE_IMAGES))

_guards: dict[Limits, object] = {}
_passed: set[tuple[str, Limits]] = set()
_refused: dict[tuple[str, Limits], str] = {}     # a file refused once is refused again, at once
_unusable: dict[Limits, str] = {}                 # limits under which Keras cannot start (per submission)


def _guard(limits: Limits, seconds: float, sandbox):
    """The guard process for ``limits``, with Keras imported (started on first use, kept until
    :func:`close`); raises :class:`SubmissionError` when Keras cannot even start under ``limits``.
    ``sandbox`` is :class:`grader.sandbox.session.SandboxedSubmission` (passed in: session uses this module)."""
    if limits in _unusable:
        raise _refusal(limits, _unusable[limits])
    if limits not in _guards:
        guard = sandbox([(1, GUARD_CODE)], limits, cell_timeout=60.0, deadline_seconds=24 * 3600)
        try:
            with guard.time_limit(seconds):
                guard.ready()
        except Exception as error:
            from grader.sandbox.protocol import RemoteError
            guard.close()
            why = words.KERAS_CANNOT_START.format(why=_why(error))
            if isinstance(error, RemoteError):      # importing raised (MemoryError, ...): it will again
                _unusable[limits] = why
            raise _refusal(limits, why) from None
        _guards[limits] = guard
    return _guards[limits]


def _why(error: Exception) -> str:
    from grader.sandbox.protocol import RemoteError
    text = str(error).strip()
    if isinstance(error, RemoteError):
        return f"{error.remote_type}: {text.splitlines()[0][:300] if text else ''}"
    return text[:300] or type(error).__name__


def close() -> None:
    """Stop every guard process (the end of one submission's grading)."""
    for guard in _guards.values():
        guard.close()
    _guards.clear()
    _passed.clear()
    _refused.clear()
    _unusable.clear()


def _refusal(limits: Limits, why: str) -> SubmissionError:
    return SubmissionError(words.MODEL_REFUSED.format(memory_mb=limits.memory_mb, why=why))


def _examine(path, images: list[np.ndarray] | None, limits: Limits, deadline: float | None, sandbox) -> dict:
    with open(path, "rb") as file:
        data = np.frombuffer(file.read(), dtype=np.uint8)
    key = (hashlib.sha256(data.tobytes()).hexdigest(), limits)
    if key in _refused:
        raise _refusal(limits, _refused[key])
    seconds = (deadline - time.monotonic()) if deadline is not None else DEFAULT_SECONDS
    if seconds <= 0:
        raise _refusal(limits, words.MODEL_OUT_OF_TIME)
    guard = _guard(limits, seconds, sandbox)
    try:
        with guard.time_limit(max(deadline - time.monotonic(), 0.0) if deadline is not None else seconds):
            return guard.examine(data, images)
    except Exception as error:
        custom = custom_class_error(str(error))
        if custom is not None:      # a model of the student's own class: the same sentence on every path
            raise custom from None
        _refused[key] = _why(error)
        raise _refusal(limits, _refused[key]) from None


def guarded_load(path, limits: Limits, deadline: float | None, sandbox):
    """The model at ``path``, loaded here in safe mode only after the guard built it within
    ``limits`` and predicted :data:`PROBE_IMAGES` images in at most :data:`PROBE_SECONDS`."""
    import keras
    with open(path, "rb") as file:
        key = (hashlib.sha256(file.read()).hexdigest(), limits)
    if key not in _passed:
        probe = _examine(path, None, limits, deadline, sandbox)
        if max(probe["seconds"], default=0.0) > PROBE_SECONDS:
            _refused[key] = words.MODEL_TOO_SLOW.format(images=PROBE_IMAGES, seconds=PROBE_SECONDS)
            raise _refusal(limits, _refused[key])
        _passed.add(key)
    return keras.models.load_model(path, safe_mode=True)


def predict_saved(path, images: list[np.ndarray], limits: Limits, deadline: float | None, sandbox) -> list:
    """The outputs of the model saved at ``path`` on each array of ``images``, computed in the guard
    (for an array it could not predict, the error as text)."""
    return list(_examine(path, images, limits, deadline, sandbox)["outputs"])
