"""``make release``: regenerate ``assignments/`` (with nbgrader) and ``solutions/`` from ``source/``.

Usage: ``python -m grader.course.release [--root DIR] [--assignment week3]``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from grader.course.export import export

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "week3"


def nbgrader_env() -> dict:
    """The environment for nbgrader: this interpreter's bin first (nbgrader runs alembic)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def nbgrader(*args: str, root: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course folder ``root``."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=nbgrader_env(),
                          check=check, text=True, capture_output=True)


def generate_assignment(root: Path = ROOT, assignment: str = ASSIGNMENT) -> None:
    result = nbgrader("generate_assignment", assignment, "--force", root=root, check=False)
    if result.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{result.stdout}\n{result.stderr}")


def export_solutions(root: Path = ROOT, assignment: str = ASSIGNMENT) -> list[Path]:
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
    parser.add_argument("--assignment", default=ASSIGNMENT)
    parser.add_argument("--solutions-only", action="store_true", help="only regenerate solutions/")
    args = parser.parse_args(argv)
    if not args.solutions_only:
        generate_assignment(args.root, args.assignment)
    for path in export_solutions(args.root, args.assignment):
        print(f"wrote {path.relative_to(args.root)}")
    if not args.solutions_only:
        print(f"released {args.root / 'assignments' / args.assignment}")


if __name__ == "__main__":
    main()
