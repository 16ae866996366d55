"""Hostile kinds (collection and bookkeeping: student ids, names that clash with the batch's files, damaged archives)."""
from __future__ import annotations

from tests.hostile import Kind


def kinds() -> list[Kind]:
    return []
