"""Proxies: what one side holds of an object that stays on the other side.

A value that is not plain data (a function, a class instance, a generator) travels as a handle::

    {"__ref__": HANDLE, "kind": "callable" | "mapping" | "sequence" | "iterator" | "object",
     "type": "Net", "name": "step"}

and becomes a :class:`Remote` here, whose every use is a request to its owner (``{"op":
"call" | "getattr" | "setattr" | "getitem" | "setitem" | "delitem" | "len" | "contains" |
"iter" | "next", "target": HANDLE, ...}``, see :mod:`.peer`). A handle sent back arrives as
``{"__back__": HANDLE}``: the owner's own object. A dict fetched as an attribute or item
(``net.params``) comes as a copy with its handle (``{"__synced__": HANDLE, "items": [[k, v],
...]}``), a :class:`SyncedDict` whose writes reach the owner.
"""
from __future__ import annotations

from collections.abc import Iterator, MutableMapping, MutableSequence

from .errors import RemoteError

class Remote:
    """Something that lives on the other side; every use is a request to it."""

    __slots__ = ("_peer", "_handle", "_generation", "_type", "_name")

    @staticmethod
    def make(peer, handle: int, kind, type_name: str, name: str):
        """A proxy for ``handle`` of ``peer``'s other side (``peer``: a .peer.Peer)."""
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

    _peer: object       # the .peer.Peer whose other side owns the dict
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
