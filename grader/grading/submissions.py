"""Find the notebooks to grade in a folder or a zip of submissions.

Accepted layouts:

- nbgrader's ``submitted/<student>/<assignment>/<NN_name>.ipynb`` (the course folder, its
  ``submitted/`` folder, or a zip of either);
- one folder per student holding notebooks (``<student>/<NN_name>.ipynb``);
- a flat folder of notebooks, one per student (``alice_01_perceptron.ipynb``; the student
  is the name without the notebook's part, the spec is the notebook's part).

The spec a notebook is graded by comes from its file name, which the grader controls (not
from metadata the student could edit); ``spec`` overrides it.
"""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_ZIP_BYTES = 4 << 30
MAX_ZIP_MEMBERS = 100_000


@dataclass(frozen=True)
class Unit:
    """One notebook of one student (``notebook`` is None for a student who handed in nothing)."""

    student: str
    notebook: Path | None
    spec: str | None

    @property
    def stem(self) -> str:
        return self.notebook.stem if self.notebook else "(nothing)"

    @property
    def key(self) -> str:
        return f"{safe_name(self.student)}/{safe_name(self.stem)}"


def safe_name(name: str) -> str:
    """A folder name made from a student's or notebook's name (letters of any script kept)."""
    cleaned = re.sub(r"[^\w.\- ]", "_", name).strip(" .") or "_"
    return cleaned[:120]


def spec_for(filename: str, specs: list[str]) -> str | None:
    stem = Path(filename).stem
    bare = re.sub(r"^\d+_", "", stem)
    if bare in specs:
        return bare
    # a flat folder's "alice_01_perceptron": the notebook's name ends the file name; a copy
    # such as "01_perceptron-Copy1" is not the notebook (it is reported as unknown)
    matches = [s for s in specs if re.search(rf"(^|[_\- ])(\d+_)?{re.escape(s)}$", stem)]
    return max(matches, key=len) if matches else None


def extract_zip(archive: Path, into: Path) -> Path:
    """Unpack ``archive`` safely: no absolute paths, no ``..``, no links, bounded size."""
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise ValueError(f"{archive.name} is too large to unpack")
        for member in members:
            name = member.filename.replace("\\", "/")
            mode = member.external_attr >> 16
            if name.startswith("/") or ".." in name.split("/") or stat.S_ISLNK(mode) or "__MACOSX" in name:
                continue
            target = into / name
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
    return into


def _notebooks(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if ".ipynb_checkpoints" in path.parts or path.name.startswith("."):
            continue
        if path.suffix == ".ipynb" and (path.is_symlink() or path.is_file()):
            found.append(path)
    return found


def find_units(source: Path, specs: list[str], unpack_to: Path, spec: str | None = None) -> list[Unit]:
    """Every (student, notebook) in ``source`` (a folder or a zip), in a stable order."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        source = extract_zip(source, unpack_to)
        entries = [p for p in source.iterdir() if not p.name.startswith((".", "__MACOSX"))]
        if len(entries) == 1 and entries[0].is_dir() and not list(entries[0].glob("*.ipynb")):
            source = entries[0]
    if source.is_file() and source.suffix == ".ipynb":
        chosen = spec or spec_for(source.name, specs)
        return [Unit(source.parent.name or source.stem, source, chosen)]
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is not a folder or a zip of submissions")
    if (source / "submitted").is_dir():
        source = source / "submitted"
    units = []
    flat = sorted(p for p in source.iterdir() if p.suffix == ".ipynb")
    for path in flat:
        chosen = spec or spec_for(path.name, specs)
        student = path.stem
        if chosen:
            student = re.sub(rf"[_\- ]*(\d+_)?{re.escape(chosen)}$", "", student) or student
        units.append(Unit(student, path, chosen))
    for folder in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")):
        notebooks = _notebooks(folder)
        if not notebooks:
            units.append(Unit(folder.name, None, None))
        for path in notebooks:
            units.append(Unit(folder.name, path, spec or spec_for(path.name, specs)))
    return units
