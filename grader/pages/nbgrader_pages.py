"""nbgrader's pages for this course, the feedback page and the formgrader's: offline, nothing cut off.

``nbgrader generate_feedback`` renders each autograded notebook with an nbconvert
``HTMLExporter`` and nbgrader's ``feedback`` template; the formgrader renders a submission for
manual grading with its own ``HTMLExporter`` and ``formgrade`` template. :func:`configure`
(called by ``nbgrader_config.py``) changes both:

- formulas are MathML, written into the page (``latex2mathml``), which browsers draw without a
  script: nbgrader's pages load MathJax from a CDN, which an offline classroom cannot reach, and
  a page with MathJax inside would weigh a megabyte more (``templates/base/mathjax.html.j2``
  loads nothing);
- long lines of code and output wrap, and the test cells' reports are the rich HTML the executor
  wrote, as the kernel shows them;
- the feedback page (:class:`FeedbackExporter`, ``templates/course_feedback``) names each test cell
  in its contents list by its graded item;
- the formgrader's config panel (debug mode) can show the configuration as JSON.

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
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List

from grader.core import words

TEMPLATES = Path(__file__).with_name("templates")
FORMGRADER = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
NBGRADER_TEMPLATES = FORMGRADER / "templates"
BOOTSTRAP_CSS = FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css"


def configure(c) -> None:
    """This course's pages for ``generate_feedback`` and the formgrader (see the module).

    ``GenerateFeedback`` sets ``HTMLExporter``'s template and folders unless they are configured;
    the ``FeedbackExporter`` section overrides them for the feedback page only (the formgrader's
    exporter keeps nbgrader's ``formgrade`` template, found after this course's ``base``).
    """
    c.HTMLExporter.filters = {"markdown2html": f"{__name__}.markdown_filter"}
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
    # The formgrader shows its config, the Jupyter server's merged with this file's, as JSON; the
    # server keeps the extensions it found in a lazy value that is not JSON ("Formgrader config is
    # not serializable"). The same list, read the same way, as a plain dict (shown, not used).
    c.ServerApp.jpserver_extensions = dict(
        ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions())
    c.GenerateFeedback.exporter_class = f"{__name__}.FeedbackExporter"
    c.FeedbackExporter.template_name = "course_feedback"
    c.FeedbackExporter.filters = {"markdown2html": f"{__name__}.markdown_filter", "words": f"{__name__}.words_filter"}
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


@pass_context
def markdown_filter(context, source: str) -> str:
    """:func:`markdown_to_html` as a Jinja filter for any ``HTMLExporter`` (the formgrader's too)."""
    return markdown_to_html(source, context.get("cell", {}).get("attachments", {}))


def words_filter(entry: str) -> str:
    """A label of the language table, by its name, as HTML: ``{{ "FEEDBACK_TASK" | words }}``."""
    return words.label_html(getattr(words, entry))


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter, a class of its own so that ``FeedbackExporter.template_name``
    (this course's ``course_feedback``) is the feedback page's only."""


class FeedbackClearHiddenTests(ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests``, quiet about the exporter's ``display_data_priority``."""

    display_data_priority = List(["text/html", "text/plain"]).tag(config=True)
