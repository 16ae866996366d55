"""Hostile kinds (one-way files: links, FIFOs and rewritten inputs in folders the trusted process shares with the child)."""
from __future__ import annotations

from tests.hostile import Kind


def kinds() -> list[Kind]:
    return []
