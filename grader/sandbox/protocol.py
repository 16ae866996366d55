"""The wire between the trusted grader and a sandboxed student process.

Standalone on purpose (standard library and NumPy only): the sandbox runs a copy of this
file and of ``child.py`` and sees nothing else of the grader.

Messages are length-prefixed JSON. Plain data travels by value: None, bool, int, float,
complex, str, bytes, tuples, lists, dicts, sets, NumPy scalars and arrays of numbers,
booleans or text (inline below 1 MiB, else an ``.npy`` file in the shared transfer folder,
read back with ``allow_pickle=False``), ``np.random.Generator`` state, Keras models (a
``.keras`` file, loaded by the trusted side in safe mode) and Keras histories. Anything else
(a function, a class instance, a generator) stays where it lives and travels as a handle;
the other side gets a :class:`Remote` proxy whose calls, attributes, items and iteration are
requests back to the owner. Both sides serve requests while they wait for an answer, so a
student's ``train(net, ...)`` can call the grader's ``net.loss`` and the grader's spec can
call the student's ``net.loss``.

Identity survives a call: after it, each argument the callee changed is sent back, and every
array, list, dict, set, random generator or Keras model that the call was given is marked where
it still is (``{"__same__": [argument, n], "value": ...}``, in the return value too). The
caller puts its own object there, changed in place; an entry the callee rebound to a new
object (even an equal one) is rebound on the caller's side to a new object, leaving the old
one alone, as in one process. Arrays fetched through a handle (``net.params["W1"]``) and
changed in place are written back to their owner before the next message leaves.

A request may carry the caller's floating-point error state (``errstate``, from
``np.geterr()``); the grader sends it with every call into the sandbox, the child runs the
call under it and sends back the warnings raised (``warnings``), which the caller issues
again under its own filters (:func:`reissue_warnings`).

A trusted peer (the grader) lets the other side reach only what it was handed: registered
objects, their public instance attributes and methods, and the items of its containers.
"""
from __future__ import annotations

import base64
import itertools
import json
import math
import os
import re
import select
import shutil
import stat
import struct
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator, Mapping, MutableMapping, MutableSequence

import numpy as np


HEADER = struct.Struct(">I")
MAX_MESSAGE = 1 << 30           # what the child accepts from the grader (trusted)
MIN_REPLY_BYTES = 4 << 20
DEADLINE_CHECK_EVERY = 4096     # decoded values between two looks at the clock
INLINE_BYTES = 1 << 20
MAX_DEPTH = 100
ARRAY_KINDS = "biufcU"
MAX_WARNINGS = 100
MAX_WARNING_TEXT = 1000
ERRSTATE_MODES = ("ignore", "warn", "raise", "print")


class ProtocolError(Exception):
    """The other side sent something that is not a valid message (or vanished)."""



def said(entry: str, **fields) -> str:
    """The language table's sentence ``entry`` (:mod:`grader.core.words`), imported when needed."""
    from grader.core import words
    return getattr(words, entry).format(**fields)


def custom_class_error(text: str) -> AssertionError | None:
    """Keras's safe-mode "Could not locate class 'X'" (a model of the student's own class) as the
    sentence the in-process check says; None for any other error."""
    custom = re.search(r"Could not locate class '(\w+)'", text)
    if not custom:
        return None
    from grader.core import words      # here: the child imports this module, never the grader
    return AssertionError(words.custom_model_class(custom.group(1)))


class PeerGone(ProtocolError):
    """The other process closed the pipe or died."""


class TooLarge(ProtocolError):
    """The other side sent more than this side decodes (a message, a transfer file, an array)."""


class DeadlineExceeded(Exception):
    """No answer came before the deadline (or decoding it ran past the deadline)."""


