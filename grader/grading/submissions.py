"""Find the notebooks to grade in a folder or a zip of submissions.

Accepted layouts:

- nbgrader's ``submitted/<student>/<assignment>/<NN_name>.ipynb`` (the course folder, its
  ``submitted/`` folder, or a zip of either);
- one folder per student holding notebooks (``<student>/<NN_name>.ipynb``);
- a flat folder of notebooks, one per student (``alice_01_perceptron.ipynb``; the student
  is the name without the notebook's part, the spec is the notebook's part).

Which notebooks of a student are graded is nbgrader's rule: those at the top of an assignment
folder (``<student>/<week>/*.ipynb``; in a folder per student without week folders, the top of
the student's folder and of its subfolders). Anything deeper (``week3/old/``) and a second copy
of one notebook is not graded, and is said in the notes of the student's graded notebook.

The spec a notebook is graded by comes from its file name, which the grader controls (not
from metadata the student could edit); ``spec`` overrides it.

A student's results go to a folder named by :func:`safe_name`: a reversible escape of the id
(never a fold of two ids into one), away from the names of the batch's own files. Two ids that
still share a folder on a case-insensitive file system get distinct folders, and a note.
"""
from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
import re
import urllib.parse
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from grader.core import words
from grader.grading.archive import Refused, extract_zip
from grader.core.course import weeks

MAX_FOLDER_BYTES = 200
# suffixes of the files a batch (grader grade, grader report) writes at the top of its folder
BATCH_FILE_SUFFIXES = (".csv", ".html", ".htm", ".json", ".txt", ".db", ".tmp", ".zip", ".log")
STRAY_SHOWN = 5
GLOB_CHARACTERS = "*?["            # nbgrader finds submitted/<student>/ with glob, unescaped


@dataclass(frozen=True)
class Unit:
    """One notebook of one student (``notebook`` is None for a student who handed in nothing)."""

    student: str
    notebook: Path | None
    spec: str | None
    entry: str = ""                # a refused archive entry's name (when ``notebook`` is None)
    status: str = ""               # set for an entry that is not graded at all ("refused")
    notes: tuple[str, ...] = ()    # what collection found (stray copies, refused entries)
    folder: str = ""               # its results folder, when another unit has the usual one

    @property
    def stem(self) -> str:
        if self.notebook:
            return self.notebook.stem
        return Path(self.entry).name if self.entry else "(nothing)"

    @property
    def key(self) -> str:
        return self.folder or f"{safe_name(self.student)}/{safe_name(self.stem)}"


def safe_name(name: str) -> str:
    """A folder name for a student's or notebook's name, reversible with ``urllib.parse.unquote``.

    Letters of any script, digits, ``_``, ``-``, ``.`` and inner spaces stay; any other
    character, a leading dot or space, a trailing dot or space, and the dot of a name that
    looks like one of the batch's files (``grades.csv`` -> ``grades%2Ecsv``) are
    percent-encoded (UTF-8). ``lee@kaist`` and ``lee#kaist`` stay two folders. A name too long
    for a file system keeps its start and ends in ``~`` and a hash of the whole name."""
    escaped = "".join(c if re.fullmatch(r"[\w.\- ]", c) else _percent(c) for c in name)
    if escaped[:1] in (".", " "):
        escaped = _percent(escaped[0]) + escaped[1:]
    if escaped[-1:] in (".", " "):
        escaped = escaped[:-1] + _percent(escaped[-1])
    if escaped.lower().endswith(BATCH_FILE_SUFFIXES):
        dot = escaped.rindex(".")
        escaped = escaped[:dot] + "%2E" + escaped[dot + 1:]
    if not escaped:
        return "%"               # an empty name ("%" alone is no escape of any other name)
    if len(escaped.encode("utf-8")) > MAX_FOLDER_BYTES:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        kept = escaped.encode("utf-8")[:MAX_FOLDER_BYTES - 17].decode("utf-8", "ignore")
        escaped = f"{kept}~{digest}"
    return escaped


def _percent(character: str) -> str:
    special = {".": "%2E", "~": "%7E", " ": "%20"}
    return special.get(character) or urllib.parse.quote(character, safe="", errors="surrogateescape")


def spec_for(filename: str, specs: list[str]) -> str | None:
    stem = Path(filename).stem
    bare = re.sub(r"^\d+_", "", stem)
    if bare in specs:
        return bare
    # a flat folder's "alice_01_perceptron": the notebook's name ends the file name; a copy
    # such as "01_perceptron-Copy1" is not the notebook (it is reported as unknown)
    matches = [s for s in specs if re.search(rf"(^|[_\- ])(\d+_)?{re.escape(s)}$", stem)]
    return max(matches, key=len) if matches else None


