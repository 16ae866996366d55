"""Plausible wrong implementations, one module per notebook (``MUTANTS``), that the specs must reject.

Each mutant is source code run after the reference solution in the same namespace, so it
replaces one definition the way a student's cell would.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    target: str       # the graded item it breaks
    mistake: str      # what the student got wrong, in a few words
    code: str         # replacement definition(s)

    def __str__(self) -> str:
        return f"{self.target}: {self.mistake}"


def edited(spec: str, name: str, *replacements: tuple[str, str]) -> str:
    """The reference definition of ``name`` (from ``solutions/week3/<spec>.py``) with each
    ``(old, new)`` replacement applied once; each ``old`` must occur, so a mutant cannot
    silently stop differing from the reference when the solution changes."""
    import ast
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "solutions" / "week3" / f"{spec}.py"
    source = path.read_text(encoding="utf-8")
    node = next(n for n in ast.parse(source).body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)
    code = ast.get_source_segment(source, node)
    for old, new in replacements:
        if old not in code:
            raise ValueError(f"{spec}.{name} has no {old!r} to replace")
        code = code.replace(old, new, 1)
    return code