def reply_bounds(memory_mb: int) -> tuple[int, int]:
    """``(largest message, largest transfer file)`` in bytes that the grader decodes from a child
    whose memory budget is ``memory_mb``. Parsing JSON costs up to about 25 times the text in
    Python objects (measured: 16 MiB of ``[[],[],...]`` took 394 MiB), and decoding makes a second
    copy, so a message may be 1/128 of the budget (8 MiB for 1024 MB, at least 4 MiB). A transfer
    file is one array read as its own bytes: up to a quarter of the budget."""
    budget = int(memory_mb) << 20
    return max(MIN_REPLY_BYTES, budget // 128), max(MIN_REPLY_BYTES, budget // 4)


class RemoteError(Exception):
    """The other side raised while serving a request.

    ``remote_type`` is the exception's class name there and ``where`` the innermost frame of
    student code (``in step, line 3: return 1 / z``), when there is one.
    """

    def __init__(self, remote_type: str, message: str, where: str = ""):
        super().__init__(message)
        self.remote_type, self.where = remote_type, where


_REMOTE_BUILTINS: dict[str, type] = {}
NOT_REBUILT = ("StopIteration", "StopAsyncIteration", "GeneratorExit")


def remote_error(remote_type: str, message: str, where: str = "", mro: list[str] = ()) -> RemoteError:
    """A :class:`RemoteError` that is also the first built-in exception in its class's ancestry
    (``except ValueError`` catches a ValueError, or a student's subclass of it, raised in the
    other process)."""
    builtins = __import__("builtins")
    for name in [remote_type, *mro]:
        builtin = getattr(builtins, name, None)
        if isinstance(builtin, type) and issubclass(builtin, Exception) and builtin is not Exception \
                and name not in NOT_REBUILT:
            break
    else:
        return RemoteError(remote_type, message, where)
    if name not in _REMOTE_BUILTINS:
        def init(self, remote_type, message, where=""):
            RemoteError.__init__(self, remote_type, message, where)
        _REMOTE_BUILTINS[name] = type(name, (RemoteError, builtin),
                                      {"__init__": init, "__str__": lambda self: self.args[0] if self.args else "",
                                       "__module__": "builtins"})
    return _REMOTE_BUILTINS[name](remote_type, message, where)


class Refused(Exception):
    """A trusted peer refused a request it does not allow."""


def student_frame(exc: BaseException) -> str:
    """``in NAME, line N: CODE`` for the innermost frame in a notebook cell."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")]
    if not frames:
        return ""
    frame = frames[-1]
    return f"in {frame.name}, line {frame.lineno}" + (f": {frame.line}" if frame.line else "")


def _register_grader_layers() -> None:
    """Make the layers the grader's specs use (``grader.core.keras_tools``) known to Keras, where
    the grader's public modules are importable (always in the grader; in the sandbox, its
    public copy)."""
    try:
        from grader.core.keras_tools import watch_layer_class
    except ImportError:
        return
    watch_layer_class()


def _keras_kind(value) -> str | None:
    keras = sys.modules.get("keras")
    if keras is None:
        return None
    if isinstance(value, keras.Model):
        return "model"
    if isinstance(value, keras.callbacks.History):
        return "history"
    return None


class Peer:
    """One end of the wire: encodes values, sends requests and serves the other end's."""

    def __init__(self, rfd: int, wfd: int, xfer_dir: str, trusted: bool, memory_mb: int | None = None):
        self.rfd, self.wfd, self.xfer_dir, self.trusted = rfd, wfd, xfer_dir, trusted
        # what the other side may make this side decode: tied to its memory budget (see reply_bounds)
        self.max_message, self.max_transfer = reply_bounds(memory_mb) if memory_mb else (MAX_MESSAGE, MAX_MESSAGE)
        self.decoded = 0
        # every transfer file is opened relative to this descriptor, taken before any student
        # code runs: renaming the folder or putting a link in its place leads nowhere
        self.xfer_fd = os.open(xfer_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        self.objects: dict[int, object] = {}
        self.handle_of: dict[int, int] = {}
        self.tracked: dict[int, tuple[int, str, object, np.ndarray, np.ndarray]] = {}
        self.ids = itertools.count(1)
        self.files = itertools.count(1)
        self.deadline: float | None = None
        self.on_deadline = None
        self.generation = 0
        self.call_arguments: dict = {}
        self.warning_registry: dict = {}     # like a module's __warningregistry__, for "default" filters

    # ---- framing -------------------------------------------------------------------------

    def send(self, message: dict) -> None:
        message = {**message, "sync": self._changed_fetches()}
        data = json.dumps(message, separators=(",", ":")).encode()
        payload = HEADER.pack(len(data)) + data
        view = memoryview(payload)
        while view:
            chunk = view
            if self.deadline is not None:       # a child that stops reading cannot block the sender
                remaining = self.deadline - time.monotonic()
                try:
                    ready = remaining > 0 and select.select([], [self.wfd], [], remaining)[1]
                except (OSError, ValueError) as error:
                    raise PeerGone(f"the other process is gone ({error})") from None
                if not ready:
                    raise DeadlineExceeded()
                chunk = view[:select.PIPE_BUF]  # fits in a pipe that select calls writable
            try:
                written = os.write(self.wfd, chunk)
            except (BrokenPipeError, OSError) as error:
                raise PeerGone(f"the other process is gone ({error})") from None
            view = view[written:]

    def _check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise DeadlineExceeded()

    def _read_exactly(self, n: int) -> bytes:
        chunks, left = [], n
        while left:
            if self.deadline is not None:
                remaining = self.deadline - time.monotonic()
                try:
                    ready = remaining > 0 and select.select([self.rfd], [], [], remaining)[0]
                except (OSError, ValueError) as error:
                    raise PeerGone(f"the other process is gone ({error})") from None
                if not ready:
                    raise DeadlineExceeded()
            try:
                chunk = os.read(self.rfd, min(left, 1 << 20))
            except OSError as error:
                raise PeerGone(f"the other process is gone ({error})") from None
            if not chunk:
                raise PeerGone("the other process closed the connection")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> dict:
        (size,) = HEADER.unpack(self._read_exactly(HEADER.size))
        if size > self.max_message:
            raise TooLarge(f"an answer of {size} bytes, more than {self.max_message} allowed")
        data = self._read_exactly(size)
        self._check_deadline()
        try:
            message = json.loads(data)
        except (ValueError, RecursionError) as error:
            raise ProtocolError(f"malformed message: {error}") from None
        if not isinstance(message, dict):
            raise ProtocolError("malformed message")
        self._apply_sync(message.get("sync") or [])
        return message

    # ---- requests ------------------------------------------------------------------------

    def request(self, op: str, **fields):
        """Send a request and serve the other side until its answer arrives; return the value."""
        number = next(self.ids)
        self.send({"op": op, "id": number, **fields})
        while True:
            message = self.receive()
            if "op" in message:
                self.serve(message)
            elif message.get("reply") == number:
                if message.get("warnings"):
                    reissue_warnings(message["warnings"], self.warning_registry)
                if "error" in message:
                    error = message["error"] if isinstance(message["error"], dict) else {}
                    raise remote_error(str(error.get("type", "Error")), str(error.get("message", "")),
                                       str(error.get("where", "")), [str(n) for n in error.get("mro") or []])
                return message
            else:
                raise ProtocolError("an answer to a question that was not asked")

    def call(self, target, *args, **kwargs):
        """Call ``target`` on the other side, then write back what the call changed: objects it
        changed in place are changed in place here, entries it rebound are rebound here."""
        encoded_args = [self.encode(a) for a in args]
        encoded_kwargs = {str(k): self.encode(v) for k, v in kwargs.items()}
        given = {str(key): _walk(value) for key, value in [*enumerate(args), *kwargs.items()]}  # as sent
        reply = self.request("call", target=target, args=encoded_args, kwargs=encoded_kwargs)
        for key, value in (reply.get("mutated") or {}).items():
            if key in given:
                self.decode(value, originals=given)     # decoding the marks refills our own objects
        value = self.decode(reply.get("value"), originals=given)
        trained = getattr(value, "model_argument", None)
        if _keras_kind(value) == "history" and trained:   # model.fit's History points at the model it trained
            value.set_model(args[int(trained)] if trained.isdigit() else kwargs.get(trained))
        return value

    # ---- serving -------------------------------------------------------------------------

    def serve(self, message: dict) -> None:
        self.send(self.answer(message))

    def answer(self, message: dict) -> dict:
        """The reply to a request: its ``value`` (and ``mutated``), or the ``error`` it raised."""
        number = message.get("id")
        try:
            value, mutated = self._perform(message)
            reply = {"reply": number, "value": value}
            if mutated:
                reply["mutated"] = mutated
        except Exception as error:  # anything the served code raised goes back to the caller
            reply = {"reply": number, "error": {"type": type(error).__name__, "message": _text(error),
                                                "where": student_frame(error),
                                                "mro": [c.__name__ for c in type(error).__mro__][:20]}}
        except (KeyboardInterrupt, SystemExit) as error:
            reply = {"reply": number, "error": {"type": type(error).__name__,
                                                "message": f"raised {type(error).__name__}", "where": student_frame(error)}}
        return reply

    def _perform(self, message: dict):
        op = message.get("op")
        handler = getattr(self, f"op_{op}", None) if isinstance(op, str) and op.isidentifier() else None
        if handler is None:
            raise Refused(said("UNKNOWN_REQUEST", op=op))
        return handler(message)

    def _target(self, message: dict):
        target = message.get("target")
        if target not in self.objects:
            raise Refused(said("NO_SUCH_OBJECT"))
        return self.objects[target]

    def op_call(self, message):
        """Call a function handed over. Returns the encoded value and ``mutated``: each argument
        (by position, or keyword name) that the call changed, rebound an entry of, or whose
        objects it moved. Both mark the objects the call was given (see :meth:`encode`)."""
        target = self._target(message)
        if self.trusted and (isinstance(target, type) or not callable(target)):
            raise Refused(said("ONLY_FUNCTIONS"))
        raw_args, raw_kwargs = message.get("args") or [], message.get("kwargs") or {}
        args = [self.decode(a) for a in raw_args]
        kwargs = {str(k): self.decode(v) for k, v in raw_kwargs.items()}
        arguments = {**{str(i): a for i, a in enumerate(args)}, **kwargs}
        raw = {**{str(i): a for i, a in enumerate(raw_args)}, **{str(k): v for k, v in raw_kwargs.items()}}
        # the objects given, kept alive until the reply is encoded, so that no new object takes an id
        given = {key: _walk(argument, self._handed_out) for key, argument in arguments.items()}
        same = {id(obj): [key, n] for key, objects in given.items() for n, obj in enumerate(objects)}
        value = target(*args, **kwargs)
        self.call_arguments = arguments
        try:
            encoded_value = self.encode(value, same=same)
        finally:
            self.call_arguments = {}
        mutated = {}
        for key, argument in arguments.items():
            if given[key]:
                encoded = self.encode(argument, same=same)
                moved = [id(o) for o in _walk(argument, self._handed_out)] != [id(o) for o in given[key]]
                if moved or _unmarked(encoded) != raw[key]:
                    mutated[key] = encoded
        return encoded_value, mutated

    def _handed_out(self, value) -> bool:
        """Is ``value`` one of this side's objects that the other side holds a handle to? (It
        came back as ``__back__``: the caller sent a proxy, not one of its objects.)"""
        return self.objects.get(self.handle_of.get(id(value))) is value

    def op_getattr(self, message):
        target, name = self._target(message), str(message.get("name"))
        if self.trusted:
            _public(name)
            if name not in getattr(target, "__dict__", {}) and not _is_method(target, name):
                raise AttributeError(said("NO_PUBLIC_ATTRIBUTE", type=type(target).__name__, name=name))
        return self.encode(getattr(target, name), containers_by_ref=True), None

    def op_setattr(self, message):
        target, name = self._target(message), str(message.get("name"))
        value = self.decode(message.get("value"))
        if self.trusted:
            _public(name)
            if name not in getattr(target, "__dict__", {}) or callable(getattr(target, name)) \
                    or isinstance(value, Remote) or callable(value):
                raise Refused(said("CANNOT_SET", name=name))
        setattr(target, name, value)
        return None, None

    def op_getitem(self, message):
        target, key = self._container(message), self.decode(message.get("key"))
        return self.encode(target[key], containers_by_ref=True), None

    def op_setitem(self, message):
        target, key = self._container(message), self.decode(message.get("key"))
        value = self.decode(message.get("value"))
        if self.trusted and (isinstance(value, Remote) or callable(value)):
            raise Refused(said("ONLY_DATA"))
        target[key] = value
        return None, None

    def op_delitem(self, message):
        del self._container(message)[self.decode(message.get("key"))]
        return None, None

    def op_len(self, message):
        return len(self._container(message)), None

    def op_contains(self, message):
        return self.decode(message.get("key")) in self._container(message), None

    def op_iter(self, message):
        target = self._target(message)
        if isinstance(target, (dict, list, tuple, set, frozenset)):
            return {"__snapshot__": self.encode(list(target))}, None
        if self.trusted:
            raise Refused(said("ONLY_CONTAINERS"))
        return self.encode(iter(target), force_handle=True), None

    def op_next(self, message):
        target = self._target(message)
        if self.trusted or not isinstance(target, Iterator):
            raise Refused(said("NOT_AN_ITERATOR"))
        try:
            return {"__item__": self.encode(next(target))}, None
        except StopIteration:
            return {"__stop__": True}, None

    def op_describe(self, message):
        target = self._target(message)
        return {"type": type(target).__name__, "repr": _short_repr(target)}, None

    def _container(self, message):
        target = self._target(message)
        if self.trusted and not isinstance(target, (dict, list)):
            raise Refused(said("NOT_A_CONTAINER"))
        return target

    # ---- fetched arrays changed in place -------------------------------------------------

    def remember_fetch(self, handle: int, how: str, key, value) -> None:
        """Watch an array fetched from the other side's object ``handle`` for in-place changes."""
        if isinstance(value, np.ndarray) and value.size <= (1 << 22):
            self.tracked[id(value)] = (handle, how, key, value, value.copy())

    def _changed_fetches(self) -> list:
        changes, keep = [], {}
        for handle, how, key, array, snapshot in self.tracked.values():
            if array.shape != snapshot.shape or array.dtype != snapshot.dtype or \
                    not np.array_equal(array, snapshot, equal_nan=array.dtype.kind in "fc"):
                changes.append([handle, how, self.encode(key), self.encode(array)])
                snapshot = array.copy()
            if sys.getrefcount(array) > 3:  # still reachable by the code that fetched it
                keep[id(array)] = (handle, how, key, array, snapshot)
        self.tracked = keep
        return changes

    def _apply_sync(self, changes) -> None:
        for change in changes:
            try:
                handle, how, key, value = change
                target = self.objects[handle]
                key, value = self.decode(key), self.decode(value)
                if not isinstance(value, np.ndarray):
                    continue
                if how == "attr":
                    _public(str(key)) if self.trusted else None
                    current = getattr(target, str(key))
                else:
                    if self.trusted and not isinstance(target, (dict, list)):
                        continue
                    current = target[key]
                if isinstance(current, np.ndarray) and current.shape == value.shape:
                    np.copyto(current, value, casting="unsafe")
                elif how == "item":
                    target[key] = value
            except Exception:  # a stale or malformed change is dropped, never fatal
                continue

    # ---- encoding ------------------------------------------------------------------------

    def encode(self, value, containers_by_ref: bool = False, force_handle: bool = False, depth: int = 0,
               same: dict | None = None):
        """``value`` as JSON-ready data. ``same`` (``id -> [argument, n]``, for a call's reply)
        marks the objects a call was given: ``{"__same__": [argument, n], "value": ...}``."""
        if same and id(value) in same and _is_node(value):
            return {"__same__": same[id(value)],
                    "value": self._encode(value, containers_by_ref, force_handle, depth, same)}
        return self._encode(value, containers_by_ref, force_handle, depth, same)

    def _encode(self, value, containers_by_ref: bool, force_handle: bool, depth: int, same: dict | None):
        if depth > MAX_DEPTH:
            raise ValueError(said("NESTED_TOO_DEEPLY_TO_SEND"))
        if isinstance(value, Remote) and value._peer is self:
            return {"__back__": value._handle}
        if force_handle:
            return self._handle(value)
        if containers_by_ref and isinstance(value, dict):
            return {"__synced__": self._handle(value)["__ref__"],
                    "items": [[self.encode(k), self.encode(v, depth=depth + 1)] for k, v in value.items()]}
        if value is None or isinstance(value, (bool, str)):
            return value
        if type(value) is int:
            return value
        if type(value) is float:
            return value if math.isfinite(value) else {"__float__": repr(value)}
        encode = lambda v: self.encode(v, depth=depth + 1, same=same)  # noqa: E731
        if isinstance(value, np.ndarray) and not isinstance(value, np.ma.MaskedArray):
            return self._encode_array(value, depth)
        if isinstance(value, np.generic):
            if value.dtype.kind in "biufc":
                return {"__np__": [value.dtype.str, encode(value.item())]}
            if value.dtype.kind == "U":
                return {"__np__": [value.dtype.str, str(value)]}
        if isinstance(value, complex):
            return {"__complex__": [encode(float(value.real)), encode(float(value.imag))]}
        if isinstance(value, float):
            return encode(float(value))
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, (bytes, bytearray)):
            return {"__bytes__": base64.b64encode(bytes(value)).decode()}
        if isinstance(value, tuple) and type(value) is tuple:
            return {"__tuple__": [encode(v) for v in value]}
        if isinstance(value, list):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
        if isinstance(value, (set, frozenset)):
            return {"__set__": [encode(v) for v in value], "frozen": isinstance(value, frozenset)}
        if isinstance(value, np.random.Generator):
            return {"__rng__": encode(value.bit_generator.state)}
        if isinstance(value, range):
            return {"__range__": [value.start, value.stop, value.step]}
        keras_kind = _keras_kind(value)
        if keras_kind == "model":
            with tempfile.TemporaryDirectory(prefix="grader-keras-") as private:
                value.save(os.path.join(private, "model.keras"))
                with open(os.path.join(private, "model.keras"), "rb") as saved:
                    name = self._write_transfer(".keras", lambda file: shutil.copyfileobj(saved, file))
            return {"__keras__": name}
        if keras_kind == "history":
            trained = [key for key, argument in self.call_arguments.items() if argument is getattr(value, "model", None)]
            return {"__history__": encode({"history": dict(value.history), "params": dict(value.params or {}),
                                           "epoch": list(value.epoch)}),
                    "model_argument": trained[0] if trained else None}
        return self._handle(value)

    def _encode_array(self, array: np.ndarray, depth: int):
        array = np.asarray(array)
        if array.dtype.kind not in ARRAY_KINDS or array.dtype.fields is not None:
            if array.dtype.kind == "O":
                return {"__objects__": [list(array.shape), [self.encode(v, depth=depth + 1) for v in array.ravel()]]}
            raise ValueError(said("DTYPE_CANNOT_BE_SENT", dtype=array.dtype))
        if not array.flags.c_contiguous:
            array = array.copy(order="C")      # (np.ascontiguousarray would make 0-d arrays 1-d)
        if array.nbytes > INLINE_BYTES:
            return {"__npy__": self._write_transfer(".npy", lambda file: np.save(file, array, allow_pickle=False))}
        return {"__nd__": [array.dtype.str, list(array.shape), base64.b64encode(array.tobytes()).decode()]}

    def _write_transfer(self, suffix: str, write) -> str:
        """A new file in the transfer folder, filled by ``write(file)``; returns its name."""
        name = f"{os.getpid()}-{next(self.files)}{suffix}"
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=self.xfer_fd)
        with os.fdopen(descriptor, "wb") as file:
            write(file)
        return name

    def load_keras(self, path: str):
        """A Keras model from a ``.keras`` file: the grader loads in safe mode (no code from the file
        runs; its peer first builds it under limits, see grader.sandbox.keras_guard); the child
        loads what the grader sent it, which is trusted."""
        import keras
        try:
            return keras.models.load_model(path, safe_mode=self.trusted)
        except TypeError as error:
            custom = custom_class_error(str(error)) if self.trusted else None
            if custom is None:
                raise
            raise custom from None


    def _take_transfer(self, name):
        """Open and remove a transfer file: a plain file directly in the transfer folder, or refused."""
        if not isinstance(name, str) or os.path.basename(name) != name or name.startswith(".") or "/" in name:
            raise ProtocolError("bad transfer file name")
        try:
            descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=self.xfer_fd)
        except OSError as error:
            raise ProtocolError(f"transfer file {name!r} cannot be opened ({error.strerror})") from None
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > self.max_transfer:
            os.close(descriptor)
            if stat.S_ISREG(info.st_mode):
                raise TooLarge(f"a transfer file of {info.st_size} bytes, more than {self.max_transfer} allowed")
            raise ProtocolError("a transfer file is not a plain file")
        try:
            os.unlink(name, dir_fd=self.xfer_fd)
        except OSError:
            pass
        return os.fdopen(descriptor, "rb")

    def _handle(self, value):
        handle = self.handle_of.get(id(value))
        if handle is None or self.objects.get(handle) is not value:
            handle = next(self.ids)
            self.objects[handle], self.handle_of[id(value)] = value, handle
        kind = ("mapping" if isinstance(value, Mapping) else "sequence" if isinstance(value, list)
                else "iterator" if isinstance(value, Iterator) else "callable" if callable(value) else "object")
        return {"__ref__": handle, "kind": kind, "type": type(value).__name__,
                "name": str(getattr(value, "__name__", ""))[:100] if callable(value) else ""}

    def decode(self, data, depth: int = 0, originals: dict | None = None):
        """The value ``data`` stands for. ``originals`` (a call's arguments, each walked by
        :func:`_walk` before it was sent) resolves the ``__same__`` marks of its reply; they are
        refused anywhere else."""
        if depth > MAX_DEPTH:
            raise ProtocolError("nested too deeply")
        self.decoded += 1
        if self.decoded % DEADLINE_CHECK_EVERY == 0:
            self._check_deadline()
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        decode = lambda v: self.decode(v, depth + 1, originals)  # noqa: E731
        if isinstance(data, list):
            return [decode(v) for v in data]
        if not isinstance(data, dict) or len(data) == 0:
            raise ProtocolError("malformed value")
        tag = next(iter(data))
        body = data[tag]
        if tag == "__nd__":
            dtype, shape, text = body
            dtype = _safe_dtype(dtype)
            raw = base64.b64decode(text)
            return np.frombuffer(raw, dtype=dtype).reshape([int(s) for s in shape]).copy()
        if tag == "__npy__":
            with self._take_transfer(body) as handle:
                return _read_npy(handle, os.fstat(handle.fileno()).st_size)
        if tag == "__objects__":
            shape, items = body
            array = np.empty(len(items), dtype=object)
            for i, item in enumerate(items):
                array[i] = decode(item)
            return array.reshape([int(s) for s in shape])
        if tag == "__np__":
            dtype, value = body
            return _safe_dtype(dtype).type(decode(value))
        if tag == "__float__":
            return float(body) if body in ("nan", "inf", "-inf") else _bad()
        if tag == "__complex__":
            return complex(decode(body[0]), decode(body[1]))
        if tag == "__bytes__":
            return base64.b64decode(body)
        if tag == "__tuple__":
            return tuple(decode(v) for v in body)
        if tag == "__dict__":
            return {_hashable(decode(k)): decode(v) for k, v in body}
        if tag == "__set__":
            items = (_hashable(decode(v)) for v in body)
            return frozenset(items) if data.get("frozen") else set(items)
        if tag == "__range__":
            return range(*(int(v) for v in body))
        if tag == "__rng__":
            state = decode(body)
            name = state.get("bit_generator") if isinstance(state, dict) else None
            bit_generator = getattr(np.random, str(name), None)
            if name not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
                raise ProtocolError("unknown random generator")
            generator = np.random.Generator(bit_generator())
            generator.bit_generator.state = state
            return generator
        if tag == "__keras__":
            import keras
            _register_grader_layers()
            with self._take_transfer(body) as handle, tempfile.TemporaryDirectory(prefix="grader-keras-") as private:
                path = os.path.join(private, "model.keras")
                with open(path, "wb") as copy:
                    shutil.copyfileobj(handle, copy)
                return self.load_keras(path)
        if tag == "__history__":
            import keras
            fields = decode(body)
            history = keras.callbacks.History()
            history.history, history.params, history.epoch = fields["history"], fields["params"], fields["epoch"]
            history.model_argument = data.get("model_argument")   # which argument it trained, if any
            return history
        if tag == "__same__":
            if originals is None:
                raise ProtocolError("a mark of the same object outside a call's reply")
            return _refill(_original(originals, body), decode(data.get("value")))
        if tag == "__back__":
            if body not in self.objects:
                raise ProtocolError("no such object")
            return self.objects[body]
        if tag == "__ref__":
            return Remote.make(self, int(body), data.get("kind"), str(data.get("type", "")), str(data.get("name", "")))
        if tag == "__synced__":
            synced = SyncedDict()
            dict.update(synced, ((_hashable(decode(k)), decode(v)) for k, v in data.get("items") or []))
            synced._peer, synced._handle = self, int(body)
            for key, value in dict.items(synced):
                self.remember_fetch(synced._handle, "item", key, value)
            return synced
        if tag == "__snapshot__":
            return {"__snapshot__": decode(body)}
        if tag == "__item__":
            return {"__item__": decode(body)}
        if tag == "__stop__":
            return {"__stop__": True}
        raise ProtocolError(f"unknown value tag {tag!r}")