def unreadable(path, folder: bool) -> str | None:
    """Why this process cannot read ``path`` (a folder: list it), or None when it can; the reason
    names the owner, group and mode (a submission with the wrong owner or permissions)."""
    try:
        if folder:
            os.listdir(path)
        else:
            os.close(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK))
        return None
    except OSError as error:
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError:
            return error.strerror or str(error)
        return (f"{error.strerror or error}: owner {_name(pwd.getpwuid, info.st_uid)}, group "
                f"{_name(grp.getgrgid, info.st_gid)}, mode {stat.S_IMODE(info.st_mode):04o}; "
                f"this grader is {_name(pwd.getpwuid, os.geteuid())}")


def _name(lookup, number: int) -> str:
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def _unreadable_unit(student: str, path: Path, reason: str, notebook: Path | None = None,
                     spec: str | None = None) -> Unit:
    return Unit(student, notebook, spec, status="unreadable",
                notes=(words.UNREADABLE_PATH.format(path=path, reason=reason),))


def _hidden(path: Path) -> bool:
    return path.name.startswith(".") or path.name == "__MACOSX"


def _notebooks_in(folder: Path) -> list[Path]:
    """The notebooks at the top of ``folder`` (links too: grading reports them as unreadable)."""
    return sorted(p for p in folder.iterdir()
                  if p.suffix == ".ipynb" and not _hidden(p) and (p.is_symlink() or p.is_file()))


def _every_notebook(folder: Path) -> list[Path]:
    """Every notebook below ``folder``, hidden folders (``.ipynb_checkpoints``) and links to folders not entered."""
    found = []
    for top, folders, files in os.walk(folder):         # followlinks=False: a link to / is not walked
        folders[:] = [f for f in folders if not f.startswith(".") and f != "__MACOSX"]
        found += [Path(top, f) for f in files if f.endswith(".ipynb") and not f.startswith(".")]
    return sorted(p for p in found if p.is_symlink() or p.is_file())


def _student_notebooks(folder: Path) -> tuple[list[Path], list[Path]]:
    """(the notebooks graded, the stray ones) of one student's folder, by nbgrader's rule: the
    top of each week folder (``week3/``) when there is one, else the top of the student's
    folder and of its subfolders; one notebook per name, a week folder's first."""
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not _hidden(p))
    course_weeks = set(weeks())
    in_weeks = [p for p in subfolders if p.name in course_weeks]
    places = in_weeks if in_weeks else [folder, *subfolders]
    graded: dict[str, Path] = {}
    for place in places:
        for path in _notebooks_in(place):
            graded.setdefault(path.stem, path)
    chosen = set(graded.values())
    return sorted(chosen), [p for p in _every_notebook(folder) if p not in chosen]


