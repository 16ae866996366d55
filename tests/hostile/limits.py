"""Hostile kinds (limits that cover the trusted side's work: reply decoding, Keras model loading and evaluation, tmpfs, the whole clock)."""
from __future__ import annotations

from tests.hostile import Kind


def kinds() -> list[Kind]:
    return []