# ---- helpers --------------------------------------------------------------------------------

def _read_npy(handle, size: int) -> np.ndarray:
    """The one array of an ``.npy`` file of ``size`` bytes, read only once its header has shown
    a safe dtype and a data size that is what the file holds (a header cannot make the reader
    allocate more than the file's size)."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(handle)
        read_header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = read_header(handle)
    except (ValueError, SyntaxError, TypeError, OSError) as error:
        raise ProtocolError(f"a transfer file is not an .npy array ({error})") from None
    dtype = _safe_dtype(dtype.str)
    count = math.prod(int(n) for n in shape)
    if count * dtype.itemsize != size - handle.tell():
        raise ProtocolError("a transfer file's header does not match its size")
    data = bytearray(count * dtype.itemsize)
    if handle.readinto(data) != len(data):
        raise ProtocolError("a transfer file ended early")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def _safe_dtype(text) -> np.dtype:
    dtype = np.dtype(str(text))
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.hasobject:
        raise ProtocolError(f"dtype {dtype} is not allowed")
    return dtype


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def _bad():
    raise ProtocolError("malformed number")


def _text(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:
        text = "(an exception that cannot be shown)"
    return text[:2000]


def _short_repr(value) -> str:
    try:
        return repr(value)[:200]
    except Exception:
        return f"<{type(value).__name__}>"


def _public(name: str) -> None:
    if not name.isidentifier() or name.startswith("_"):
        raise Refused(f"attribute {name!r} is not public")


def _is_method(target, name: str) -> bool:
    import inspect
    return inspect.isfunction(getattr(type(target), name, None))


# ---- identity across a call -----------------------------------------------------------------

def _is_node(value) -> bool:
    """Can a call change ``value`` in place? (Then it has an identity to keep across the wire.)
    Each kind here is sent by value as the same kind, so both sides find the same ones."""
    return (isinstance(value, (list, dict, set, np.random.Generator))
            or (isinstance(value, np.ndarray) and not isinstance(value, np.ma.MaskedArray))
            or _keras_kind(value) == "model")


def _walk(value, skip=lambda value: False, found: list | None = None, depth: int = 0) -> list:
    """The objects in ``value`` that a call can change in place, outermost first, in the order
    :meth:`Peer.encode` meets them (into lists, dict values and tuples; not into sets, which hold
    only hashable things, or arrays). ``[argument, n]`` names the n-th of them in an argument."""
    found = [] if found is None else found
    if depth > MAX_DEPTH or skip(value):
        return found
    if type(value) is tuple:
        inside = value
    elif _is_node(value):
        found.append(value)
        inside = value if isinstance(value, list) else value.values() if isinstance(value, dict) else ()
    else:
        return found
    for item in inside:
        _walk(item, skip, found, depth + 1)
    return found


def _original(originals: dict, where):
    """The caller's object that a ``__same__`` mark names (only ever one it gave the call)."""
    try:
        key, n = where
        objects = originals[key]
        if type(n) is int and 0 <= n < len(objects):
            return objects[n]
    except (TypeError, ValueError, KeyError):
        pass
    raise ProtocolError("a mark names no object given to the call")


