"""Matplotlib, set up once for pages: a Korean font when one is installed, PNG data URIs.

Pictures are drawn in the trusted process from plain arrays (never by student code).
Korean labels are used only when a font that has Hangul is installed (Noto CJK, Nanum,
...); otherwise :func:`label` falls back to the English term, so no box glyphs appear.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import warnings
from collections import OrderedDict

from grader.core import words

KOREAN_FONTS = ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "NanumBarunGothic", "Malgun Gothic",
                "Apple SD Gothic Neo", "UnDotum", "Baekmuk Gulim")


@functools.lru_cache(maxsize=None)
def pyplot():
    """matplotlib.pyplot on the Agg backend, with a Korean font if one is installed."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    font = korean_font()
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.spines.top": False,
                         "axes.spines.right": False, "axes.unicode_minus": False,
                         "font.size": 10})
    if font:
        plt.rcParams["font.family"] = [font, "DejaVu Sans"]
    return plt


@functools.lru_cache(maxsize=None)
def korean_font() -> str | None:
    """The name of an installed font with Hangul, or None."""
    from matplotlib import font_manager
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    found = next((name for name in KOREAN_FONTS if name in installed), None)
    if found is None:   # matplotlib's font cache may predate the font: look on disk once
        for path in font_manager.findSystemFonts():
            if any(key in path for key in ("Nanum", "NotoSansCJK", "NotoSansKR", "UnDotum")):
                try:
                    font_manager.fontManager.addfont(path)
                except Exception:
                    continue
        installed = {entry.name for entry in font_manager.fontManager.ttflist}
        found = next((name for name in KOREAN_FONTS if name in installed), None)
    return found


def label(term: words.Term, **fields) -> str:
    """:func:`grader.core.words.label`: Korean with the English where a Korean font is installed,
    else only the English (``fields`` fill the term's format fields)."""
    return words.label(term, korean=bool(korean_font()), **fields)


def to_data_uri(figure) -> str:
    """Render a matplotlib figure as a PNG ``data:`` URI and close it."""
    plt = pyplot()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # e.g. a missing glyph: the picture is still useful
        # a figure with a layout engine already fits its canvas: "tight" would only draw it twice
        figure.savefig(buffer, format="png", bbox_inches=None if figure.get_layout_engine() else "tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


DRAWN: "OrderedDict[str, object]" = OrderedDict()    # the last DRAWN_KEPT pictures, by what they show
DRAWN_KEPT = 64


def drawn_once(shows, draw, value):
    """``draw(value)``, or the picture the same function drew before, in this process, for the same
    ``shows`` (JSON-able: what the picture depends on) and font; the last :data:`DRAWN_KEPT` are kept."""
    drawer = f"{getattr(draw, '__module__', '')}.{getattr(draw, '__qualname__', repr(draw))}"
    try:
        key = hashlib.sha256(json.dumps([drawer, korean_font(), shows], sort_keys=True).encode()).hexdigest()
    except (TypeError, ValueError):
        return draw(value)
    if key in DRAWN:
        DRAWN.move_to_end(key)
        return DRAWN[key]
    picture = DRAWN[key] = draw(value)
    while len(DRAWN) > DRAWN_KEPT:
        DRAWN.popitem(last=False)
    return picture
