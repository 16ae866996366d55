"""The course's layout: its weeks, each week's specs and reference solutions, found on disk.

A week is a folder of specs, ``grader/weeks/<week>/`` (``<spec>_public.py`` ships to students,
``<spec>_hidden.py`` stays with the instructor), beside the nbgrader assignment of the same name
(``source/<week>/NN_<spec>.ipynb``, released to ``assignments/<week>/``) and its reference
solutions (``solutions/<week>/<spec>.py``, imported as ``solutions.<week>.<spec>``). Nothing in
the engine names a week: adding one is adding these folders. A spec's name is unique in the course.
"""
from __future__ import annotations

import configparser
import json
from pathlib import Path

SPECS_DIR = Path(__file__).resolve().parents[1] / "weeks"
KINDS = ("public", "hidden")
HIDDEN_POINTS_FILE = "hidden_points.json"     # written by grader.course.hidden_points; ships
# setup.cfg's extras: what students get (the student wheel's requirements, the sandbox's view)
# and what only the instructor's side needs.
STUDENT_EXTRA, INSTRUCTOR_EXTRA = "student", "instructor"
INSTRUCTOR_ONLY = "instructor"                # a week's folder of modules that never ship (grader/weeks/__init__.py)


def weeks(specs_dir: Path = SPECS_DIR) -> list[str]:
    """The weeks whose specs are here (the student wheel holds only their public specs)."""
    return sorted(p.name for p in specs_dir.iterdir() if (p / "__init__.py").is_file()) if specs_dir.is_dir() else []


def specs_of(week: str, specs_dir: Path = SPECS_DIR) -> list[str]:
    return sorted(p.name.removesuffix("_public.py") for p in (specs_dir / week).glob("*_public.py"))


def available_specs(specs_dir: Path = SPECS_DIR) -> list[str]:
    """Every spec of every week, by name."""
    return sorted(spec for week in weeks(specs_dir) for spec in specs_of(week, specs_dir))


def week_of(spec: str, specs_dir: Path = SPECS_DIR) -> str | None:
    """The week a spec belongs to, or None when no week has it."""
    for week in weeks(specs_dir):
        if any((specs_dir / week / f"{spec}_{kind}.py").is_file() for kind in KINDS):
            return week
    return None


def reference_module(spec: str, specs_dir: Path = SPECS_DIR) -> str:
    """The import name of a spec's reference solutions: ``solutions.<week>.<spec>``."""
    return f"solutions.{week_of(spec, specs_dir)}.{spec}"


def hidden_points(spec: str, specs_dir: Path = SPECS_DIR) -> dict[str, float]:
    """What the hidden checks of each graded item of ``spec`` are worth ({} when unknown)."""
    week = week_of(spec, specs_dir)
    path = specs_dir / (week or "") / HIDDEN_POINTS_FILE
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    points = table.get(spec) if isinstance(table, dict) else None
    return {str(k): float(v) for k, v in points.items()} if isinstance(points, dict) else {}


PACKAGE = Path(__file__).resolve().parents[1]       # grader/


def declared_requirements(extra: str, setup_cfg: Path = PACKAGE.parent / "setup.cfg") -> list[str]:
    """The requirement lines of one of ``setup.cfg``'s extras, comments left out (``[]`` when
    there is no ``setup.cfg``: an installed package reads its metadata instead)."""
    config = configparser.ConfigParser()
    if not config.read(setup_cfg, encoding="utf-8"):
        return []
    lines = config.get("options.extras_require", extra, fallback="").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def student_files(package: Path = PACKAGE) -> list[Path]:
    """What a student installs, relative to the package's parent, sorted: ``grader/__init__.py``,
    the whole of ``grader/core/`` and ``grader/student/`` (their code: no data file) and each
    week's folder but its hidden specs (``*_hidden.py``) and its ``instructor/`` folder (its pictures,
    drawn with the grader's pages), with its table of hidden points
    (:data:`HIDDEN_POINTS_FILE`, when written).
    The student wheel and the sandboxed child both hold exactly these files."""
    files = [package / "__init__.py", *(package / "core").rglob("*.py"), *(package / "student").rglob("*.py"),
             package / "weeks" / "__init__.py"]
    for week in weeks(package / "weeks"):
        files += [f for f in (package / "weeks" / week).rglob("*.py")
                  if not f.name.endswith("_hidden.py") and INSTRUCTOR_ONLY not in f.relative_to(package).parts]
        files += [*(package / "weeks" / week).glob(HIDDEN_POINTS_FILE)]
    return sorted(f.relative_to(package.parent) for f in files if "__pycache__" not in f.parts)
