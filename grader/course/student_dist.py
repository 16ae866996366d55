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
The version is ``setup.cfg``'s, the requirements its ``student`` extra; timestamps are fixed,
so the same files give the same bytes. Each job is a module of :mod:`grader.course.student_wheel`;
this module is the command, and keeps their public names.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from grader.course.student_wheel.build import (SECRET_MARKERS, StudentDist, build, build_assignments_zip,  # noqa: F401
                                               build_wheel, verify_wheel)
from grader.course.student_wheel.imports import (INSTRUCTOR_ONLY, check_closure, grader_imports,  # noqa: F401
                                                 is_secret_module, shipped_modules)
from grader.course.student_wheel.layout import (COURSE, DIST_NAME, EPOCH, PACKAGE, RELEASES, ROOT,  # noqa: F401
                                                SOLUTIONS, WEEKS, ZIP_NAME, StudentDistError)
from grader.course.student_wheel.leaks import (ALLOWED_SOLUTION_LINES, MIN_WORD_CHARACTERS,  # noqa: F401
                                               check_no_solution_lines, leaked_solution_lines, released_text,
                                               solution_secrets, squeezed, strings_of)
from grader.course.student_wheel.templates import RENAMED, metadata, stage  # noqa: F401


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