def _refill(target, new):
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
            if key not in target or not _kept(target[key], value):
                target[key] = value
        if list(target) != list(new):       # keys deleted and added again come last, as in the callee
            target.clear()
            target.update(new)
    elif isinstance(target, list) and isinstance(new, list):
        if len(target) != len(new) or not all(map(_kept, target, new)):
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
    elif _keras_kind(target) == "model" and _keras_kind(new) == "model":
        try:
            target.set_weights(new.get_weights())
        except ValueError:
            pass        # (a model changed in shape keeps its identity, and its old weights)
    else:
        return new
    return target


def _kept(old, new) -> bool:
    """Can ``old`` stay where the callee has ``new``? (The same object, or an equal plain scalar.)"""
    return old is new or (type(old) is type(new) and isinstance(new, (bool, int, float, complex, str, bytes))
                          and old == new)


def _unmarked(data):
    """An encoding without its ``__same__`` marks: what it would have been without them."""
    if isinstance(data, list):
        return [_unmarked(v) for v in data]
    if isinstance(data, dict):
        if "__same__" in data:
            return _unmarked(data.get("value"))
        return {k: _unmarked(v) for k, v in data.items()}
    return data


# ---- floating-point state and warnings across a call ----------------------------------------

def errstate_of(sent) -> dict:
    """The caller's ``np.geterr()`` as sent, ready for ``np.errstate``. Modes that need a
    callback on the caller's side ("call", "log") become "warn"."""
    if not isinstance(sent, dict):
        return {}
    return {key: mode if mode in ERRSTATE_MODES else "warn" for key, mode in sent.items()
            if key in ("divide", "over", "under", "invalid")}


