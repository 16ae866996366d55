"""Build what a student installs: a wheel of the engine and public specs, and the release as a zip.

    python -m grader.course.student_dist [--out dist/student]

writes ``dl_<weeks>_grader-<version>-py3-none-any.whl`` (distribution ``dl-<weeks>-grader``,
import package ``grader``, the ``grader`` command) and ``<weeks>-assignments.zip`` (the
released notebooks of each ``assignments/<week>/``, under ``<week>/``), named after the course
(``dl``) and the weeks they hold: the folders of ``grader/weeks/`` (for this course,
``dl_week3_grader-...whl`` and ``week3-assignments.zip``).

The wheel is built from a staged copy of the student side, never from the repository itself:
``grader/__init__.py``, the ``.py`` files of the folder ``grader/student/`` and each week's
``grader/weeks/<week>/*_public.py`` with its ``hidden_points.json`` (what the hidden checks are
worth, no more: :func:`grader.core.course.student_files`). Nothing from
``solutions/``, no hidden spec, no source notebook, no data file and no instructor folder
(:data:`INSTRUCTOR_ONLY`) is ever copied. Before
building, every ``grader`` import of a staged module is checked to resolve to a staged
module, so a new dependency of the engine fails the build instead of the student's import,
and every shipped module is scanned for lines of the reference solutions
(:func:`check_no_solution_lines`): a code line equal to one, or a string (a hint, a message,
a docstring) containing one, fails the build unless the released notebooks show that line.
The version is ``setup.cfg``'s; timestamps are fixed, so the same files give the same bytes.
"""
from __future__ import annotations

import argparse
import ast
import configparser
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.core import words
from grader.core.course import NOT_FOR_STUDENTS, student_files, weeks

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "grader"
COURSE = "dl"                 # the course's short name: the wheel is <course>-<weeks>-grader
WEEKS = weeks(ROOT / "grader" / "weeks")
DIST_NAME = "-".join([COURSE, *WEEKS, "grader"])
ZIP_NAME = "-".join([*WEEKS, "assignments"]) + ".zip"
RELEASES = [ROOT / "assignments" / week for week in WEEKS]
SOLUTIONS = [ROOT / "solutions" / week for week in WEEKS]

# What ships is a folder, grader/student/ (see grader.core.course.student_files), with the
# public specs; these folders of grader are the instructor's and never ship.
INSTRUCTOR_ONLY = ("grading", "batch", "pages", "sandbox", "course", "bench")
# setup.cfg requirements students do not need: NOT_FOR_STUDENTS; and those they get under another name:
# Colab already has `tensorflow` (tensorflow-cpu there would be a second copy of it), and
# tensorflow-cpu is not published for every platform students use (e.g. Apple silicon).
RENAMED = {"tensorflow-cpu": "tensorflow"}
# 1980-01-01, the earliest time a zip entry can hold: the same files give the same bytes.
EPOCH = 315532800
SECRET_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
# A reference line with fewer word characters than this is an idiom (`else:`, `return out`),
# not something a student could copy.
MIN_WORD_CHARACTERS = 12
# Reference lines that shipped modules may hold all the same: idioms any module may have (the
# engine seeds its own generators), and helpers a public spec holds on purpose. Every entry
# ships to students: keep this list short and each entry deliberate.
ALLOWED_SOLUTION_LINES = {
    "rng = np.random.default_rng(seed)",
    "keras.utils.set_random_seed(seed)",
    'given = os.environ.get("MNIST_PATH")',
    "except ValueError:",   # an exception handler, in 05's solution and its public spec alike
}


class StudentDistError(RuntimeError):
    """The student distribution cannot be built safely (and nothing was written)."""


@dataclass
class StudentDist:
    wheel: Path
    assignments: Path
    wheel_files: list[str]
    zip_files: list[str]


# ---------------------------------------------------------------- what ships

