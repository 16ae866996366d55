"""A student's notebook loaded in a sandbox, as the specs' ``sub``.

:class:`SandboxedSubmission` runs the notebook's setup and solution cells in a sandboxed
child, one request per cell with a per-cell deadline; a cell that hangs or kills the process
is noted and skipped on restart, as Jupyter would interrupt it. The specs then read names
through it (``sub.step``); every call crosses :mod:`grader.sandbox.protocol`. A test that
runs past its time, or whose call crashes the child, fails with a message, and the next test
gets a fresh child with the same cells run again. A whole-submission deadline bounds it all.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from pathlib import Path

import numpy as np

from grader.sandbox import warm
from grader.sandbox.launcher import FOLLOWED_ENV, Launched, Limits
from grader.sandbox.protocol import DeadlineExceeded, Peer, PeerGone, ProtocolError, Remote, RemoteError, TooLarge
from grader.core.submission import MachineryError, MissingDefinition, Submission
from grader.core import words

STARTUP_SECONDS = 60.0
CALLABLE_TYPES = {"function", "builtin_function_or_method", "type", "partial"}   # cached per test by name
MAX_RESTARTS = 8


_folders = itertools.count(1)


class GraderPeer(Peer):
    """The grader's end: each call also carries the environment variables the child follows,
    so a spec's ``monkeypatch.setenv("MNIST_PATH", ...)`` holds in the child too, and each call
    or step of a generator carries NumPy's floating-point error state (``np.geterr()``): a
    spec's ``np.errstate(over="raise")`` holds for the student's code as in one process. The
    warnings that code raises come back and are issued again here (see protocol)."""

    def __init__(self, *args, child_env: dict, limits: Limits = Limits(), **kwargs):
        super().__init__(*args, **kwargs)
        self.child_env = child_env
        self.limits = limits
        self.baseline = {name: os.environ.get(name) for name in FOLLOWED_ENV}

    def request(self, op: str, **fields):
        if op == "call":
            fields["env"] = {name: os.environ.get(name) if os.environ.get(name) != self.baseline[name]
                             else self.child_env.get(name) for name in FOLLOWED_ENV}
        if op in ("call", "next"):
            fields["errstate"] = np.geterr()
        return super().request(op, **fields)

    def load_keras(self, path: str):
        """A model from the child: built first under the child's limits (grader.sandbox.keras_guard)."""
        from grader.sandbox.keras_guard import guarded_load
        return guarded_load(path, self.limits, self.deadline, SandboxedSubmission)


def too_large(error: TooLarge) -> str:
    return words.REPLY_TOO_LARGE.format(error=error)


class SandboxFailure(MachineryError, AssertionError):
    """The sandboxed process timed out or died during a test (the message says which)."""


