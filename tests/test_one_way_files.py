"""One-way files: the trusted grader never writes, reads, follows or waits on what the child made.

Each test starts a real sandboxed child whose cells attack one place where the grader touches
files or the wire after student code ran:

- the folder a spec shares with the child (``tmp_path``): links to a host canary, hard links,
  FIFOs, renames and a thread that keeps replacing files while the grader writes and reads back;
- the child's output file (a FIFO put in its place) and its working folder (a tree deeper than
  recursion allows), which the grader reads and removes after the child ended;
- the reply: one forged straight onto the protocol's descriptor, larger than the grader decodes
  for the sandbox's memory budget; an ``.npy`` transfer file whose header claims a terabyte; a
  transfer file larger than the budget; a FIFO and a symlink in the transfer folder; and a child
  that stops reading while the grader sends it a large argument.

Every attack must fail one test at most, within its time limit, with the child restarted for
the next. The hostile corpus (tests/hostile/files.py) plays the same attacks through a whole
notebook on both instructor paths; the canary checks at the end of this module read its batches.
"""
from __future__ import annotations

import os
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.launcher import Limits
from grader.sandbox.protocol import reply_bounds
from grader.sandbox.session import SandboxedSubmission, SandboxFailure
from tests.test_hostile_corpus import require_isolation

MEMORY_MB = 1024
CANARY_TEXT = "the host's canary: no grading may change it\n"


def sandbox(code: str, memory_mb: int = MEMORY_MB) -> SandboxedSubmission:
    return SandboxedSubmission([(1, textwrap.dedent(code))], Limits(memory_mb=memory_mb), cell_timeout=30,
                               deadline_seconds=300)


