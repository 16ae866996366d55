"""What a test cell checks: its ``check("spec:target", globals(), hidden=...)`` calls, read with
:mod:`ast` from the instructor's source (nbgrader's executor grades by them; the gradebook
writes each test cell's score from the graded item it names)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from grader.core import words
from grader.core.results import TestResult
from grader.student.checker import parse_selector


@dataclass(frozen=True)
class Check:
    """One ``check("spec:target", globals(), hidden=...)`` call of a test cell."""

    spec: str
    target: str | None
    hidden: bool

    def results(self, graded: list[TestResult]) -> list[TestResult]:
        return [r for r in graded if r.hidden == self.hidden and (self.target is None or r.target == self.target)]


class NotATestCell(ValueError):
    """A test cell's source is not a list of ``check(...)`` calls this grader understands."""


def checks_of(source: str) -> list[Check]:
    """The checks a test cell runs: each ``check("spec:target", globals(), hidden=True)`` call.

    The selector must be a string literal and ``hidden`` a literal True/False, else
    :class:`NotATestCell`.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise NotATestCell(words.TEST_CELL_NOT_PYTHON.format(error=error.msg)) from None
    checks = []
    for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "check"):
            continue
        if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            raise NotATestCell(words.CHECK_NAME_NOT_LITERAL)
        hidden = next((k.value for k in node.keywords if k.arg == "hidden"), ast.Constant(False))
        if not (isinstance(hidden, ast.Constant) and isinstance(hidden.value, bool)):
            raise NotATestCell(words.CHECK_HIDDEN_NOT_BOOL)
        spec, target = parse_selector(node.args[0].value)
        checks.append(Check(spec, target, hidden.value))
    if not checks:
        raise NotATestCell(words.TEST_CELL_WITHOUT_CHECK)
    return checks


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
