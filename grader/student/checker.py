"""The notebook side of the engine: ``check("perceptron:step", globals())`` in a test cell."""
from __future__ import annotations

from grader.core.course import hidden_points
from grader.student.display import show
from grader.core.engine import DEFAULT_TIMEOUT, run_specs
from grader.student.report import HIDDEN_CHECKS, PUBLIC_CHECKS, format_report
from grader.student.report_html import report_html
from grader.core.results import total
from grader.student.summary import record_run


def parse_selector(selector: str) -> tuple[str, str | None]:
    """``"perceptron:step"`` -> ``("perceptron", "step")``; ``"perceptron"`` -> all its items."""
    spec, _, target = selector.partition(":")
    return spec, target or None


def report_title(spec: str, target: str | None, hidden: bool) -> str:
    """The last line's label of one check's report, e.g. ``step`` and the public checks' label."""
    return f"{target or spec} {HIDDEN_CHECKS if hidden else PUBLIC_CHECKS}"


def hidden_points_of(spec: str, target: str | None) -> float:
    """What the hidden checks of one item (or, without ``target``, of the notebook) are worth;
    0 when the table does not know it."""
    table = hidden_points(spec)
    return sum(table.values()) if target is None else table.get(target, 0.0)


def check(selector: str, namespace: dict, hidden: bool = False,
          timeout: float = DEFAULT_TIMEOUT) -> float:
    """Run the checks of one graded item against a notebook's namespace.

    Shows a report (what passed, what failed, expected and received values, a hint, and what
    the hidden checks are worth): rich output in a Jupyter kernel, text elsewhere. Returns the
    points earned as a float, so that an nbgrader test cell ending in that value gets partial
    credit. ``hidden=True`` runs only the hidden checks (present on the instructor's side only),
    whose details are never shown. Nothing goes to stderr.
    """
    spec, target = parse_selector(selector)
    results = run_specs(spec, namespace, target=target, scope="hidden" if hidden else "public",
                        timeout=timeout)
    title = report_title(spec, target, hidden)
    still_hidden = 0.0 if hidden else hidden_points_of(spec, target)
    show(format_report(results, title=title, hidden_points=still_hidden),
         report_html(results, title=title, hidden_points=still_hidden))
    if not hidden:
        record_run(spec, results)
    return total(results)[0]
