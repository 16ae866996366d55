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
