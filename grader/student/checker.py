"""The notebook side of the engine: ``check("perceptron:step", globals())`` in a test cell."""
from __future__ import annotations

from grader.student.engine import DEFAULT_TIMEOUT, run_specs
from grader.student.report import format_report
from grader.student.results import total


def parse_selector(selector: str) -> tuple[str, str | None]:
    """``"perceptron:step"`` -> ``("perceptron", "step")``; ``"perceptron"`` -> all its items."""
    spec, _, target = selector.partition(":")
    return spec, target or None


def report_title(spec: str, target: str | None, hidden: bool) -> str:
    """The last line's label of one check's report, e.g. ``step (public checks)``."""
    return f"{target or spec} ({'hidden' if hidden else 'public'} checks)"


def check(selector: str, namespace: dict, hidden: bool = False,
          timeout: float = DEFAULT_TIMEOUT) -> float:
    """Run the checks of one graded item against a notebook's namespace.

    Prints a report (what passed, what failed, expected and received values, a hint) and
    returns the points earned as a float, so that an nbgrader test cell ending in that
    value gets partial credit. ``hidden=True`` runs only the hidden checks (present on the
    instructor's side only), whose details are never printed. Nothing goes to stderr.
    """
    spec, target = parse_selector(selector)
    results = run_specs(spec, namespace, target=target, scope="hidden" if hidden else "public",
                        timeout=timeout)
    print(format_report(results, title=report_title(spec, target, hidden)))
    return total(results)[0]
