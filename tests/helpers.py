"""Shared helpers for the package's own tests."""
from __future__ import annotations

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "week3"
RELEASE = ROOT / "assignments" / "week3"
SOLUTIONS = ROOT / "solutions" / "week3"


def source_notebooks() -> list[Path]:
    return sorted(SOURCE.glob("*.ipynb"))


def namespace_with(spec: str, *overrides: str) -> dict:
    """A fresh namespace holding the reference solution of ``spec``, then ``overrides`` run in it.

    Functions defined this way look up globals in this namespace, as notebook code does.
    """
    namespace = {"__name__": f"submission_{spec}"}
    exec(compile((SOLUTIONS / f"{spec}.py").read_text(encoding="utf-8"), f"<solution {spec}>", "exec"), namespace)
    for code in overrides:
        exec(compile(textwrap.dedent(code), "<override>", "exec"), namespace)
    return namespace
