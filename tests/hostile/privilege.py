"""Hostile kinds (what the sandbox can see and do: secrets reachable by install mode, capabilities, remounts, startup files)."""
from __future__ import annotations

from tests.hostile import Kind


def kinds() -> list[Kind]:
    return []