class SandboxedSubmission(Submission):
    """The names a notebook defines, living in a sandboxed child process (the interface of
    :class:`grader.core.submission.Submission`)."""

    def __init__(self, cells: list[tuple[int, str]], limits: Limits = Limits(), cell_timeout: float = 60.0,
                 deadline_seconds: float = 600.0):
        self.cells, self.limits, self.cell_timeout = list(cells), limits, cell_timeout
        self.deadline = time.monotonic() + deadline_seconds
        self.notes: list[str] = []
        self.skipped: set[int] = set()
        self.restarts = 0
        self.child: Launched | None = None
        self.peer: Peer | None = None
        self.isolated = False
        self.generation = 0
        self.cell_seconds = 0.0      # time the notebook's own cells took (the first run)
        self.cell_outputs: dict[int, list[dict]] = {}   # what each cell printed or raised (first time it ran)
        self._handles: dict[str, Remote] | None = {}   # functions looked up in this test (None: off)
        self.cold_only = False      # True once a forked child died in a cell: every later child is cold

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start a child and run the cells (skipping those that hung or crashed before)."""
        while True:
            self._launch()
            crashed, again = None, False
            first_run, started = self.generation == 1, time.monotonic()
            for number, source in self.cells:
                if number in self.skipped:
                    continue
                try:
                    ran = self._request_until(min(self.cell_timeout, self._left()), "run_cell",
                                              number=number, source=source)
                except RemoteError as error:     # the child could not even report the cell
                    ran = {"error": {"ename": error.remote_type, "evalue": str(error)}}
                except DeadlineExceeded:
                    self._cell_failed(number, "TimeoutError",
                                      words.cell_too_long(self.cell_timeout) if self._left() > 0 else
                                      words.OUT_OF_TIME)
                    crashed = number
                    break
                except TooLarge as error:
                    self._cell_failed(number, "TooLarge", too_large(error))
                    crashed = number
                    break
                except ProtocolError:
                    if isinstance(self.child, warm.WarmChild) and not self.cold_only:
                        self.cold_only = again = True   # a forked child died in a cell: run them again cold
                        break
                    self._cell_failed(number, "ProcessExit", words.process_ended(self._death()))
                    crashed = number
                    break
                self._cell_ran(number, ran if isinstance(ran, dict) else {})
            if first_run:
                self.cell_seconds = time.monotonic() - started
            if again:
                self.close()
                continue
            if crashed is None:
                return
            self.skipped.add(crashed)
            self.close()
            if self._left() <= 0:
                return

    def _launch(self) -> None:
        self.close()
        self.child = Launched(self.limits) if self.cold_only else warm.launch(self.limits)
        self.isolated = self.child.isolated
        self.generation += 1
        self.peer = GraderPeer(self.child.from_child, self.child.to_child, self.child.xfer, trusted=True,
                               child_env=self.child.env, memory_mb=self.limits.memory_mb,
                               limits=self.limits)
        self.peer.generation = self.generation
        self.peer.deadline = time.monotonic() + min(STARTUP_SECONDS, max(self._left(), 1.0))
        try:
            ready = self.peer.receive()
        except (ProtocolError, DeadlineExceeded):
            ready = {}
        finally:
            self.peer.deadline = None
        if not ready.get("ready"):
            output = self.child.output_tail().strip().splitlines()
            raise RuntimeError("the sandbox did not start" + (f": {output[-1]}" if output else ""))

    def close(self) -> None:
        if self.peer is not None:
            self.peer.rfd = self.peer.wfd = -1     # stale proxies fail cleanly, never reuse an fd
            try:
                os.close(self.peer.xfer_fd)
            except OSError:
                pass
        if self.child is not None:
            self.child.stop()
        self.child, self.peer = None, None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- what the specs use --------------------------------------------------------------

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        self._ensure_running()
        handles = self.__dict__.get("_handles")
        known = handles.get(name) if handles is not None else None
        if known is not None and known._generation == self.generation:
            return known            # the same function, without a round trip (specs call in loops)
        try:
            value = self._request_until(self._left(), "lookup", name=name)
        except RemoteError as error:
            if error.remote_type == "NameError":
                raise MissingDefinition(name) from None
            raise
        if handles is not None and type(value) is Remote and value._type in CALLABLE_TYPES:
            handles[name] = value   # values (arrays, dicts) are fetched afresh: a spec may change its copy
        return value

    def shared_folder(self) -> Path:
        """A new empty folder that the child sees at the same path (a spec's ``tmp_path``), and
        can read but not change: it lies outside the child's working folder, in the launcher's
        one-way folder (bound read-only into the sandbox). What the spec writes there and the
        reference reads back is what the spec wrote, whatever the child does; no link, FIFO or
        rewritten file of the child's can be there."""
        self._ensure_running()
        path = Path(self.child.inputs) / f"shared-{next(_folders)}"
        path.mkdir(mode=0o755)
        return path

    def namespace(self):
        """The notebook's globals, as a dict-like view into the child (for monkeypatching)."""
        self._ensure_running()
        self._handles = None        # names may be rebound from here on: look each one up again
        return self._request_until(self._left(), "namespace")

    @contextlib.contextmanager
    def time_limit(self, seconds: float):
        """Bound everything the child does during one test; on timeout or crash, fail the test
        and restart the child for the next one."""
        self._ensure_running()
        self._handles = {}          # each test looks its functions up afresh
        if self.peer is not None:
            self.peer.deadline = time.monotonic() + min(seconds, max(self._left(), 0.0))
        try:
            yield
        except DeadlineExceeded:
            self.close()
            if self._left() <= 0:
                raise SandboxFailure(words.OUT_OF_TIME) from None
            raise SandboxFailure(words.check_too_long(seconds)) from None
        except PeerGone:
            death = self._death()
            self.close()
            raise SandboxFailure(words.process_ended(death)) from None
        except TooLarge as error:
            self.close()
            raise SandboxFailure(too_large(error)) from None
        except ProtocolError as error:
            self.close()
            raise SandboxFailure(words.REPLY_UNREADABLE.format(error=error)) from None
        finally:
            if self.peer is not None:
                self.peer.deadline = None

    # ---- helpers -------------------------------------------------------------------------

    def _ensure_running(self) -> None:
        if self.peer is not None:
            return
        if self._left() <= 0:
            raise SandboxFailure(words.not_run(words.OUT_OF_TIME))
        if self.restarts >= MAX_RESTARTS:
            raise SandboxFailure(words.not_run(words.RESTARTED_TOO_OFTEN.format(times=MAX_RESTARTS)))
        self.restarts += 1
        self.start()

    def _request_until(self, seconds: float, op: str, **fields):
        assert self.peer is not None
        outer = self.peer.deadline
        self.peer.deadline = time.monotonic() + max(seconds, 0.0) if outer is None else outer
        try:
            reply = self.peer.request(op, **fields)
            return self.peer.decode(reply.get("value"))     # decoding is on the clock too
        finally:
            self.peer.deadline = outer

    def _left(self) -> float:
        return self.deadline - time.monotonic()

    def _death(self) -> str:
        if self.child is None:
            return words.DEATH_STOPPED
        try:
            code = self.child.process.wait(timeout=2)
        except Exception:
            return words.DEATH_SILENT
        if "MemoryError" in self.child.output_tail(4000):
            return words.DEATH_MEMORY
        if code is not None and (code < 0 or 128 < code < 160):   # killed (bwrap reports 128 + signal)
            number = -code if code < 0 else code - 128
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            hint = words.DEATH_SIGNALS.get(name, name)
            return hint
        return words.DEATH_EXIT_CODE.format(code=code)

    def _cell_ran(self, number: int, ran: dict) -> None:
        """Keep what a cell printed the first time it ran, and note its error, if it raised one."""
        error = ran.get("error") if isinstance(ran.get("error"), dict) else None
        if number not in self.cell_outputs:
            outputs = [{"output_type": "stream", "name": name, "text": str(ran[name])}
                       for name in ("stdout", "stderr") if ran.get(name)]
            if error:
                outputs.append({"output_type": "error", "ename": str(error.get("ename", "Error")),
                                "evalue": str(error.get("evalue", "")),
                                "traceback": [str(line) for line in error.get("traceback") or []]})
            self.cell_outputs[number] = outputs
        if error:
            self._note(words.cell_note(number, words.cell_raised(str(error.get('ename')), str(error.get('evalue') or ""))))

    def _cell_failed(self, number: int, ename: str, text: str) -> None:
        """A cell that hung or ended the process: noted, and shown as the cell's error."""
        if number not in self.cell_outputs:
            self.cell_outputs[number] = [{"output_type": "error", "ename": ename, "evalue": text, "traceback": []}]
        self._note(words.cell_note(number, text))

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