def within(seconds: float, work):
    """``work()``'s value or exception, or a failure if it has not returned after ``seconds``
    (the test itself must never hang on what it checks)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:     # the test looks at it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the grader was still blocked after {seconds} s"
    outcome["seconds"] = time.monotonic() - started
    return outcome


# ---- the shared folder ------------------------------------------------------------------------

TRY_EVERYTHING = '''
import os
def attack(folder, canary):
    """Every way to change the folder; returns those that worked."""
    worked = []
    tries = {
        "create": lambda: open(os.path.join(folder, "new.csv"), "w").close(),
        "overwrite": lambda: open(os.path.join(folder, "given.csv"), "w").close(),
        "symlink": lambda: os.symlink(canary, os.path.join(folder, "next.csv")),
        "hard link": lambda: os.link(os.path.join(folder, "given.csv"), os.path.join(folder, "linked.csv")),
        "fifo": lambda: os.mkfifo(os.path.join(folder, "pipe.csv")),
        "rename": lambda: os.rename(os.path.join(folder, "given.csv"), os.path.join(folder, "moved.csv")),
        "unlink": lambda: os.unlink(os.path.join(folder, "given.csv")),
        "chmod": lambda: os.chmod(folder, 0o777),
        "mkdir": lambda: os.mkdir(os.path.join(folder, "sub")),
    }
    for name, attempt in tries.items():
        try:
            attempt()
            worked.append(name)
        except OSError:
            pass
    return worked
'''


def test_the_shared_folder_is_read_only_for_the_child(tmp_path):
    require_isolation("a read-only shared folder")
    canary = tmp_path / "canary.txt"
    canary.write_text(CANARY_TEXT)
    with sandbox(TRY_EVERYTHING) as sub:
        with sub.time_limit(30):
            folder = sub.shared_folder()
            (folder / "given.csv").write_text("label\n1\n")
            worked = sub.attack(str(folder), str(canary))
        assert worked == [], f"the child changed the shared folder: {worked}"
        assert sorted(p.name for p in folder.iterdir()) == ["given.csv"]
        assert (folder / "given.csv").read_text() == "label\n1\n"
    assert canary.read_text() == CANARY_TEXT


def test_what_the_grader_writes_there_is_readable_by_the_child_under_any_umask():
    """A grader account with umask 077: the spec's files and folders are still 0644 and 0755 (the
    child runs as another user)."""
    with sandbox("x = 1") as sub:
        folder = sub.shared_folder()
        old = os.umask(0o077)
        try:
            (folder / "data").mkdir()
            (folder / "data" / "given.csv").write_text("label\n1\n")
        finally:
            os.umask(old)
        modes = [oct(p.stat().st_mode & 0o777) for p in (folder, folder / "data", folder / "data" / "given.csv")]
    assert modes == ["0o755", "0o755", "0o644"]


PLANTER = '''
import glob, os, threading, time
CANARY = {canary!r}
SEEN = set()

def plant(folder, name, n):
    temp = os.path.join(folder, f".p{{n}}")
    way = n % 4
    if way == 0:
        os.symlink(CANARY, temp)
    elif way == 1:
        try:
            os.link(CANARY, temp)
        except OSError:
            os.symlink(CANARY, temp)
    elif way == 2:
        os.mkfifo(temp)
    else:
        with open(temp, "w") as handle:
            handle.write("rewritten by the child\\n")
    os.replace(temp, os.path.join(folder, name))

def planter():
    n = 0
    while True:
        folders = set(glob.glob(os.path.join(os.getcwd(), "shared-*"))) | set(glob.glob("/tmp/grader-*/shared-*"))
        for folder in folders | SEEN:
            for k in range(8):
                n += 1
                try:
                    plant(folder, f"file{{k}}.csv", n)
                except OSError:
                    pass
        time.sleep(0.001)

threading.Thread(target=planter, daemon=True).start()

def seen(path):
    SEEN.add(os.path.dirname(path))
    with open(path) as handle:
        return handle.read()
'''


def test_a_thread_replacing_files_never_redirects_or_blocks_the_grader(tmp_path):
    """A child thread keeps putting symlinks and hard links to a host canary, FIFOs and rewritten
    files under the names the grader writes; the grader writes, the child reads, the grader reads
    back: always what the grader wrote, never blocked, the canary unchanged."""
    require_isolation("a read-only shared folder")
    canary = tmp_path / "canary.txt"
    canary.write_text(CANARY_TEXT)
    mismatches = []

    def grade_like_a_spec(sub):
        for round_ in range(6):
            with sub.time_limit(30):
                folder = sub.shared_folder()
                time.sleep(0.05)                          # the thread has found the folder
                for k in range(8):
                    path = folder / f"file{k}.csv"
                    text = f"round {round_}, file {k}\n"
                    try:
                        path.write_text(text)             # as a spec's helper writes
                        got = sub.seen(str(path))
                        back = path.read_text()           # as the reference reads
                    except Exception as error:            # noqa: BLE001 (counted: the test says which)
                        got = back = f"{type(error).__name__}: {error}"
                    if got != text or back != text:
                        mismatches.append((str(path), got, back))

    with sandbox(PLANTER.format(canary=str(canary))) as sub:
        outcome = within(120, lambda: grade_like_a_spec(sub))
    assert canary.read_text() == CANARY_TEXT, "the grader wrote through a link into the host's canary"
    assert "error" not in outcome, repr(outcome.get("error"))
    assert not mismatches, (f"{len(mismatches)} of 48 files: the grader or the child read something else than "
                            f"the grader wrote: {mismatches[:3]}")


# ---- what the launcher reads and removes after the child ran -----------------------------------

OUTPUT_FIFO = '''
import os
def end_with_a_fifo():
    for name in os.listdir("."):
        if name.startswith(".output"):
            os.replace(name, name + ".moved")
            os.mkfifo(name)
    os._exit(3)

def fine():
    return 42
'''


def test_a_fifo_in_place_of_the_output_file_does_not_block_the_grader():
    with sandbox(OUTPUT_FIFO) as sub:
        def call():
            with sub.time_limit(10):
                sub.end_with_a_fifo()
        outcome = within(60, call)
        assert isinstance(outcome.get("error"), SandboxFailure), outcome
        assert "process" in str(outcome["error"])
        with sub.time_limit(30):
            assert sub.fine() == 42                       # the next test gets a fresh child


DEEP_TREE = '''
import os
top = here = os.open(".", os.O_RDONLY)
for level in range(3000):
    os.mkdir("d", dir_fd=here)
    below = os.open("d", os.O_RDONLY, dir_fd=here)
    if here != top:
        os.close(here)
    here = below
'''


def test_a_tree_deeper_than_recursion_is_removed_when_the_child_stops():
    sub = sandbox(DEEP_TREE)
    sub.start()
    workdir = Path(sub.child.workdir)
    assert (workdir / "d" / "d").is_dir()
    sub.close()                                       # must not raise RecursionError
    assert not workdir.exists()


# ---- bounded decoding ---------------------------------------------------------------------------

FORGED = '''
import os, struct, sys, time

def request_id():
    frame = sys._getframe()
    while frame is not None:                      # the request being served: its id
        message = frame.f_locals.get("message")
        if isinstance(message, dict) and "id" in message:
            return message["id"]
        frame = frame.f_back
    return 0

def forge(body):
    fd = int(sys.argv[2])                         # the protocol's descriptor to the grader
    os.write(fd, struct.pack(">I", len(body)))
    view = memoryview(body)
    while view:
        view = view[os.write(fd, view):]
    time.sleep(1000)

def huge_reply(megabytes):
    head = b'{"reply": ' + str(request_id()).encode() + b', "value": ['
    forge(head + b"[]," * (megabytes * (1 << 20) // 3) + b"0]}")

def fine():
    return 42
'''


def test_a_forged_reply_larger_than_the_budget_is_refused_at_its_header():
    limit, _ = reply_bounds(MEMORY_MB)
    with sandbox(FORGED) as sub:
        def call():
            with sub.time_limit(20):
                sub.huge_reply(64)
        outcome = within(60, call)
        assert isinstance(outcome.get("error"), SandboxFailure), outcome
        assert "too large" in str(outcome["error"]) and str(limit) in str(outcome["error"])
        assert outcome["seconds"] < 20                   # the child building 64 MB, mostly
        with sub.time_limit(30):
            assert sub.fine() == 42


def test_decoding_a_reply_stops_at_the_tests_deadline():
    """A reply just under the size bound, made of millions of tiny values: the test's 1 s covers
    decoding it (give or take one JSON parse of at most the bound)."""
    limit, _ = reply_bounds(MEMORY_MB)
    with sandbox(FORGED) as sub:
        def call():
            with sub.time_limit(1):
                sub.huge_reply(limit // (1 << 20) - 1)
        outcome = within(60, call)
        assert isinstance(outcome.get("error"), SandboxFailure), outcome
        assert outcome["seconds"] < 10, outcome["seconds"]   # 1 s, one parse of at most the bound, a loaded machine


TRANSFER = '''
import gc, os, sys
import numpy as np
XFER = sys.argv[3]
PEER = next(o for o in gc.get_objects() if type(o).__name__ == "Peer")
REAL_ENCODE = PEER.encode

class Named:
    def __init__(self, name):
        self.name = name

def encode(value, *args, **kwargs):
    if isinstance(value, Named):
        return {"__npy__": value.name}
    return REAL_ENCODE(value, *args, **kwargs)

PEER.encode = encode

def terabyte_header():
    """16 bytes of data under a header that claims 2**37 float64s (a terabyte)."""
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (137438953472,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\\n"
    with open(os.path.join(XFER, "bomb.npy"), "wb") as handle:
        handle.write(b"\\x93NUMPY\\x01\\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\\0" * 16)
    return Named("bomb.npy")

def larger_than_the_budget(megabytes):
    np.save(os.path.join(XFER, "big.npy"), np.zeros(megabytes << 20, dtype=np.uint8))
    return Named("big.npy")

def fifo():
    os.mkfifo(os.path.join(XFER, "pipe.npy"))
    return Named("pipe.npy")

def symlink(target):
    os.symlink(target, os.path.join(XFER, "link.npy"))
    return Named("link.npy")

def fine():
    return 42
'''


TRANSFER_MEMORY_MB = 768     # a quarter of it (192 MB) is less than what the child may write (file_mb, 256 MB)


@pytest.mark.parametrize("attack, args, expected", [
    ("terabyte_header", (), "could not be read"),
    ("larger_than_the_budget", (TRANSFER_MEMORY_MB // 4 + 16,), "too large"),
    ("fifo", (), "could not be read"),
    ("symlink", ("{victim}",), "could not be read"),
])
def test_transfer_files_are_bounded_and_never_followed(tmp_path, attack, args, expected):
    victim = tmp_path / "victim.npy"
    np.save(victim, np.arange(3.0))
    args = tuple(a.format(victim=victim) if isinstance(a, str) else a for a in args)
    with sandbox(TRANSFER, memory_mb=TRANSFER_MEMORY_MB) as sub:
        def call():
            with sub.time_limit(30):
                return getattr(sub, attack)(*args)
        outcome = within(60, call)
        error = outcome.get("error")
        if attack == "larger_than_the_budget" and isinstance(error, OSError) and "space" in str(error):
            # grading as root with bwrap, the working folder is itself a tmpfs of a quarter of the
            # budget: the child cannot even write the file (an error of its own, no value crosses)
            assert sub.child.mounted, error
        else:
            assert isinstance(error, SandboxFailure), outcome
            assert expected in str(error), error
        with sub.time_limit(30):
            assert sub.fine() == 42
    assert np.array_equal(np.load(victim), np.arange(3.0))


STOP_READING = '''
import os, sys

def stop_reading(x):
    """Keep the grader's pipe open but read from a pipe nobody writes to, from now on."""
    keep = os.dup(int(sys.argv[1]))
    never_read, _ = os.pipe()
    os.dup2(never_read, int(sys.argv[1]))
    globals()["_kept"] = keep
    return x
'''


def test_a_child_that_stops_reading_cannot_block_the_grader_sending():
    """After one call the child reads nothing more; the grader then sends an argument larger
    than a pipe holds. The test's time limit stops the send."""
    with sandbox(STOP_READING) as sub:
        def call():
            with sub.time_limit(5):
                stop = sub.stop_reading
                stop(1)
                stop(list(range(200_000)))                # about 1.3 MB of JSON: more than a pipe holds
        outcome = within(60, call)
        assert isinstance(outcome.get("error"), SandboxFailure), outcome
        assert "5" in str(outcome["error"])
