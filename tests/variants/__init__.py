"""Correct implementations written in other styles than the reference, one module per
notebook (``VARIANTS``); each must keep full marks.

Like a mutant (see :mod:`tests.mutants`), a variant is source code run after the reference
solution in the same namespace, replacing one definition the way a student's cell would.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    target: str       # the graded name it replaces
    style: str        # how it differs from the reference, in a few words
    code: str         # replacement definition(s)

    def __str__(self) -> str:
        return f"{self.target}: {self.style}"
