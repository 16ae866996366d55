"""The student distribution's names and folders, from the course's weeks (``grader/weeks/``)."""
from __future__ import annotations

from pathlib import Path

from grader.core.course import weeks

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "grader"
COURSE = "dl"                 # the course's short name: the wheel is <course>-<weeks>-grader
WEEKS = weeks(ROOT / "grader" / "weeks")
DIST_NAME = "-".join([COURSE, *WEEKS, "grader"])
ZIP_NAME = "-".join([*WEEKS, "assignments"]) + ".zip"
RELEASES = [ROOT / "assignments" / week for week in WEEKS]
SOLUTIONS = [ROOT / "solutions" / week for week in WEEKS]
# 1980-01-01, the earliest time a zip entry can hold: the same files give the same bytes.
EPOCH = 315532800


class StudentDistError(RuntimeError):
    """The student distribution cannot be built safely (and nothing was written)."""


def as_folders(given: Path | list[Path]) -> list[Path]:
    """One folder, or several, as a list."""
    return [given] if isinstance(given, Path) else list(given)
