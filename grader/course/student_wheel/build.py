"""Build the wheel from a staged copy of what ships, and the assignments zip from the release."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.course.student_wheel.imports import check_closure, shipped_modules
from grader.course.student_wheel.layout import DIST_NAME, EPOCH, RELEASES, ZIP_NAME, StudentDistError, as_folders
from grader.course.student_wheel.leaks import check_no_solution_lines
from grader.course.student_wheel.templates import wheel_filename, metadata, stage

SECRET_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


@dataclass
class StudentDist:
    wheel: Path
    assignments: Path
    wheel_files: list[str]
    zip_files: list[str]


def _check_build_tools() -> None:
    missing = [m for m in ("setuptools",) if importlib.util.find_spec(m) is None]
    if not missing and importlib.util.find_spec("setuptools.command.bdist_wheel") is None \
            and importlib.util.find_spec("wheel") is None:
        missing.append("wheel")
    if missing:
        raise StudentDistError(f"building the wheel needs {' and '.join(missing)} in {sys.executable}'s "
                               f"environment (pip install {' '.join(missing)})")



def build_wheel(out: Path) -> tuple[Path, list[str]]:
    _check_build_tools()
    files = shipped_modules()
    check_closure(files)
    check_no_solution_lines(files)
    version, python_requires, requires = metadata()
    wheel = out / wheel_filename(version)
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
    folders = as_folders(release)
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
