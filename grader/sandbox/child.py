"""The sandboxed student process: run notebook cells, then answer the grader's requests.

Started by :mod:`grader.sandbox.launcher` as ``python child.py RFD WFD XFER LIMITS_JSON``
from a folder holding only this file, the ``protocol`` package, ``zygote.py`` and the grader's
public core, as a student installs it (or forked, with the
same :func:`serve`, from the warm parent of :mod:`zygote`). It sets its own resource limits
before any student code runs, never imports the grader, and talks only through the two
pipe descriptors it is given (stdout and stderr go to a capped file).
"""
from __future__ import annotations

import builtins
import contextlib
import functools
import io
import json
import linecache
import resource
import signal
import sys
import traceback

LIMITS = {"memory_mb": resource.RLIMIT_AS, "cpu_seconds": resource.RLIMIT_CPU,
          "file_mb": resource.RLIMIT_FSIZE, "processes": resource.RLIMIT_NPROC,
          "open_files": resource.RLIMIT_NOFILE}


def apply_limits(limits: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in LIMITS.items():
        value = limits.get(key)
        if value:
            value = int(value) * (2 ** 20 if key.endswith("_mb") else 1)
            resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # too much output: an error, not a kill


class CappedText(io.TextIOBase):
    """A cell's printed text, kept up to ``limit`` characters (the rest is counted, not kept)."""

    def __init__(self, limit: int = 20_000):
        self.parts, self.kept, self.dropped, self.limit = [], 0, 0, limit

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        self.parts.append(text[:max(room, 0)])
        self.kept += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def text(self) -> str:
        tail = f"\n... ({self.dropped} more characters not shown)\n" if self.dropped else ""
        return "".join(self.parts) + tail


def cell_error(error: BaseException) -> dict:
    """An exception as a notebook's error output shows it: name, value, the cell's frames."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<cell")]
    lines = [f"{f.filename}, line {f.lineno}, in {f.name}" + (f"\n    {f.line}" if f.line else "") for f in frames]
    if isinstance(error, SyntaxError):
        lines.append(f"<cell>, line {error.lineno}\n    {(error.text or '').rstrip()}")
    try:
        message = str(error)[:2000]
    except Exception:
        message = "(an exception that cannot be shown)"
    return {"ename": type(error).__name__, "evalue": message, "traceback": lines[-20:]}


class _NoIPython:
    """``get_ipython()`` in the sandbox: magics and shell commands are skipped."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic


def new_namespace() -> dict:
    """The globals a notebook's cells run in (``__main__``, as in a kernel)."""
    return {"__name__": "__main__", "__builtins__": builtins,
            "get_ipython": _NoIPython, "display": lambda *args, **kwargs: None}


def run_cell(namespace: dict, number: int, source: str) -> dict:
    """Run one cell; what it printed and, if it raised, the error (as Jupyter shows it)."""
    filename = f"<cell {number}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    stdout, stderr = CappedText(), CappedText()
    error = None
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            exec(compile(source, filename, "exec"), namespace)
        except BaseException as raised:   # SystemExit too: Jupyter reports it and goes on
            error = cell_error(raised)
    return {"stdout": stdout.text(), "stderr": stderr.text(), "error": error}


@functools.lru_cache(maxsize=None)
def _own_copy(relative: str):
    """A module of the grader's public files in this folder (what students install), loaded by its
    path, once: the child never imports the ``grader`` package."""
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), relative)
    spec = importlib.util.spec_from_file_location("grader_" + os.path.basename(relative)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_everything(seed: int) -> None:
    """The grader's seeding (:mod:`grader.core.seeds`), done here too."""
    _own_copy("grader/core/seeds.py").seed_generators(seed)


def op_run_cell(peer, namespace: dict, message: dict):
    return peer.encode(run_cell(namespace, int(message["number"]), str(message["source"]))), None


def op_lookup(peer, namespace: dict, message: dict):
    """The value of one of the notebook's names (NameError if it has none)."""
    name = str(message["name"])
    if name not in namespace:
        raise NameError(name)
    return peer.encode(namespace[name]), None


def op_namespace(peer, namespace: dict, message: dict):
    """The notebook's globals, as a handle (a spec replaces a name for one test through it)."""
    return peer.encode(namespace, force_handle=True), None


def op_seed(peer, namespace: dict, message: dict):
    seed_everything(int(message["seed"]))
    return None, None


def op_names(peer, namespace: dict, message: dict):
    return sorted(k for k in namespace if not k.startswith("__")), None


# the child's own requests, besides the protocol's (each answers (value, mutated))
CHILD_OPS = {"run_cell": op_run_cell, "lookup": op_lookup, "namespace": op_namespace, "seed": op_seed,
             "names": op_names}


def child_peer(rfd: int, wfd: int, xfer_dir: str):
    """The child's end of the wire (an untrusted :class:`protocol.Peer`: it runs each call under
    the grader's ``errstate`` and environment) serving :data:`CHILD_OPS` on a fresh namespace.
    The protocol is imported here, once the limits are set."""
    from protocol import Peer

    namespace = new_namespace()
    peer = Peer(rfd, wfd, xfer_dir, trusted=False)
    peer.ops.update({name: functools.partial(op, peer, namespace) for name, op in CHILD_OPS.items()})
    return peer


def serve(rfd: int, wfd: int, xfer_dir: str, limits: dict) -> None:
    """Set the limits, then run cells and answer the grader's requests on ``rfd``/``wfd`` until
    the pipe closes (or the process is stopped)."""
    apply_limits(limits)
    peer = child_peer(rfd, wfd, xfer_dir)
    peer.send({"ready": True})
    while True:
        peer.serve(peer.receive())


def main() -> None:
    """``child.py RFD WFD XFER LIMITS_JSON``: one sandboxed process; ``child.py --warm CONTROL_FD
    WORKDIR``: the warm parent that forks one per submission (zygote.py)."""
    if sys.argv[1] == "--warm":
        from zygote import run_warm_parent
        run_warm_parent(int(sys.argv[2]), sys.argv[3], serve)
    else:
        serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]))


if __name__ == "__main__":
    try:
        main()
    except Exception:
        sys.exit(3)
