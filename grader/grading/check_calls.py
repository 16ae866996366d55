"""What a test cell checks: its ``check("spec:target", globals(), hidden=...)`` calls, read with
:mod:`ast` from the instructor's source (nbgrader's executor grades by them; the gradebook
writes each test cell's score from the graded item it names)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

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
        raise NotATestCell(f"테스트 셀 (test cell)이 올바른 파이썬 코드가 아닙니다 (not valid Python: {error.msg})") from None
    checks = []
    for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "check"):
            continue
        if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            raise NotATestCell("check(...) 호출이 검사 이름을 문자열 리터럴 (string literal)로 주지 않습니다")
        hidden = next((k.value for k in node.keywords if k.arg == "hidden"), ast.Constant(False))
        if not (isinstance(hidden, ast.Constant) and isinstance(hidden.value, bool)):
            raise NotATestCell("check(...) 호출의 hidden= 이 True 나 False 가 아닙니다")
        spec, target = parse_selector(node.args[0].value)
        checks.append(Check(spec, target, hidden.value))
    if not checks:
        raise NotATestCell("테스트 셀 (test cell)이 check(...) 를 호출하지 않습니다")
    return checks


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
