"""``make release``: regenerate ``assignments/`` (with nbgrader) and ``solutions/`` from ``source/``.

Usage: ``python -m grader.course.release [--root DIR] [--assignment WEEK]``: each week is a folder
``source/<week>/`` (an nbgrader assignment), released to ``assignments/<week>/`` with its
solutions in ``solutions/<week>/``; without ``--assignment``, every week of the course.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from grader.course.export import export
from grader.course.hidden_points import write_hidden_points

ROOT = Path(__file__).resolve().parents[2]


def weeks(root: Path = ROOT) -> list[str]:
    """The course's weeks: the folders of ``source/`` that hold notebooks."""
    source = root / "source"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) if source.is_dir() else []


def nbgrader_env() -> dict:
    """The environment for nbgrader: this interpreter's bin first (nbgrader runs alembic)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def nbgrader(*args: str, root: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course folder ``root``."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=nbgrader_env(),
                          check=check, text=True, capture_output=True)


def generate_assignment(root: Path, assignment: str) -> None:
    result = nbgrader("generate_assignment", assignment, "--force", root=root, check=False)
    if result.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{result.stdout}\n{result.stderr}")


def export_solutions(root: Path, assignment: str) -> list[Path]:
    out_dir = root / "solutions" / assignment
    out_dir.mkdir(parents=True, exist_ok=True)
    for package in (root / "solutions", out_dir):
        init = package / "__init__.py"
        if not init.exists():
            init.write_text('"""Reference solutions, generated from source/: never released."""\n')
    return [export(path, out_dir, root) for path in sorted((root / "source" / assignment).glob("*.ipynb"))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="course folder (default: this repository)")
    parser.add_argument("--assignment", action="append", default=None,
                        help="the week to release (repeatable; default: every folder of source/)")
    parser.add_argument("--solutions-only", action="store_true", help="only regenerate solutions/")
    args = parser.parse_args(argv)
    chosen = args.assignment or weeks(args.root)
    if not chosen:
        raise SystemExit(f"no week to release: no folder of notebooks in {args.root / 'source'}")
    for assignment in chosen:
        if not args.solutions_only:
            generate_assignment(args.root, assignment)
        for path in export_solutions(args.root, assignment):
            print(f"wrote {path.relative_to(args.root)}")
        table = write_hidden_points(assignment)
        if table:
            print(f"wrote {table}")
        if not args.solutions_only:
            print(f"released {args.root / 'assignments' / assignment}")


if __name__ == "__main__":
    main()
