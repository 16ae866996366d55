"""Mechanical mutants of a reference solution's functions: one small change each.

:func:`mutants_of` parses ``solutions/week3/<spec>.py`` and, for one top-level function or
class, yields every :class:`Mutation` the operators below make: arithmetic and comparison
operators, boolean operators, negation, constants (numbers and booleans, default arguments
included), ``axis=`` arguments, NumPy reductions (``max`` / ``min``, ``sum`` / ``mean``,
``argmax`` / ``argmin``) and deleted statements. Each mutation's ``code`` is the whole
definition, changed once, ready to run after the reference in a submission's namespace (as
a student's cell would redefine it).

A mutation's ``id`` names where and what, e.g. ``train_perceptron L7: errors > 0 => errors >= 0``
(``L7``: the line within the definition, counted from its ``def`` line; ``#2`` is appended
when one line has two identical changes). Ids are stable while the definition is unchanged.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Iterator

BINARY = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult, ast.FloorDiv],
          ast.FloorDiv: [ast.Div], ast.Mod: [ast.FloorDiv], ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult],
          ast.BitAnd: [ast.BitOr], ast.BitOr: [ast.BitAnd]}
COMPARE = {ast.Lt: [ast.LtE, ast.GtE], ast.LtE: [ast.Lt, ast.Gt], ast.Gt: [ast.GtE, ast.LtE],
           ast.GtE: [ast.Gt, ast.Lt], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.Is: [ast.IsNot],
           ast.IsNot: [ast.Is], ast.In: [ast.NotIn], ast.NotIn: [ast.In]}
BOOLEAN = {ast.And: ast.Or, ast.Or: ast.And}
REDUCTIONS = {"max": "min", "min": "max", "sum": "mean", "mean": "sum", "argmax": "argmin",
              "argmin": "argmax", "maximum": "minimum", "minimum": "maximum"}


@dataclass(frozen=True)
class Mutation:
    function: str      # the top-level name whose definition changed
    id: str            # where and what, stable while the definition is unchanged
    code: str          # the changed definition

    def __str__(self) -> str:
        return self.id


def _numbers(value) -> list:
    """Other constants for a number: off by one for integers, doubled and zeroed for floats."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1] + ([value - 1] if value != 0 else [])
    if isinstance(value, float):
        return [value * 2, 0.0] if value != 0 else [1.0]
    return []


def _changes(node: ast.AST) -> Iterator[ast.AST | None]:
    """The replacement node for each mutation of ``node`` itself (None: remove it from its list)."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        for op in BINARY.get(type(node.op), []):
            yield _replaced(node, op=op())
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in COMPARE.get(type(node.ops[0]), []):
            yield _replaced(node, ops=[op()])
    elif isinstance(node, ast.BoolOp):
        yield _replaced(node, op=BOOLEAN[type(node.op)]())
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield node.operand
    elif isinstance(node, ast.Constant) and not isinstance(node.value, str):
        for value in _numbers(node.value):
            yield ast.Constant(value)
    elif isinstance(node, ast.keyword) and node.arg == "axis":
        yield None                                    # the keyword removed: a global reduction
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, int):
            yield _replaced(node, value=ast.Constant(0 if node.value.value != 0 else 1))
    elif isinstance(node, ast.Attribute) and node.attr in REDUCTIONS:
        yield _replaced(node, attr=REDUCTIONS[node.attr])


def _replaced(node: ast.AST, **fields) -> ast.AST:
    new = copy.copy(node)
    for name, value in fields.items():
        setattr(new, name, value)
    return new


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _sites(definition: ast.AST) -> list[tuple[ast.AST, str, object]]:
    """(parent, field, index or None) of every node in ``definition`` that may be changed,
    skipping docstrings, annotations and decorators."""
    sites = []

    def visit(parent: ast.AST) -> None:
        for field, value in ast.iter_fields(parent):
            if field in ("annotation", "returns", "decorator_list", "type_comment"):
                continue
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if not isinstance(child, ast.AST) or (isinstance(child, ast.stmt) and _is_docstring(child)):
                    continue
                sites.append((parent, field, index if isinstance(value, list) else None))
                visit(child)
    visit(definition)
    return sites


def _deletable(statement: ast.AST) -> bool:
    return isinstance(statement, ast.stmt) and not isinstance(statement, (ast.FunctionDef, ast.ClassDef)) \
        and not _is_docstring(statement)


def mutants_of(source: str, name: str) -> list[Mutation]:
    """Every mutation of the top-level definition ``name`` in ``source`` (a module's text)."""
    module = ast.parse(source)
    definition = next(n for n in module.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)
    first = definition.lineno
    mutations: list[Mutation] = []
    seen: dict[str, int] = {}
    for position, (parent, field, index) in enumerate(_sites(definition)):
        node = getattr(parent, field) if index is None else getattr(parent, field)[index]
        changes = [(False, replacement) for replacement in _changes(node)]
        if _deletable(node):
            changes.append((True, ast.Pass()))
        for deleting, replacement in changes:
            changed = copy.deepcopy(definition)
            changed_parent, changed_field, changed_index = _sites(changed)[position]
            container = getattr(changed_parent, changed_field)
            if changed_index is None:
                setattr(changed_parent, changed_field, replacement)
            elif replacement is None or (deleting and len(container) > 1):
                del container[changed_index]
            else:               # a replaced node, or the only statement of a body: ``pass``
                container[changed_index] = replacement
            ast.fix_missing_locations(changed)
            line = getattr(node, "lineno", getattr(parent, "lineno", first)) - first
            before = ast.unparse(node).splitlines()[0]
            after = "(deleted)" if deleting else \
                "(removed)" if replacement is None else ast.unparse(replacement).splitlines()[0]
            where = f"{name} L{line}: {before} => {after}"
            seen[where] = seen.get(where, 0) + 1
            ident = where if seen[where] == 1 else f"{where} #{seen[where]}"
            mutations.append(Mutation(name, ident, ast.unparse(changed)))
    return mutations