def shipped_modules(package: Path = PACKAGE) -> list[Path]:
    """The files of ``package`` that go into the wheel, relative to its parent, sorted."""
    files = student_files(package)
    missing = [f for f in files if not (package.parent / f).is_file()]
    if missing:
        raise StudentDistError(f"missing {missing[0]}")
    return files


def is_secret_module(name: str) -> bool:
    """A reference solution or a hidden spec (``solutions.week3.perceptron``, ``grader.weeks.week3.x_hidden``)."""
    parts = name.split(".")
    return parts[0] == "solutions" or any(p.endswith("_hidden") for p in parts)


def _module_file(root: Path, name: str) -> Path | None:
    path = root.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate.relative_to(root)
    return None


def grader_imports(path: Path) -> set[str]:
    """Every ``grader...`` or ``solutions...`` module ``path`` imports (at any depth of the code)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(n for n in names if n.split(".")[0] in ("grader", "solutions"))
    return found


def check_closure(files: list[Path], root: Path = ROOT) -> None:
    """Every module a shipped module imports is shipped; none is a solution or a hidden spec."""
    shipped = set(files)
    problems = []
    for file in files:
        for name in sorted(grader_imports(root / file)):
            if is_secret_module(name):
                problems.append(f"{file} imports {name}, which must never reach students")
                continue
            target = _module_file(root, name)
            if target is None:                  # `from grader.x import some_function`: not a module
                continue
            if target not in shipped:
                problems.append(f"{file} imports {name} ({target}), which is not in the student wheel: "
                                f"move it into grader/student/ if students need it")
    if problems:
        raise StudentDistError("\n".join(problems))


def metadata(setup_cfg: Path = ROOT / "setup.cfg") -> tuple[str, str, list[str]]:
    """(version, python_requires, install_requires for students) from the project's setup.cfg."""
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")
    requires = []
    for line in config["options"]["install_requires"].strip().splitlines():
        line = line.strip()
        name = re.match(r"[A-Za-z0-9_.\-]+", line).group(0)
        if name.lower() in NOT_FOR_STUDENTS:
            continue
        requires.append(RENAMED.get(name.lower(), name) + line[len(name):])
    return config["metadata"]["version"], config["options"].get("python_requires", ">=3.10"), requires


# ---------------------------------------------------------------- no solution line ships

def squeezed(text: str) -> str:
    """``text`` without any whitespace: lines that differ only in spacing compare equal."""
    return re.sub(r"\s+", "", text)


def _folders(given: Path | list[Path]) -> list[Path]:
    return [given] if isinstance(given, Path) else list(given)


