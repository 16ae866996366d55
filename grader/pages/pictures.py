"""The drawing primitives of the feedback pictures, and the pictures of one notebook's page.

:mod:`grader.grading.observe` runs a few of the student's functions on fixed inputs (in the
sandbox) and keeps what they returned as JSON; here the trusted grader draws it. What each
picture shows is its week's (``grader/weeks/<week>/instructor/``: one small function
``draw(obs) -> Picture`` per picture, listed in the week's ``PICTURES`` table); this module
holds what they share: checking the data (shape, finite numbers, size: :func:`numbers` with
``strict=True``), a figure with the course's fonts, the marks, and :func:`pictures`, which
skips what cannot be drawn, so a broken observation costs its picture and nothing else.
Student code never draws.

One visual language throughout: inputs whose expected answer is 0 are white circles, 1 are
black squares, and a red ring marks a point where the student's result disagrees.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from grader.core import words
from grader.grading.observe import Unusable, numbers, picture_rows
from grader.pages import figures

log = logging.getLogger(__name__)

MAX_GRID = 400                 # points per axis of a decision-region grid
MAX_POINTS = 5_000             # scattered samples
MAX_EPOCHS = 100_000
WRONG = "#cf222e"              # the red ring / red title: "this disagrees"
REGION = ("#eef1f4", "#9ecae1")  # output 0, output 1
Undrawable = Unusable          # the observation cannot be drawn (wrong shape, not numbers, nan, too large, empty)


@dataclass(frozen=True)
class Picture:
    caption: str      # plain text, one sentence that tells the student what to look for
    data_uri: str     # "data:image/png;base64,..."


# ---------------------------------------------------------------- checking the data

def axis_of(value) -> np.ndarray:
    axis = numbers(value, ndim=1, name="axis", strict=True)
    if not 2 <= len(axis) <= MAX_GRID or not np.all(np.diff(axis) > 0):
        raise Undrawable("axis must be 2 or more increasing numbers")
    return axis


def grid_of(value, axis: np.ndarray, name: str) -> np.ndarray:
    grid = numbers(value, ndim=2, name=name, strict=True)
    if grid.shape != (len(axis), len(axis)):
        raise Undrawable(f"{name} has shape {grid.shape}, expected {(len(axis), len(axis))}")
    return grid


def binary_points(obs) -> tuple[np.ndarray, np.ndarray]:
    """``obs["X"]`` (n x 2 points) and ``obs["y"]`` (their 0/1 labels), checked."""
    X = numbers(obs.get("X"), ndim=2, name="X", strict=True)
    if X.shape[1] != 2 or len(X) > MAX_POINTS:
        raise Undrawable("X must be n x 2")
    y = labels_of(obs.get("y"), len(X), "y")
    if not np.isin(y, (0, 1)).all():
        raise Undrawable("y must be 0/1")
    return X, y


def labels_of(value, count: int, name: str = "labels") -> np.ndarray:
    labels = numbers(value, ndim=1, name=name, strict=True)
    if len(labels) != count or not np.all(labels == np.round(labels)):
        raise Undrawable(f"{name} must be {count} integers")
    return labels.astype(int)


def mapping(obs) -> dict:
    if not isinstance(obs, dict) or "error" in obs:
        raise Undrawable("no data")
    return obs


def text_of(value, limit: int = 160) -> str:
    """A short single line of plain text from whatever came back (or "")."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def value_at(axis: np.ndarray, grid: np.ndarray, x1: float, x2: float) -> float | None:
    """The grid value at (x1, x2) (nearest cell), or None when the point lies outside the grid."""
    if not (axis[0] <= x1 <= axis[-1] and axis[0] <= x2 <= axis[-1]):
        return None
    return float(grid[int(np.argmin(np.abs(axis - x2))), int(np.argmin(np.abs(axis - x1)))])


def fmt(value: float) -> str:
    return f"{value:.3g}"


# ---------------------------------------------------------------- drawing helpers

def new_figure(width: float, height: float):
    """A matplotlib Figure (not kept by pyplot, so an error mid-drawing leaks nothing), with
    the course's rcParams (Korean font when installed)."""
    figures.pyplot()
    from matplotlib.figure import Figure
    return Figure(figsize=(min(max(width, 2.5), 7.0), min(max(height, 2.0), 7.0)), dpi=100, layout="constrained")


def finish(figure, caption: str) -> Picture:
    return Picture(caption=caption, data_uri=figures.to_data_uri(figure))


def expected_points(ax, points, expected, wrong, size: float = 80) -> None:
    """The inputs: white circles (expected 0), black squares (expected 1), red rings on the wrong ones."""
    points, expected = np.asarray(points, float).reshape(-1, 2), np.asarray(expected, int)
    for value, marker, face, edge in ((0, "o", "white", "black"), (1, "s", "black", "white")):
        chosen = expected == value
        if chosen.any():
            ax.scatter(points[chosen, 0], points[chosen, 1], s=size, marker=marker, c=face,
                       edgecolors=edge, linewidths=1.2, zorder=3)
    wrong = np.asarray(wrong, bool)
    if wrong.any():
        ax.scatter(points[wrong, 0], points[wrong, 1], s=size * 4.5, marker="o", facecolors="none",
                   edgecolors=WRONG, linewidths=2.2, zorder=4)


def legend_handles(ring: bool, extra=()):
    from matplotlib.lines import Line2D
    handles = list(extra) + [
        Line2D([], [], ls="", marker="o", mfc="white", mec="black", ms=8, label=figures.label(words.EXPECTED_0)),
        Line2D([], [], ls="", marker="s", mfc="black", mec="white", ms=8, label=figures.label(words.EXPECTED_1))]
    if ring:
        handles.append(Line2D([], [], ls="", marker="o", mfc="none", mec=WRONG, mew=2, ms=13,
                              label=figures.label(words.DISAGREES)))
    return handles


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# ---------------------------------------------------------------- the page's pictures

def pictures(spec: str, observations: dict) -> list[Picture]:
    """The pictures for notebook ``spec`` from its observations (missing or failed ones, and those
    not drawn, are skipped), in the order of its week's table.

    A picture is drawn once per distinct observation in a process (:func:`figures.drawn_once`):
    most of a class hands in functions that give the same values, and drawing is most of a page's cost."""
    if not isinstance(observations, dict):
        return []
    found = []
    for row in picture_rows(spec):
        value = observations.get(row.name)
        if row.draw is None or not isinstance(value, dict) or "error" in value:
            continue
        try:
            found.append(figures.drawn_once((spec, row.name, value), row.draw, value))
        except Exception as error:      # a picture is a courtesy: never let it break the page
            log.debug("no %s picture for %s: %s: %s", row.name, spec, type(error).__name__, error)
    return found