def warning_records(caught) -> list:
    """What crosses for each warning a call raised (the first ``MAX_WARNINGS``):
    ``[names of its category and of the category's ancestors, text, file, line]``."""
    return [[[c.__name__ for c in w.category.__mro__][:20], _text(w.message)[:MAX_WARNING_TEXT],
             str(w.filename)[:200], int(w.lineno or 0)] for w in caught[:MAX_WARNINGS]]


def reissue_warnings(records, registry: dict) -> None:
    """Issue here, again, the warnings that a call raised on the other side, so that the filters
    in force here decide: ignored, recorded (``catch_warnings(record=True)``) or raised. The
    category is the first built-in warning class in the original's ancestry (else UserWarning).

    Under an "error" filter this raises the warning's exception from the call once the call is
    over, where in one process it would have stopped the function at the warning: the caller
    sees the same exception type (changes the call made after that point are not undone)."""
    builtins = __import__("builtins")
    for record in records[:MAX_WARNINGS] if isinstance(records, list) else ():
        try:
            names, text, filename, lineno = record
            classes = (getattr(builtins, str(name), None) for name in list(names)[:20])
            category = next((c for c in classes if isinstance(c, type) and issubclass(c, Warning)), UserWarning)
            text, filename, lineno = str(text)[:MAX_WARNING_TEXT], str(filename)[:200], int(lineno)
        except (TypeError, ValueError):
            continue
        warnings.warn_explicit(text, category, filename, lineno, registry=registry,
                               module="__main__" if filename.startswith("<cell") else None)