def released_text(release: Path | list[Path] = RELEASES) -> str:
    """Every line of every cell of the released notebooks, squeezed, one per line."""
    lines = []
    for path in sorted(p for folder in _folders(release) for p in folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            lines += [squeezed(line) for line in source.splitlines()]
    return "\n".join(line for line in lines if line)


def solution_secrets(solutions: Path | list[Path] = SOLUTIONS, release: Path | list[Path] = RELEASES,
                     allowed: set[str] = ALLOWED_SOLUTION_LINES) -> dict[str, str]:
    """The code lines of the reference solutions that the released notebooks do not show.

    Keyed by the squeezed line without a trailing comma (an item of a list of layers is the
    same code with or without it); the value names the solution file and the line. A line
    is shown when a released notebook holds it, in a code cell or quoted in the text."""
    shown = released_text(release)
    allowed = {squeezed(line).rstrip(",") for line in allowed}
    secrets = {}
    for path in sorted(p for folder in _folders(solutions) for p in folder.glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            key = squeezed(line).rstrip(",")
            if (not key or key.startswith("#") or key in allowed
                    or len(re.sub(r"\W", "", key)) < MIN_WORD_CHARACTERS or key in shown):
                continue
            secrets.setdefault(key, f"{path.name}: {line}")
    return secrets


def strings_of(text: str, filename: str = "<module>") -> list[str]:
    """Every string constant of Python source ``text``: hints, messages, docstrings (for an
    f-string, each of its literal parts)."""
    return [node.value for node in ast.walk(ast.parse(text, filename))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def leaked_solution_lines(text: str, name: str, secrets: dict[str, str]) -> list[str]:
    """What of ``secrets`` a shipped Python file holds: a code line equal to a solution line
    (whitespace and a trailing comma aside), or a string (a hint) containing one."""
    found = []
    for line in text.splitlines():
        key = squeezed(line).rstrip(",")
        if key in secrets:
            found.append(f"{name}: the line {line.strip()!r} is {secrets[key]}")
    for string in strings_of(text, name):
        flat = squeezed(string)
        for key, origin in secrets.items():
            if key in flat and re.search(r"[^\w:]", key):     # code, not a word that prose may hold
                found.append(f"{name}: the text {' '.join(string.split())[:120]!r} holds {origin}")
    return found


def check_no_solution_lines(files: list[Path], root: Path = ROOT, solutions: Path | list[Path] = SOLUTIONS,
                            release: Path | list[Path] = RELEASES) -> None:
    """No shipped ``.py`` file holds a line of a reference solution that the release does not show."""
    secrets = solution_secrets(solutions, release)
    problems = []
    for file in files:
        if file.suffix == ".py":
            problems += leaked_solution_lines((root / file).read_text(encoding="utf-8"), file.as_posix(), secrets)
    if problems:
        raise StudentDistError("lines of the reference solutions would ship to students (rewrite the hint or "
                               "the check to teach the idea; see ALLOWED_SOLUTION_LINES for deliberate ones):\n"
                               + "\n".join(problems))


# ---------------------------------------------------------------- building

SETUP_CFG = """\
[metadata]
name = {name}
version = {version}
description = Self-check for the deep-learning notebooks of {weeks}: the grader command and the public checks
long_description = file: README.md
long_description_content_type = text/markdown
license = MIT

[options]
python_requires = {python_requires}
packages =
{packages}
install_requires =
{requires}

[options.package_data]
* = hidden_points.json

[options.entry_points]
console_scripts =
    grader = grader.student.cli:main
pytest11 =
    grader-notebooks = grader.student.pytest_notebooks
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"
"""

STUDENT_README = """\
# {name}

The `grader` command and the public checks of the deep-learning notebooks of {weeks}.

```bash
pip install {wheel}
pytest                                # in the folder of your notebooks: each check is a test
grader check 01_perceptron.ipynb      # last line: {score}: X / Y
```

Exit code 0: every check passes; 1: some fail; 2: the file is not a readable notebook.
The test cells in the notebooks (`from grader import check`) use the same checks.
"""


def _check_build_tools() -> None:
    missing = [m for m in ("setuptools",) if importlib.util.find_spec(m) is None]
    if not missing and importlib.util.find_spec("setuptools.command.bdist_wheel") is None \
            and importlib.util.find_spec("wheel") is None:
        missing.append("wheel")
    if missing:
        raise StudentDistError(f"building the wheel needs {' and '.join(missing)} in {sys.executable}'s "
                               f"environment (pip install {' '.join(missing)})")


def _wheel_filename(version: str) -> str:
    return f"{DIST_NAME.replace('-', '_')}-{version}-py3-none-any.whl"


def stage(directory: Path, files: list[Path], version: str, python_requires: str, requires: list[str]) -> None:
    """A buildable project in ``directory`` holding only ``files`` (paths relative to ROOT)."""
    for file in files:
        target = directory / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / file, target)
        os.chmod(target, 0o644)
    packages = sorted({file.parent.as_posix().replace("/", ".") for file in files if file.name == "__init__.py"})
    (directory / "setup.cfg").write_text(SETUP_CFG.format(
        name=DIST_NAME, weeks=", ".join(WEEKS), version=version, python_requires=python_requires,
        packages="\n".join(f"    {p}" for p in packages),
        requires="\n".join(f"    {r}" for r in requires)), encoding="utf-8")
    (directory / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (directory / "README.md").write_text(STUDENT_README.format(name=DIST_NAME, weeks=', '.join(WEEKS), wheel=_wheel_filename(version),
                                                                     score=words.label(words.SCORE)), encoding="utf-8")
    for path in directory.rglob("*"):
        os.utime(path, (EPOCH, EPOCH))


def build_wheel(out: Path) -> tuple[Path, list[str]]:
    _check_build_tools()
    files = shipped_modules()
    check_closure(files)
    check_no_solution_lines(files)
    version, python_requires, requires = metadata()
    wheel = out / _wheel_filename(version)
    with tempfile.TemporaryDirectory(prefix="student-dist-") as temp:
        staged = Path(temp) / "stage"
        stage(staged, files, version, python_requires, requires)
        built = Path(temp) / "wheelhouse"
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
               "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONPATH", None)
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                               "--no-index", "--quiet", "-w", str(built), str(staged)],
                              cwd=temp, env=env, capture_output=True, text=True)
        produced = sorted(built.glob("*.whl"))
        if done.returncode != 0 or [p.name for p in produced] != [wheel.name]:
            raise StudentDistError(f"pip wheel failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        names = verify_wheel(produced[0], files)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced[0], wheel)
    return wheel, names


def verify_wheel(wheel: Path, files: list[Path]) -> list[str]:
    """The wheel's file list, after checking it holds exactly the staged modules plus metadata."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    modules = sorted(n for n in names if ".dist-info/" not in n)
    expected = sorted(f.as_posix() for f in files)
    if modules != expected:
        raise StudentDistError(f"the wheel holds {sorted(set(modules) ^ set(expected))} unexpectedly")
    return names


def build_assignments_zip(out: Path, release: Path | list[Path] = RELEASES) -> tuple[Path, list[str]]:
    """``<weeks>-assignments.zip``: the files of each week's release folder under ``<week>/``."""
    folders = _folders(release)
    files = [(folder, p) for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()
             and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts)]
    for folder in folders:
        if not any(p.suffix == ".ipynb" for f, p in files if f == folder):
            raise StudentDistError(f"no released notebook in {folder}: run `make release`")
    for _, path in files:
        if path.suffix == ".ipynb":
            text = path.read_text(encoding="utf-8")
            leaked = [marker for marker in SECRET_MARKERS if marker in text]
            if leaked:
                raise StudentDistError(f"{path} contains {leaked[0]!r}: it is not a release (run `make release`)")
    out.mkdir(parents=True, exist_ok=True)
    target = out / ZIP_NAME
    names = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, path in files:
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
            names.append(name)
    return target, names


def build(out: Path) -> StudentDist:
    """Write the student wheel and the assignments zip into ``out``."""
    out = Path(out)
    for old in out.glob(f"{DIST_NAME.replace('-', '_')}-*.whl"):
        old.unlink()
    wheel, wheel_files = build_wheel(out)
    assignments, zip_files = build_assignments_zip(out)
    return StudentDist(wheel, assignments, wheel_files, zip_files)


def _describe(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"{path}  ({path.stat().st_size:,} bytes, sha256 {digest}...)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.course.student_dist", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "student",
                        help="folder for the wheel and the zip (default dist/student)")
    args = parser.parse_args(argv)
    try:
        dist = build(args.out)
    except StudentDistError as error:
        print(f"student-dist: {error}", file=sys.stderr)
        return 1
    print(f"wrote {_describe(dist.wheel)}")
    print("".join(f"  {name}\n" for name in dist.wheel_files), end="")
    print(f"wrote {_describe(dist.assignments)}")
    print("".join(f"  {name}\n" for name in dist.zip_files), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
