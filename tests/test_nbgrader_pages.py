"""The formulas of nbgrader's pages for this course: MathML written into the page, never raw TeX.

Every formula of every source notebook must convert (latex2mathml); one it could not read
would show as its TeX source in the feedback page and the formgrader.
"""
import re

import nbformat
import pytest

from grader.pages.nbgrader_pages import markdown_to_html, mathml
from tests.helpers import source_notebooks

MARKDOWN = [(path.name, index, cell.source) for path in source_notebooks()
            for index, cell in enumerate(nbformat.read(path, as_version=4).cells) if cell.cell_type == "markdown"]


def test_inline_and_display_formulas_become_mathml_and_text_stays_markdown():
    page = markdown_to_html("If $z > 0$ then **one**:\n\n$$\\frac{1}{1 + e^{-z}}$$\n\n`a $ in code`")
    assert page.count("<math") == 2 and 'display="block"' in page and "<strong>one</strong>" in page
    assert "<code>a $ in code</code>" in page and "$" not in page.replace("<code>a $ in code</code>", "")


def test_a_formula_it_cannot_read_shows_its_source_escaped():
    assert mathml("\\left( x < y") == "<code>\\left( x &lt; y</code>"


@pytest.mark.parametrize("notebook, index, source", MARKDOWN, ids=[f"{n}:{i}" for n, i, _ in MARKDOWN])
def test_every_formula_of_the_notebooks_is_mathml(notebook, index, source):
    page = re.sub(r"<(code|pre)\b.*?</\1>", "", markdown_to_html(source), flags=re.S)  # (code may hold a $)
    assert "$" not in page and not re.search(r"\\(frac|partial|text|sum|cdot)\b", page), page
