"""The value codec: Python values as JSON-ready data, and back (never pickle).

Plain data travels by value, tagged where JSON has no such kind::

    null, true, 1, "text", [list items]      themselves (a float that is not finite:
                                              {"__float__": "nan" | "inf" | "-inf"})
    {"__tuple__": [...]}   {"__set__": [...], "frozen": bool}   {"__dict__": [[key, value], ...]}
    {"__complex__": [re, im]}   {"__bytes__": BASE64}   {"__range__": [start, stop, step]}
    {"__np__": [DTYPE, value]}                a NumPy scalar
    {"__nd__": [DTYPE, SHAPE, BASE64]}        an array of numbers, booleans or text (< 1 MiB)
    {"__npy__": "FILE.npy"}                   a larger one, as an .npy file in the transfer
                                              folder (read with ``allow_pickle=False``)
    {"__objects__": [SHAPE, [items]]}         an array of objects, item by item
    {"__rng__": STATE}                        an ``np.random.Generator``

Keras models and histories: :mod:`.keras_transfer`; handles to objects that stay where they
live: :mod:`.proxies`; the marks of a call's arguments (``__same__``): :mod:`.identity`. Transfer
files are opened relative to a descriptor of the transfer folder taken before any student code
runs, refused unless plain files, and removed once read. A decoding side bounds what it reads:
depth, dtypes, and the size of a transfer file (``max_transfer``).
"""
from __future__ import annotations

import base64
import itertools
import math
import os
import stat
from collections.abc import Iterator, Mapping

import numpy as np

from .errors import ProtocolError, TooLarge, said
from .identity import MAX_DEPTH, is_node, original, refill
from .keras_transfer import history_fields, keras_kind, load_keras_file, load_model, make_history, save_model
from .proxies import Remote, SyncedDict

INLINE_BYTES = 1 << 20
DEADLINE_CHECK_EVERY = 4096     # decoded values between two looks at the clock
ARRAY_KINDS = "biufcU"


class Codec:
    """Encodes and decodes the values of one end of the wire; keeps the handles it gave out.

    :class:`.peer.Peer` builds on it and supplies :meth:`check_deadline` (decoding is on the
    clock) and :meth:`remember_fetch` (arrays fetched through a handle are watched)."""

    def __init__(self, xfer_dir: str, trusted: bool, max_transfer: int):
        self.xfer_dir, self.trusted, self.max_transfer = xfer_dir, trusted, max_transfer
        # every transfer file is opened relative to this descriptor, taken before any student
        # code runs: renaming the folder or putting a link in its place leads nowhere
        self.xfer_fd = os.open(xfer_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        self.objects: dict[int, object] = {}
        self.handle_of: dict[int, int] = {}
        self.ids = itertools.count(1)       # handles, and the peer's request numbers
        self.files = itertools.count(1)
        self.decoded = 0
        self.call_arguments: dict = {}      # while a call's value is encoded (a History names its model)

    def check_deadline(self) -> None:
        """Raise when the time to decode is over (the peer's deadline)."""

    def remember_fetch(self, handle: int, how: str, key, value) -> None:
        """Watch an array fetched from the other side's object ``handle`` (see the peer)."""

    def load_keras(self, path: str):
        """A Keras model from a ``.keras`` file (the grader's peer builds it under limits first)."""
        return load_keras_file(path, self.trusted)

    def encode(self, value, containers_by_ref: bool = False, force_handle: bool = False, depth: int = 0,
               same: dict | None = None):
        """``value`` as JSON-ready data. ``same`` (``id -> [argument, n]``, for a call's reply)
        marks the objects a call was given: ``{"__same__": [argument, n], "value": ...}``."""
        if same and id(value) in same and is_node(value):
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
        kind = keras_kind(value)
        if kind == "model":
            return save_model(value, self._write_transfer)
        if kind == "history":
            fields, model_argument = history_fields(value, self.call_arguments)
            return {"__history__": encode(fields), "model_argument": model_argument}
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
        :func:`.identity.walk` before it was sent) resolves the ``__same__`` marks of its reply; they are
        refused anywhere else."""
        if depth > MAX_DEPTH:
            raise ProtocolError("nested too deeply")
        self.decoded += 1
        if self.decoded % DEADLINE_CHECK_EVERY == 0:
            self.check_deadline()
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
            dtype = safe_dtype(dtype)
            raw = base64.b64decode(text)
            return np.frombuffer(raw, dtype=dtype).reshape([int(s) for s in shape]).copy()
        if tag == "__npy__":
            with self._take_transfer(body) as handle:
                return read_npy(handle, os.fstat(handle.fileno()).st_size)
        if tag == "__objects__":
            shape, items = body
            array = np.empty(len(items), dtype=object)
            for i, item in enumerate(items):
                array[i] = decode(item)
            return array.reshape([int(s) for s in shape])
        if tag == "__np__":
            dtype, value = body
            return safe_dtype(dtype).type(decode(value))
        if tag == "__float__":
            return float(body) if body in ("nan", "inf", "-inf") else _malformed_number()
        if tag == "__complex__":
            return complex(decode(body[0]), decode(body[1]))
        if tag == "__bytes__":
            return base64.b64decode(body)
        if tag == "__tuple__":
            return tuple(decode(v) for v in body)
        if tag == "__dict__":
            return {hashable(decode(k)): decode(v) for k, v in body}
        if tag == "__set__":
            items = (hashable(decode(v)) for v in body)
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
            with self._take_transfer(body) as handle:
                return load_model(handle, self.load_keras)
        if tag == "__history__":
            return make_history(decode(body), data.get("model_argument"))
        if tag == "__same__":
            if originals is None:
                raise ProtocolError("a mark of the same object outside a call's reply")
            return refill(original(originals, body), decode(data.get("value")))
        if tag == "__back__":
            if body not in self.objects:
                raise ProtocolError("no such object")
            return self.objects[body]
        if tag == "__ref__":
            return Remote.make(self, int(body), data.get("kind"), str(data.get("type", "")), str(data.get("name", "")))
        if tag == "__synced__":
            synced = SyncedDict()
            dict.update(synced, ((hashable(decode(k)), decode(v)) for k, v in data.get("items") or []))
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


def read_npy(handle, size: int) -> np.ndarray:
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
    dtype = safe_dtype(dtype.str)
    count = math.prod(int(n) for n in shape)
    if count * dtype.itemsize != size - handle.tell():
        raise ProtocolError("a transfer file's header does not match its size")
    data = bytearray(count * dtype.itemsize)
    if handle.readinto(data) != len(data):
        raise ProtocolError("a transfer file ended early")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def safe_dtype(text) -> np.dtype:
    dtype = np.dtype(str(text))
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.hasobject:
        raise ProtocolError(f"dtype {dtype} is not allowed")
    return dtype


def hashable(value):
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    return value


def _malformed_number():
    raise ProtocolError("malformed number")
