"""``grader/weeks/<week>/hidden_points.json``: what each graded item's hidden checks are worth.

The hidden specs never ship, so the public ``check(...)`` and ``summary(...)`` read their points
from this small table, ``{"<spec>": {"<target>": points, ...}, ...}``, which
``python -m grader.course.release`` writes from the hidden specs (and a test keeps current).
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.core.course import HIDDEN_POINTS_FILE, SPECS_DIR, specs_of
from grader.core.engine import run_specs


def hidden_points_table(week: str, specs_dir: Path = SPECS_DIR) -> dict[str, dict[str, float]]:
    """Each spec of ``week`` that has hidden checks -> {target: their points}, in spec order."""
    table = {}
    for spec in specs_of(week, specs_dir):
        if not (specs_dir / week / f"{spec}_hidden.py").is_file():
            continue
        points: dict[str, float] = {}
        for test in run_specs(spec, {}, scope="hidden", collect_only=True):
            points[test.target] = points.get(test.target, 0.0) + test.max_points
        table[spec] = points
    return table


def hidden_points_json(week: str, specs_dir: Path = SPECS_DIR) -> str:
    """The file's text: sorted, one item a line, so that a change reads well in a diff."""
    return json.dumps(hidden_points_table(week, specs_dir), indent=2, ensure_ascii=False) + "\n"


def write_hidden_points(week: str, specs_dir: Path = SPECS_DIR) -> Path | None:
    """Write the week's table (None when the week has no specs here)."""
    folder = specs_dir / week
    if not folder.is_dir():
        return None
    path = folder / HIDDEN_POINTS_FILE
    path.write_text(hidden_points_json(week, specs_dir), encoding="utf-8")
    return path