def stray_notebooks(assignment_folder: Path) -> list[Path]:
    """A student's notebooks that nbgrader does not grade for this assignment: those below the top
    of ``assignment_folder`` (``week3/old/``) and those beside it in the student's folder."""
    folder = Path(assignment_folder)
    nested = [p for p in _every_notebook(folder) if p.parent != folder] if folder.is_dir() else []
    beside = sorted(p for p in folder.parent.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    return nested + beside


def stray_note(folder: Path, stray: list[Path]) -> str:
    shown = ", ".join(str(p.relative_to(folder)) for p in stray[:STRAY_SHOWN])
    more = words.STRAY_MORE.format(more=len(stray) - STRAY_SHOWN) if len(stray) > STRAY_SHOWN else ""
    return words.STRAY_NOTEBOOKS.format(shown=shown, more=more)


def _folder_units(folder: Path, specs: list[str], spec: str | None) -> list[Unit]:
    try:
        notebooks, stray = _student_notebooks(folder)
    except PermissionError as error:     # the folder (or its week folder) is not this grader's to read
        where = Path(error.filename or folder)
        return [_unreadable_unit(folder.name, where, unreadable(where, folder=True) or error.strerror)]
    units = []
    for path in notebooks:
        chosen = spec or spec_for(path.name, specs)
        reason = None if path.is_symlink() else unreadable(path, folder=False)
        units.append(_unreadable_unit(folder.name, path, reason, path, chosen) if reason else
                     Unit(folder.name, path, chosen))
    if not units:
        units = [Unit(folder.name, None, None)]
    if any(c in folder.name for c in GLOB_CHARACTERS):
        units[0] = replace(units[0], notes=units[0].notes + (
            words.GLOB_IN_ID.format(characters=GLOB_CHARACTERS),))
    by_stem = {u.stem: i for i, u in enumerate(units)}
    owners: dict[int, list[Path]] = {}
    for path in stray:
        owners.setdefault(by_stem.get(path.stem, 0), []).append(path)
    for i, paths in owners.items():
        units[i] = replace(units[i], notes=units[i].notes + (stray_note(folder, paths),))
    return units


def _flat_student(filename: str, specs: list[str], chosen: str | None = None) -> str:
    """The student of a flat folder's ``alice_01_perceptron.ipynb``: the name without the notebook's part."""
    chosen = chosen or spec_for(filename, specs)
    stem = Path(filename).stem
    return (re.sub(rf"[_\- ]*(\d+_)?{re.escape(chosen)}$", "", stem) or stem) if chosen else stem


def _refused_units(refused: list[Refused], unpacked: Path, root: Path, specs: list[str]) -> list[Unit]:
    """One unit per archive entry not unpacked, filed under the student whose folder it was in."""
    units = []
    for entry in refused:
        parts = Path(entry.name).parts
        try:
            inside = (unpacked / entry.name).relative_to(root).parts if ".." not in parts else ()
        except ValueError:
            inside = ()
        student = inside[0] if len(inside) > 1 else _flat_student(inside[0], specs) if inside else "(archive)"
        note = words.ZIP_ENTRY.format(name=entry.name[:300], reason=entry.reason)
        units.append(Unit(student, None, spec_for(Path(entry.name).name, specs), entry=entry.name,
                          status="refused", notes=(note,)))
    return units


def _distinct_folders(units: list[Unit]) -> list[Unit]:
    """Give each student a results folder of their own, and each of their notebooks one, even
    where the escaped names meet on a case-insensitive file system (``Lee`` and ``lee``); a
    unit moved to ``<name>~2`` says so in its notes."""
    students: dict[str, str] = {}        # casefolded folder -> the student who has it
    folder_of: dict[str, str] = {}
    stems: dict[str, set[str]] = {}
    result = []
    for unit in units:
        if unit.student not in folder_of:
            folder, number = safe_name(unit.student), 1
            while folder.casefold() in students:
                number += 1
                folder = f"{safe_name(unit.student)}~{number}"
            students[folder.casefold()] = unit.student
            folder_of[unit.student] = folder
        folder = folder_of[unit.student]
        taken = stems.setdefault(folder, set())
        stem, number = safe_name(unit.stem), 1
        while stem.casefold() in taken:
            number += 1
            stem = f"{safe_name(unit.stem)}~{number}"
        taken.add(stem.casefold())
        key = f"{folder}/{stem}"
        if key != f"{safe_name(unit.student)}/{safe_name(unit.stem)}":
            unit = replace(unit, folder=key, notes=unit.notes + (
                words.FOLDER_CLASH.format(key=key),))
        result.append(unit)
    return result


def find_units(source: Path, specs: list[str], unpack_to: Path, spec: str | None = None) -> list[Unit]:
    """Every (student, notebook) in ``source`` (a folder or a zip), in a stable order; entries
    of a zip that could not be unpacked are units of status ``refused``."""
    source = Path(source)
    refused: list[Refused] = []
    if source.is_file() and zipfile.is_zipfile(source):
        refused = extract_zip(source, unpack_to)
        source = unpack_to
        entries = [p for p in source.iterdir() if not _hidden(p)]
        if len(entries) == 1 and entries[0].is_dir() and not list(entries[0].glob("*.ipynb")):
            source = entries[0]
    if source.is_file() and source.suffix == ".ipynb":
        chosen = spec or spec_for(source.name, specs)
        return [Unit(source.parent.name or source.stem, source, chosen)]
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is not a folder or a zip of submissions")
    if (source / "submitted").is_dir():
        source = source / "submitted"
    units = _refused_units(refused, unpack_to, source, specs)
    with_refused = {u.student for u in units}
    flat = sorted(p for p in source.iterdir()
                  if p.suffix == ".ipynb" and not _hidden(p) and (p.is_symlink() or p.is_file()))
    for path in flat:
        chosen = spec or spec_for(path.name, specs)
        units.append(Unit(_flat_student(path.name, specs, chosen), path, chosen))
    for folder in sorted(p for p in source.iterdir() if p.is_dir() and not _hidden(p)):
        units += [u for u in _folder_units(folder, specs, spec)
                  if u.notebook is not None or folder.name not in with_refused]
    units.sort(key=lambda u: (u.student, u.stem, u.entry))
    return _distinct_folders(units)
