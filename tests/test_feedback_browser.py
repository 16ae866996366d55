"""nbgrader's feedback page for this course, in headless Chromium, in a 1,024 px wide window.

A small course (this repository's ``nbgrader_config.py``, the perceptron notebook) is autograded
by nbgrader for a student whose ``step`` uses ``>=`` where the notebook says ``>`` and who left
the second half undone; ``nbgrader generate_feedback`` writes the page. It must read as the test
cells do: nothing wider than the window (no element that scrolls sideways), the coloured ✔ and
✘, formulas drawn (MathML, with no request to any server), and a contents list that names each
test cell by its graded item. Skipped without Chromium unless ``GRADER_REQUIRE_BROWSER=1``.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from grader.course.classroom import filled
from grader.course.demo import ASSIGNMENT, make_course
from grader.course.release import nbgrader
from grader.student.report_html import GREEN, RED
from tests.helpers import ROOT

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.slow]
NOTEBOOK = "01_perceptron"
STUDENT = "stepwrong"
TEST_CELLS = ["step", "perceptron", "and_gate", "or_gate", "nand_gate", "xor_gate", "train_perceptron"]
WINDOW = {"width": 1024, "height": 800}
SCREENSHOTS = ROOT / "tests-output" / "browser"

# What a reader of the page gets: the page's width, every element that scrolls sideways or sticks
# out of the window, the colours of the marks, the formulas and their size, the contents list.
MEASURE = """() => {
  const out = {window: window.innerWidth, page: document.documentElement.scrollWidth, wide: []};
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const scrolls = el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll", "hidden"].includes(style.overflowX)
                    && el.clientWidth > 0;
    if ((box.right > window.innerWidth + 1 && box.width > 0) || scrolls)
      out.wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.scrollWidth)}px in ${Math.round(el.clientWidth)}px`);
  }
  const marks = [...document.querySelectorAll("span")].filter(s => ["✔", "✘"].includes(s.textContent.trim()));
  out.marks = marks.map(s => [s.textContent.trim(), getComputedStyle(s).color]);
  out.formulas = [...document.querySelectorAll("math")].map(m => {
    const box = m.getBoundingClientRect(); return [Math.round(box.width), Math.round(box.height)]; });
  out.rawTex = (document.body.innerText.match(/\\$\\$|\\\\frac|\\\\partial/g) || []).length;
  out.contents = [...document.querySelectorAll("#toc li")].map(li => li.innerText.trim());
  out.scripts = [...document.querySelectorAll("script[src]")].map(s => s.src);
  return out;
}"""


def rgb(colour: str) -> str:
    """``#2ea043`` as the browser reports it: ``rgb(46, 160, 67)``."""
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def assert_reads_well(shown: dict) -> None:
    """What :func:`measure` saw: nothing wider than the window, ✔ green and ✘ red, formulas drawn."""
    assert shown["page"] <= shown["window"], shown
    assert not shown["wide"], "sticks out of a 1,024 px window or scrolls sideways:\n" + "\n".join(shown["wide"])
    colours = dict(shown["marks"]) if shown["marks"] else {}
    assert colours.get("✔") == rgb(GREEN) and colours.get("✘") == rgb(RED), shown["marks"]
    assert shown["formulas"] and all(w > 0 and h > 0 for w, h in shown["formulas"]), shown["formulas"]


def measure(page) -> dict:
    return page.evaluate(MEASURE)


def step_uses_ge(grade_id: str, code: str) -> str:
    return code.replace("> 0", ">= 0") if grade_id == "step" else code


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory):
    """The feedback page of one autograded notebook: ``step`` wrong, the second half undone."""
    course = tmp_path_factory.mktemp("feedback") / "course"
    make_course(course, notebooks=[NOTEBOOK[:2]])
    nbgrader("generate_assignment", ASSIGNMENT, "--force", root=course)
    release = nbformat.read(course / "assignments" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    solutions = sum(1 for c in source.cells if c.metadata.get("nbgrader", {}).get("solution"))
    submitted = course / "submitted" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    submitted.parent.mkdir(parents=True)
    nbformat.write(filled(release, source, keep=solutions // 2, edit=step_uses_ge), submitted)
    nbgrader("autograde", ASSIGNMENT, "--create", "--force", "--SandboxedExecute.cell_timeout=30", root=course)
    nbgrader("generate_feedback", ASSIGNMENT, "--force", root=course)
    return course / "feedback" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.html"


def test_the_feedback_page_fits_the_window_with_coloured_marks_formulas_and_named_cells(browser, feedback_page):
    with browser.visit("http://127.0.0.1:9", viewport=WINDOW) as visit:     # (a file page: no server)
        visit.page.goto(feedback_page.as_uri())
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / "nbgrader-feedback.png"), full_page=True)
        shown = measure(visit.page)
        assert not visit.problems, "\n".join(visit.problems)      # e.g. MathJax from a CDN: refused
    assert_reads_well(shown)
    assert shown["rawTex"] == 0 and not shown["scripts"], shown
    named = [re.fullmatch(r"(\w+) 검사 \(test cell\): [\d.]+ / [\d.]+", line) for line in shown["contents"]]
    assert [m.group(1) for m in named if m] == TEST_CELLS, shown["contents"]
