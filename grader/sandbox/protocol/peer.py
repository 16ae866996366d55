"""The peer loop: one end of the wire, sending requests and serving the other end's.

Messages are JSON, each after a 4-byte big-endian length. The child first says
``{"ready": true}``; then either side may send a request and, while it waits for the answer,
serves the requests that arrive (a student's ``train(net, ...)`` can call the grader's
``net.loss`` while the grader's spec calls the student's ``train``)::

    {"op": OP, "id": N, "target": HANDLE, ...fields, "sync": [...]}          a request
    {"reply": N, "value": VALUE, "mutated": {...}, "warnings": [...], "sync": [...]}
    {"reply": N, "error": {...}, "sync": [...]}                              (see .errors)

OPs: ``call`` (``args``, ``kwargs``; the grader adds ``env`` and ``errstate``, see .floats),
``getattr``/``setattr`` (``name``, ``value``), ``getitem``/``setitem``/``delitem``/``contains``
(``key``, ``value``), ``len``, ``iter``, ``next``, ``describe``; the child adds its own
(``run_cell``, ``lookup``, ``namespace``, ``seed``, ``names``: see child.py). Values are
encoded by :mod:`.codec`. ``sync`` lists the arrays fetched through a handle
(``net.params["W1"]``) and changed in place since: ``[[HANDLE, "attr" | "item", KEY, ARRAY],
...]``, written back to their owner before the message is read.

A trusted peer (the grader) lets the other side reach only what it was handed: registered
objects, their public instance attributes and methods, and the items of its containers. It
decodes at most what the child's memory budget allows (:func:`reply_bounds`), and a
``deadline`` bounds every wait, read and write.
"""
from __future__ import annotations

import gc
import inspect
import json
import os
import select
import struct
import sys
import time
import warnings
from collections.abc import Iterator

import numpy as np

from .codec import Codec
from .errors import (DeadlineExceeded, PeerGone, ProtocolError, Refused, TooLarge, error_reply, raised_remotely,
                     said)
from .floats import errstate_of, reissue_warnings, warning_records
from .identity import unmarked, walk
from .keras_transfer import link_history
from .proxies import Remote

HEADER = struct.Struct(">I")
MAX_MESSAGE = 1 << 30           # what the child accepts from the grader (trusted)
MIN_REPLY_BYTES = 4 << 20


