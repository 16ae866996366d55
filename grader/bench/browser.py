"""Headless Chromium for the pages: open a self-contained HTML file, report what a reader gets.

Used by the browser tests (``tests/test_browser.py``) and ``python -m grader.bench.screenshots``.
It drives the system Chromium (Debian's ``chromium``; ``GRADER_CHROMIUM`` names another)
through Playwright, which is only a test dependency (``pip install -e '.[test]'``) and
downloads no browser. One launch serves many pages::

    with chromium() as browser:
        page = browser.render(Path("feedback.html"), Path("feedback.png"))
        assert not page.problems

Pages must be self-contained, so every request that is not ``file:``, ``data:`` or
``blob:`` is refused and reported: a page that needs the network fails its test instead
of looking fine on a connected laptop. The one exception is explicit: :meth:`Browser.visit`
also allows a server on this machine that the caller started and names by its origin
(``http://127.0.0.1:PORT``), e.g. a Jupyter server for the formgrader test.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NamedTuple

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
# Headless, and nothing that talks to Google's services: with no network those attempts are
# refused and only slow the start. The sandbox is off because Chromium's sandbox cannot start
# as root or in most containers; the pages opened are our own files.
ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--mute-audio")
LOCAL = ("file:", "data:", "blob:", "about:")
LOOPBACK_ORIGIN = re.compile(r"http://(127\.0\.0\.1|localhost):[0-9]{1,5}")
VIEWPORT = {"width": 1100, "height": 800}
TIMEOUT_MS = 30_000
HANGUL = "[\\u1100-\\u11FF\\u3130-\\u318F\\uAC00-\\uD7A3]"
# Parts of the names of fonts that have Hangul (Debian's fonts-nanum and fonts-noto-cjk, Windows, macOS).
KOREAN_FONT_HINTS = ("Nanum", "CJK", "Noto Sans KR", "Noto Serif KR", "Malgun", "Apple SD Gothic", "AppleGothic",
                     "UnDotum", "UnBatang", "Baekmuk", "Gulim", "Dotum", "Batang")


class BrowserError(RuntimeError):
    """Chromium or Playwright is missing, or Chromium would not start."""


class Image(NamedTuple):
    alt: str
    width: int          # naturalWidth: 0 when the picture did not decode
    height: int
    complete: bool


class Table(NamedTuple):
    headers: list[str]
    rows: int           # body rows (header row excluded)


@dataclass
class Rendered:
    """What Chromium made of one page."""

    url: str
    screenshot: Path                                    # PNG of the page
    text: str                                           # document.body.innerText
    title: str
    tables: list[Table]
    images: list[Image]
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)   # uncaught JavaScript exceptions
    failed_requests: list[str] = field(default_factory=list)  # refused (not local) or failed
    hangul_fonts: set[str] = field(default_factory=set)     # fonts Chromium drew Hangul with

    @property
    def korean_fonts(self) -> set[str]:
        """The fonts with Hangul among :attr:`hangul_fonts`: empty means boxes instead of Korean."""
        return {f for f in self.hangul_fonts if any(hint.lower() in f.lower() for hint in KOREAN_FONT_HINTS)}

    @property
    def problems(self) -> list[str]:
        """Every console error, page error and failed request, one line each."""
        return _problem_lines(self.console_errors, self.page_errors, self.failed_requests)


def chromium_path() -> str | None:
    """The Chromium to use: ``$GRADER_CHROMIUM``, else the first of :data:`CANDIDATES` found."""
    named = os.environ.get("GRADER_CHROMIUM")
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    for candidate in CANDIDATES:
        found = shutil.which(candidate) if "/" not in candidate else (
            candidate if os.access(candidate, os.X_OK) else None)
        if found:
            return found
    return None


_PAGE_FACTS = """() => ({
    text: document.body ? document.body.innerText : "",
    title: document.title,
    images: [...document.images].map(i => [i.alt, i.naturalWidth, i.naturalHeight, i.complete]),
    tables: [...document.querySelectorAll("table")].map(t => {
        const head = t.tHead ? t.tHead.rows[0] : t.rows[0];
        const headers = head ? [...head.cells].map(c => c.innerText.trim()) : [];
        const body = [...t.tBodies].reduce((n, b) => n + b.rows.length, 0);
        return [headers, t.tHead ? body : Math.max(0, t.rows.length - (head ? 1 : 0))];
    }),
})"""

# Mark the elements whose own text has Hangul, so the DevTools protocol can find them.
_MARK_HANGUL = """(limit) => {
    const hangul = new RegExp("%s");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const marked = new Set();
    while (walker.nextNode() && marked.size < limit) {
        const parent = walker.currentNode.parentElement;
        if (parent && hangul.test(walker.currentNode.data)) { parent.setAttribute("data-hangul", ""); marked.add(parent); }
    }
    return marked.size;
}""" % HANGUL


class Browser:
    """A running headless Chromium (see :func:`chromium`)."""

    def __init__(self, browser):
        self._browser = browser

    @property
    def version(self) -> str:
        return self._browser.version

    def render(self, html_path: Path, screenshot: Path, scale: float = 1.0, full_page: bool = True) -> Rendered:
        """Open ``html_path``, wait for it to load (fonts too), take a PNG of it to ``screenshot``.

        ``full_page=False`` keeps only the first screen (:data:`VIEWPORT`); ``scale`` is the
        device pixel ratio (2 for sharp pictures on high-density screens).
        """
        html_path, screenshot = Path(html_path).resolve(), Path(screenshot)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        context = self._new_context(VIEWPORT, scale)
        try:
            page = context.new_page()
            console, errors, failed = _watch(context, page, allowed=LOCAL)
            page.goto(html_path.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            page.screenshot(path=str(screenshot), full_page=full_page)
            facts = page.evaluate(_PAGE_FACTS)
            rendered = Rendered(url=page.url, screenshot=screenshot, text=facts["text"], title=facts["title"],
                                tables=[Table(list(h), int(n)) for h, n in facts["tables"]],
                                images=[Image(str(a), int(w), int(h), bool(c)) for a, w, h, c in facts["images"]],
                                console_errors=list(console), page_errors=list(errors), failed_requests=list(failed))
            # Last, on copies of the lists: the DevTools CSS domain re-reads the page's inline
            # style from its file: URL, which Chromium refuses with a console error of its own.
            rendered.hangul_fonts = _hangul_fonts(context, page)
            return rendered
        finally:
            context.close()

    @contextlib.contextmanager
    def visit(self, origin: str, viewport: dict | None = None, scale: float = 1.0) -> Iterator[Visit]:
        """A fresh page that may load from ``origin`` too: a server on this machine the caller
        started (``http://127.0.0.1:PORT`` or ``http://localhost:PORT``, nothing else).

        Every other request is refused and reported in :attr:`Visit.problems`, as for :meth:`render`.
        """
        if not LOOPBACK_ORIGIN.fullmatch(origin):
            raise ValueError(f"only a server on this machine may be visited (http://127.0.0.1:PORT), not {origin!r}")
        context = self._new_context(viewport or VIEWPORT, scale)
        try:
            page = context.new_page()
            console, errors, failed = _watch(context, page, allowed=(*LOCAL, origin + "/"))
            yield Visit(page, console, errors, failed)
        finally:
            context.close()

    def _new_context(self, viewport: dict, scale: float):
        return self._browser.new_context(viewport=viewport, device_scale_factor=scale, locale="ko-KR",
                                         service_workers="block")


@dataclass
class Visit:
    """A Playwright page (:attr:`page`) on a local server, and what went wrong so far."""

    page: object
    console_errors: list[str]
    page_errors: list[str]
    failed_requests: list[str]

    @property
    def problems(self) -> list[str]:
        """Every console error, page error and failed request so far, one line each."""
        return _problem_lines(self.console_errors, self.page_errors, self.failed_requests)


def _problem_lines(console: list[str], errors: list[str], failed: list[str]) -> list[str]:
    return [f"console: {m}" for m in console] + [f"page error: {m}" for m in errors] + [f"request: {m}" for m in failed]


def _watch(context, page, allowed: tuple[str, ...]) -> tuple[list[str], list[str], list[str]]:
    """Collect ``page``'s console errors, uncaught errors and failed requests (three lists, filled
    as they happen); refuse every request of ``context`` whose URL does not start with ``allowed``."""
    page.set_default_timeout(TIMEOUT_MS)
    console, errors, failed = [], [], []
    refused: set[str] = set()
    page.on("console", lambda m: console.append(_console_line(m)) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: None if r.url in refused else failed.append(f"{_short(r.url)} ({r.failure})"))

    def refuse(route):
        refused.add(route.request.url)
        failed.append(f"{_short(route.request.url)} (not local: pages must be self-contained)")
        route.abort("blockedbyclient")

    context.route(lambda url: not url.startswith(allowed), refuse)
    return console, errors, failed


def _hangul_fonts(context, page, limit: int = 40) -> set[str]:
    """The platform fonts Chromium used for the text of (up to ``limit``) Hangul elements."""
    if not page.evaluate(_MARK_HANGUL, limit):
        return set()
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        fonts = set()
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-hangul]"})["nodeIds"]:
            for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                fonts.add(font["familyName"])
        return fonts
    finally:
        cdp.detach()


def _console_line(message) -> str:
    where = message.location or {}
    url = where.get("url") or ""
    return f"{message.text} ({_short(url)}:{where.get('lineNumber', 0)})" if url else message.text


def _short(url: str, keep: int = 120) -> str:
    return url if len(url) <= keep else url[:keep] + "..."


@contextlib.contextmanager
def chromium(executable: str | None = None) -> Iterator[Browser]:
    """Launch headless Chromium once (a fresh, empty profile) and close it afterwards."""
    executable = executable or chromium_path()
    if executable is None:
        raise BrowserError("Chromium not found: install it (Debian: apt-get install chromium) "
                           "or set GRADER_CHROMIUM to its path")
    try:
        from playwright.sync_api import Error as PlaywrightError, sync_playwright
    except ImportError as error:
        raise BrowserError("Playwright is not installed: pip install -e '.[test]' (or pip install playwright)") \
            from error
    with tempfile.TemporaryDirectory(prefix="grader-chromium-") as scratch, sync_playwright() as playwright:
        try:
            # launch() gives Chromium a new empty --user-data-dir of its own; TMPDIR keeps
            # everything else it writes in a folder removed afterwards.
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(ARGS),
                                                 env={**os.environ, "TMPDIR": scratch}, timeout=TIMEOUT_MS)
        except PlaywrightError as error:
            raise BrowserError(f"{executable} would not start: {str(error).splitlines()[0]}") from error
        try:
            yield Browser(browser)
        finally:
            browser.close()
