"""nbgrader's feedback page for this course: readable offline, cells named, nothing cut off.

``nbgrader generate_feedback`` renders each autograded notebook with an nbconvert
``HTMLExporter`` and nbgrader's ``feedback`` template. This course's ``nbgrader_config.py``
names :class:`FeedbackExporter` instead, which differs in three ways:

- formulas are MathML, written into the page (``latex2mathml``), which browsers draw without
  a script: nbgrader's page loads MathJax from a CDN, which an offline classroom cannot reach,
  and a page with MathJax inside would weigh a megabyte more;
- its template (``templates/course_feedback``, over nbgrader's) names each test cell in the
  contents list by its graded item, wraps long lines, and loads nothing from the network;
- the test cells' reports are the rich HTML the executor wrote (as the kernel shows them).

:class:`FeedbackClearHiddenTests` is nbgrader's ``ClearHiddenTests`` for the feedback pipeline:
the same step, with the ``display_data_priority`` option that the HTML exporter gives every
step (nbgrader's class warns that it does not know it).
"""
from __future__ import annotations

from html import escape
from pathlib import Path

import nbgrader
from jinja2 import pass_context
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List

TEMPLATES = Path(__file__).with_name("templates")
FORMGRADER = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
NBGRADER_TEMPLATES = FORMGRADER / "templates"
BOOTSTRAP_CSS = FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css"


def configure(c) -> None:
    """Make ``nbgrader generate_feedback`` use this course's page (called by ``nbgrader_config.py``).

    ``GenerateFeedback`` sets ``HTMLExporter``'s template and folders unless they are configured;
    the ``FeedbackExporter`` section overrides them for this exporter only (the formgrader's own
    exporter keeps nbgrader's ``formgrade`` template).
    """
    c.GenerateFeedback.exporter_class = f"{__name__}.FeedbackExporter"
    c.FeedbackExporter.template_name = "course_feedback"
    c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
    c.FeedbackExporter.extra_template_paths = [str(BOOTSTRAP_CSS), str(NBGRADER_TEMPLATES)]
    c.GenerateFeedback.preprocessors = ["nbgrader.preprocessors.GetGrades", f"{__name__}.FeedbackClearHiddenTests",
                                        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]


def mathml(tex: str, display: str = "inline") -> str:
    """``tex`` as MathML; a formula latex2mathml cannot read stays as its (escaped) TeX."""
    try:
        return convert(tex.strip(), display=display).replace("\\_", "_")
    except Exception:       # noqa: BLE001 (any failure of a third-party parser: show the source)
        return f"<code>{escape(tex)}</code>"


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with ``$...$`` and ``$$...$$`` written as MathML."""

    def inline_math(self, body: str) -> str:
        return mathml(body)

    def block_math(self, body: str) -> str:
        return mathml(body, display="block")

    def multiline_math(self, text: str) -> str:
        return mathml(text.strip().strip("$"), display="block")

    def latex_environment(self, name: str, body: str) -> str:
        return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display="block")


def markdown_to_html(source: str, attachments: dict | None = None) -> str:
    """Markdown as nbconvert renders it, formulas as MathML."""
    return MarkdownWithMath(renderer=MathMLRenderer(escape=False, attachments=attachments or {})).render(source)


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter with this course's template and MathML formulas (see the module)."""

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources["mathjax_url"] = ""
        return resources

    @pass_context                           # as nbconvert's own: it reads the cell's attachments
    def markdown2html(self, context, source):
        return markdown_to_html(source, context.get("cell", {}).get("attachments", {}))



class FeedbackClearHiddenTests(ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests``, quiet about the exporter's ``display_data_priority``."""

    display_data_priority = List(["text/html", "text/plain"]).tag(config=True)
