"""One row of a table of checks: ``pytest.param`` with its own graded item, title, points and hint.

A family of near-identical checks is one parametrized test over such rows; each row stays a
graded check of its own, as a class per case was (see ``grader.core.plugin`` for the markers).
"""
import pytest


def case(*values, graded: str, title: str, hint: str, points: float = 1, id: str | None = None):
    """The row ``values`` of a parametrized test, graded as ``graded`` under its own ``title``
    (what a docstring would say), ``points`` and ``hint``; its test id is ``id`` (else ``graded``)."""
    marks = [pytest.mark.graded(graded), pytest.mark.points(points), pytest.mark.hint(hint), pytest.mark.title(title)]
    return pytest.param(*values, id=id or graded, marks=marks)
