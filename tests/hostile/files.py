"""Hostile kinds (one-way files: links, FIFOs and rewritten inputs in folders the trusted process shares with the child).

The Sign Language notebook's specs write CSV files into ``tmp_path`` (a folder the child sees:
:meth:`grader.sandbox.session.SandboxedSubmission.shared_folder`), hand the path to the
student's ``load_sign_mnist`` and give the same path to the reference. Each kind below is the
full-marks notebook plus one attack on that folder, from a background thread of the child (it
keeps planting while the specs run: the race) or from the loader itself:

- ``shared_links``: links to a host canary file under every name the specs will write (a hard
  link where the canary is visible, a symlink otherwise); the grader must never write through them;
- ``shared_fifo``: FIFOs under those names; the grader must never block on one;
- ``shared_rewrite``: a loader that rewrites the file it is given into what it wants the
  reference to read; the reference must read what the spec wrote (no point gained).

These notebooks import NumPy only (:data:`LIGHT_SETUP`, in place of the setup cell and again in a
cell of their own, since nbgrader restores the locked setup cell): the corpus grades with 5 s cells
and 1 GB, where TensorFlow does not start, so their build_sign_model checks fail and are not counted.

Three perceptron kinds attack what the grader reads or removes after the child ran:
``output_fifo`` (the child's output file replaced by a FIFO, then the process ends: the grader
reads that file's tail), ``forged_huge_reply`` (a reply far larger than the grader decodes for the
sandbox's memory budget, written straight onto the protocol's descriptor) and ``deep_tree`` (a
folder 3,000 levels deep in the working folder, which the grader removes when the child stops).

``extra["canary"]`` names the host file a kind aims at; tests/test_one_way_files.py checks that it is
unchanged after both instructor paths.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from tests.hostile import Context, Kind, add_cell, cell_of, full, full_minus, total, write

SIGN = "05_sign_language_mnist"
CANARY_TEXT = "a host file that no grading may change\n"

# every file name the Sign Language specs write into tmp_path (public and hidden)
SIGN_NAMES = ["small.csv", "empty.csv", "header_only.csv", "no_header.csv", "pixel0_header.csv", "short_line.csv",
              "fraction.csv", "word.csv", "label_j.csv", "label_z.csv", "label_negative.csv", "bright.csv",
              "dark.csv", "just_below.csv", *[f"random{i}.csv" for i in range(4)],
              *[f"fault{i}.csv" for i in range(12)]]

PLANTER = '''
# A thread that finds every folder the grader shares (in the working folder, in /tmp, or where the
# paths it was handed point) and keeps putting {what} under the names the specs will write.
import glob, os, threading, time
_CANARY = {canary!r}
_NAMES = {names!r}
_SEEN = set()

def _plant(folder, name, n):
    temp = os.path.join(folder, f".planted-{{n}}")
    {plant}
    os.replace(temp, os.path.join(folder, name))   # atomic: replaces what the grader just wrote too

def _planter():
    n = 0
    while True:
        folders = set(glob.glob(os.path.join(os.getcwd(), "shared-*"))) | set(glob.glob("/tmp/grader-*/shared-*"))
        for folder in folders | _SEEN:
            for name in _NAMES:
                n += 1
                try:
                    _plant(folder, name, n)
                except OSError:
                    pass
        time.sleep(0.002)

threading.Thread(target=_planter, daemon=True).start()
'''

LINK = '''try:
        os.link(_CANARY, temp)                      # a hard link, where the canary can be seen
    except OSError:
        os.symlink(_CANARY, temp)                   # else a symlink: a host path, real to the grader'''
FIFO = '''os.mkfifo(temp)'''

REMEMBER_FOLDERS = '''
_load_sign_mnist = load_sign_mnist

def load_sign_mnist(csv_path):
    _SEEN.add(os.path.dirname(str(csv_path)))       # the planter's next target
    return _load_sign_mnist(csv_path)
'''

REWRITE = '''
import os
import numpy as np
_load_sign_mnist = load_sign_mnist

def load_sign_mnist(csv_path):
    """The reference's loader, except for the hidden random files: for those, write the file over
    with blank images (all label 0) and return blank images; the reference then reads the same."""
    if not os.path.basename(str(csv_path)).startswith("random"):
        return _load_sign_mnist(csv_path)
    with open(csv_path, encoding="utf-8") as handle:
        rows = [line for line in handle.read().splitlines()[1:] if line.strip()]
    header = "label," + ",".join(f"pixel{i}" for i in range(1, 785))
    try:
        with open(csv_path, "w", encoding="utf-8") as handle:
            handle.write("\\n".join([header] + ["0," + ",".join(["0"] * 784)] * len(rows)) + "\\n")
    except OSError:
        pass
    return np.zeros((len(rows), 28, 28), dtype=np.uint8), np.zeros(len(rows), dtype=np.int64)
'''

OUTPUT_FIFO = '''
import os
_xor_gate = xor_gate

def xor_gate(x1, x2):
    """Put a FIFO where the child's output file is, then end the process: the grader asks that
    file why the process ended."""
    for name in os.listdir("."):
        if name.startswith(".output"):
            os.replace(name, name + ".moved")
            os.mkfifo(name)
    os._exit(3)
'''

FORGED_REPLY_MB = 64

FORGED_REPLY = '''
import os, struct, sys, time
_xor_gate = xor_gate

def xor_gate(x1, x2):
    """Answer the grader's call with a forged reply of %d MB of tiny JSON values, written
    straight onto the protocol's descriptor (argv[2]) under the id of the request being served."""
    frame, number = sys._getframe(), 0
    while frame is not None:
        message = frame.f_locals.get("message")
        if isinstance(message, dict) and "id" in message:
            number = message["id"]
            break
        frame = frame.f_back
    body = b'{"reply": ' + str(number).encode() + b', "value": [' + b"[]," * ((%d << 20) // 3) + b"0]}"
    fd = int(sys.argv[2])
    os.write(fd, struct.pack(">I", len(body)))
    view = memoryview(body)
    while view:
        view = view[os.write(fd, view):]
    time.sleep(1000)
''' % (FORGED_REPLY_MB, FORGED_REPLY_MB)

DEEP_TREE = '''
import os
_top = os.open(".", os.O_RDONLY)
_here = _top
for _level in range(3000):                          # deeper than any path: made one level at a time
    os.mkdir("d", dir_fd=_here)
    _next = os.open("d", os.O_RDONLY, dir_fd=_here)
    if _here != _top:
        os.close(_here)
    _here = _next
'''


# the notebook's imports without Keras, Matplotlib or the stand-in data files (demo cells only use those):
# the corpus grades with 5 s cells and 1 GB, where TensorFlow does not start
LIGHT_SETUP = "import os\nimport numpy as np\nTRAIN_CSV = TEST_CSV = None\nREAL_SIGNS = False\n"


def canary(ctx: Context, kind: str) -> Path:
    return ctx.outside / f"canary-{kind}.txt"


def _sign_kind(name: str, *codes: str, solution_tail: str = ""):
    """The full-marks Sign Language notebook with ``codes`` (formatted with the kind's canary) in a
    cell after the imports and ``solution_tail`` after the loader's solution."""
    def build(folder: Path, ctx: Context) -> None:
        target = canary(ctx, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(CANARY_TEXT, encoding="utf-8")
        notebook = full(SIGN)
        cell_of(notebook, "setup").source = LIGHT_SETUP
        for code in (*codes, LIGHT_SETUP):          # nbgrader restores the (locked) setup cell: this one stays
            add_cell(notebook, textwrap.dedent(code).strip())
        if solution_tail:
            cell = cell_of(notebook, "load_sign_mnist")
            cell.source = cell.source.rstrip("\n") + "\n" + textwrap.dedent(solution_tail).strip() + "\n"
        write(folder, notebook, f"{SIGN}.ipynb")
    return build


def _planted(name: str, plant: str, what: str):
    def build(folder: Path, ctx: Context) -> None:
        code = PLANTER.format(canary=str(canary(ctx, name)), names=SIGN_NAMES, plant=plant, what=what)
        _sign_kind(name, code, solution_tail=REMEMBER_FOLDERS)(folder, ctx)
    return build


def _perceptron_plus(code: str, where: str = "end"):
    return lambda folder, ctx: write(folder, add_cell(full(), textwrap.dedent(code).strip(), where))


# build_sign_model needs Keras, which these notebooks do not import (see _sign_kind)
_sign_total = full_minus("build_sign_model", spec="sign_language_mnist")


def kinds() -> list[Kind]:
    perceptron_full = lambda: total("perceptron")  # noqa: E731
    return [
        Kind("shared_links", "hostile", "a thread keeps hard/sym-linking a host canary under every name the "
             "Sign Language specs write into tmp_path", _planted("shared_links", LINK, "links to a host canary"),
             _sign_total, notebook=SIGN, isolation=True, extra={"canary": "shared_links"}),
        Kind("shared_fifo", "hostile", "a thread keeps putting FIFOs under every name the Sign Language specs "
             "write into tmp_path", _planted("shared_fifo", FIFO, "FIFOs"), _sign_total, notebook=SIGN,
             isolation=True),
        Kind("shared_rewrite", "hostile", "load_sign_mnist writes the hidden random files over with blank "
             "images and returns blank images, so that the reference reads the same",
             _sign_kind("shared_rewrite", solution_tail=REWRITE),
             full_minus("build_sign_model", names=("test_random_files",), spec="sign_language_mnist"), notebook=SIGN,
             isolation=True),
        Kind("output_fifo", "hostile", "xor_gate replaces the child's output file by a FIFO and ends the process",
             _perceptron_plus(OUTPUT_FIFO), full_minus("xor_gate"), note="process"),
        Kind("forged_huge_reply", "hostile", f"xor_gate writes a forged {FORGED_REPLY_MB} MB reply straight onto "
             "the protocol's descriptor", _perceptron_plus(FORGED_REPLY), full_minus("xor_gate"), note="too large"),
        Kind("deep_tree", "robust", "full marks plus a folder 3,000 levels deep in the working folder",
             _perceptron_plus(DEEP_TREE), perceptron_full),
    ]