# ---- proxies --------------------------------------------------------------------------------

class Remote:
    """Something that lives on the other side; every use is a request to it."""

    __slots__ = ("_peer", "_handle", "_generation", "_type", "_name")

    @staticmethod
    def make(peer: Peer, handle: int, kind, type_name: str, name: str):
        cls = {"mapping": RemoteMapping, "sequence": RemoteSequence, "iterator": RemoteIterator}.get(kind, Remote)
        proxy = object.__new__(cls)
        for slot, value in zip(Remote.__slots__, (peer, handle, peer.generation, type_name, name)):
            object.__setattr__(proxy, slot, value)
        return proxy

    def _ask(self, op: str, **fields):
        return self._peer.request(op, target=self._handle, **fields).get("value")

    def __call__(self, *args, **kwargs):
        return self._peer.call(self._handle, *args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = self._peer.decode(self._ask("getattr", name=name))
        self._peer.remember_fetch(self._handle, "attr", name, value)
        return value

    def __setattr__(self, name: str, value):
        self._ask("setattr", name=name, value=self._peer.encode(value))

    def __getitem__(self, key):
        value = self._peer.decode(self._ask("getitem", key=self._peer.encode(key)))
        self._peer.remember_fetch(self._handle, "item", key, value)
        return value

    def __setitem__(self, key, value):
        self._ask("setitem", key=self._peer.encode(key), value=self._peer.encode(value))

    def __delitem__(self, key):
        self._ask("delitem", key=self._peer.encode(key))

    def __len__(self):
        try:
            return int(self._ask("len"))
        except RemoteError as error:
            if error.remote_type == "TypeError":
                raise TypeError(str(error)) from None
            raise

    def __contains__(self, key):
        return bool(self._ask("contains", key=self._peer.encode(key)))

    def __iter__(self):
        answer = self._peer.decode(self._ask("iter"))
        if isinstance(answer, dict) and "__snapshot__" in answer:
            return iter(answer["__snapshot__"])
        return answer

    def __repr__(self):
        label = self._name or self._type
        return f"<{label} from the other process>"


class RemoteMapping(Remote, MutableMapping):
    """A dict that lives on the other side."""

    __slots__ = ()

    def __eq__(self, other):
        return dict(self.items()) == other

    __hash__ = None


class SyncedDict(dict):
    """A copy of a dict that lives on the other side; writes to it are sent there too.

    ``net.params`` fetched from the other process is one: it is a real ``dict``, and
    ``params["W1"] = ...``, ``del params[k]`` and in-place changes to its arrays reach the owner.
    """

    _peer: Peer
    _handle: int

    def _send(self, op: str, **fields):
        self._peer.request(op, target=self._handle, **fields)

    def __setitem__(self, key, value):
        self._send("setitem", key=self._peer.encode(key), value=self._peer.encode(value))
        dict.__setitem__(self, key, value)
        self._peer.remember_fetch(self._handle, "item", key, value)

    def __delitem__(self, key):
        self._send("delitem", key=self._peer.encode(key))
        dict.__delitem__(self, key)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key, *default):
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = self[key]
        del self[key]
        return value

    def clear(self):
        for key in list(self):
            del self[key]


class RemoteSequence(Remote, MutableSequence):
    """A list that lives on the other side."""

    __slots__ = ()

    def insert(self, index, value):
        raise TypeError("cannot insert into a list that lives in the other process")

    def __eq__(self, other):
        return list(self) == other

    __hash__ = None


class RemoteIterator(Remote, Iterator):
    """An iterator (a generator, say) that lives on the other side."""

    __slots__ = ()

    def __iter__(self):
        return self

    def __len__(self):
        raise TypeError("an iterator has no length")

    def __next__(self):
        answer = self._peer.decode(self._ask("next"))
        if "__stop__" in answer:
            raise StopIteration
        return answer["__item__"]