def reply_bounds(memory_mb: int) -> tuple[int, int]:
    """``(largest message, largest transfer file)`` in bytes that the grader decodes from a child
    whose memory budget is ``memory_mb``. Parsing JSON costs up to about 25 times the text in
    Python objects (measured: 16 MiB of ``[[],[],...]`` took 394 MiB), and decoding makes a second
    copy, so a message may be 1/128 of the budget (8 MiB for 1024 MB, at least 4 MiB). A transfer
    file is one array read as its own bytes: up to a quarter of the budget."""
    budget = int(memory_mb) << 20
    return max(MIN_REPLY_BYTES, budget // 128), max(MIN_REPLY_BYTES, budget // 4)


class Peer(Codec):
    """One end of the wire: sends requests and serves the other end's (values: :class:`.codec.Codec`)."""

    def __init__(self, rfd: int, wfd: int, xfer_dir: str, trusted: bool, memory_mb: int | None = None):
        # what the other side may make this side decode: tied to its memory budget (see reply_bounds)
        self.max_message, max_transfer = reply_bounds(memory_mb) if memory_mb else (MAX_MESSAGE, MAX_MESSAGE)
        super().__init__(xfer_dir, trusted, max_transfer)
        self.rfd, self.wfd = rfd, wfd
        self.tracked: dict[int, tuple[int, str, object, np.ndarray, np.ndarray]] = {}
        self.deadline: float | None = None
        self.on_deadline = None
        self.generation = 0
        self.warning_registry: dict = {}     # like a module's __warningregistry__, for "default" filters
        self.ops: dict = {}     # requests this side serves besides op_*: name -> function(message)

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

    def check_deadline(self) -> None:
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
        self.check_deadline()
        try:
            message = _parse(data)
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
                    raise raised_remotely(message["error"])
                return message
            else:
                raise ProtocolError("an answer to a question that was not asked")

    def call(self, target, *args, **kwargs):
        """Call ``target`` on the other side, then write back what the call changed: objects it
        changed in place are changed in place here, entries it rebound are rebound here."""
        encoded_args = [self.encode(a) for a in args]
        encoded_kwargs = {str(k): self.encode(v) for k, v in kwargs.items()}
        given = {str(key): walk(value) for key, value in [*enumerate(args), *kwargs.items()]}  # as sent
        reply = self.request("call", target=target, args=encoded_args, kwargs=encoded_kwargs)
        for key, value in (reply.get("mutated") or {}).items():
            if key in given:
                self.decode(value, originals=given)     # decoding the marks refills our own objects
        value = self.decode(reply.get("value"), originals=given)
        link_history(value, args, kwargs)
        return value

    # ---- serving -------------------------------------------------------------------------

    def serve(self, message: dict) -> None:
        self.send(self.answer(message))

    def answer(self, message: dict) -> dict:
        """The reply to a request: its ``value`` (and ``mutated``), or the ``error`` it raised.
        The child (untrusted) runs a request that carries the caller's ``errstate`` under it, and
        sends back the warnings it raised (``warnings``) for the caller's filters to judge."""
        if "errstate" not in message or self.trusted:
            return self._answer(message)
        with np.errstate(**errstate_of(message["errstate"])), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reply = self._answer(message)
        if caught:
            reply["warnings"] = warning_records(caught)
        return reply

    def _answer(self, message: dict) -> dict:
        number = message.get("id")
        try:
            value, mutated = self._perform(message)
        except (Exception, KeyboardInterrupt, SystemExit) as error:    # what the served code raised goes back
            return error_reply(number, error)
        reply = {"reply": number, "value": value}
        if mutated:
            reply["mutated"] = mutated
        return reply

    def _perform(self, message: dict):
        op = message.get("op")
        handler = None
        if isinstance(op, str) and op.isidentifier():
            handler = self.ops.get(op) or getattr(self, f"op_{op}", None)
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
        if not self.trusted:        # the child follows the grader's environment (a spec's monkeypatch.setenv)
            follow_environment(message.get("env") or {})
        raw_args, raw_kwargs = message.get("args") or [], message.get("kwargs") or {}
        args = [self.decode(a) for a in raw_args]
        kwargs = {str(k): self.decode(v) for k, v in raw_kwargs.items()}
        arguments = {**{str(i): a for i, a in enumerate(args)}, **kwargs}
        raw = {**{str(i): a for i, a in enumerate(raw_args)}, **{str(k): v for k, v in raw_kwargs.items()}}
        # the objects given, kept alive until the reply is encoded, so that no new object takes an id
        given = {key: walk(argument, self._handed_out) for key, argument in arguments.items()}
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
                moved = [id(o) for o in walk(argument, self._handed_out)] != [id(o) for o in given[key]]
                if moved or unmarked(encoded) != raw[key]:
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
        return {"type": type(target).__name__, "repr": short_repr(target)}, None

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


def short_repr(value) -> str:
    try:
        return repr(value)[:200]
    except Exception:
        return f"<{type(value).__name__}>"


def _public(name: str) -> None:
    if not name.isidentifier() or name.startswith("_"):
        raise Refused(f"attribute {name!r} is not public")


def _is_method(target, name: str) -> bool:
    return inspect.isfunction(getattr(type(target), name, None))


def _parse(data: bytes):
    """``json.loads`` without the cyclic collector, which a reply of millions of small lists
    (a hostile one, within the size bound) would run often enough to cost ten times the parse
    (measured: 7 MB of ``[],[],...``, 17 s with it, 1.8 s without). JSON makes no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(data)
    finally:
        if enabled:
            gc.enable()


def follow_environment(env) -> None:
    """Set (or, for None, unset) the environment variables a call carries."""
    for name, value in env.items() if isinstance(env, dict) else ():
        if value is None:
            os.environ.pop(str(name), None)
        else:
            os.environ[str(name)] = str(value)
