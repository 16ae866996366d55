"""The skeleton shared by every page: inline CSS, escaping, small building blocks."""
from __future__ import annotations

import html

STYLE = """
:root { --ok: #1a7f37; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "Nanum Gothic", "Apple SD Gothic Neo",
       "Malgun Gothic", sans-serif; margin: 0 auto; max-width: 980px; padding: 24px; color: #1f2328; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
.muted { color: var(--muted); }
.score { font-size: 2.2em; font-weight: 700; }
.bar { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; height: 14px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--ok); }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: var(--ok); font-weight: 600; }
.fail { color: var(--bad); font-weight: 600; }
.tag { display: inline-block; font-size: 0.8em; padding: 0 6px; border-radius: 10px; background: var(--soft);
       border: 1px solid var(--line); color: var(--muted); }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
      white-space: pre-wrap; word-break: break-word; margin: 4px 0; font-size: 0.9em; }
.hint { border-left: 4px solid #d4a72c; background: #fff8c5; padding: 4px 10px; margin: 4px 0; }
.note { border-left: 4px solid var(--bad); background: #ffebe9; padding: 4px 10px; margin: 4px 0; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 0.9em; }
"""


def escape(value) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str, lang: str = "ko") -> str:
    """A complete HTML document: ``title`` (text) and ``body`` (HTML)."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), css_class: str = "") -> str:
    """An HTML table; ``header`` is text, ``rows`` are HTML cells; columns in ``numeric`` align right."""
    def cell(tag: str, index: int, content: str) -> str:
        return f'<{tag} class="num">{content}</{tag}>' if index in numeric else f"<{tag}>{content}</{tag}>"
    head = "".join(cell("th", i, escape(h)) for i, h in enumerate(header))
    body = "\n".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    klass = f' class="{css_class}"' if css_class else ""
    return f"<table{klass}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def figure(data_uri: str, caption: str, alt: str = "") -> str:
    """A picture (a ``data:image/png;base64,...`` URI) with its caption (text)."""
    return (f'<figure><img src="{data_uri}" alt="{escape(alt or caption)}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def progress_bar(fraction: float) -> str:
    width = max(0.0, min(1.0, fraction)) * 100
    return f'<div class="bar"><span style="width: {width:.1f}%"></span></div>'
