"""Submissions that do no work, generated from the reference solutions' signatures.

For every graded name of a notebook, each kind replaces the reference definition with one
that does nothing useful: every function (and every method of a graded class) returns
``None``, ``0``, its first argument, or ``np.zeros_like`` / ``np.ones_like`` of it; a graded
constant is left as the release leaves it (a dict keeps its keys with ``None`` values,
anything else is ``None``). Such a submission must earn 0 points on every notebook.
"""
from __future__ import annotations

import inspect

from grader.core.engine import run_specs
from tests.helpers import namespace_with

KINDS = {                      # kind -> the return expression, given the first argument's name
    "returns None": lambda first: "None",
    "returns 0": lambda first: "0",
    "returns its first argument": lambda first: first or "None",
    "returns np.zeros_like(first argument)": lambda first: f"np.zeros_like({first})" if first else "None",
    "returns np.ones_like(first argument)": lambda first: f"np.ones_like({first})" if first else "None",
}


def graded_names(spec: str) -> list[str]:
    """The names the reference defines that the specs of ``spec`` grade (in spec order, each
    once; a target such as mnist_homework's "accuracy" names a result, not a definition)."""
    reference = namespace_with(spec)
    targets = dict.fromkeys(r.target for r in run_specs(spec, {}, scope="all", collect_only=True))
    return [name for name in targets if name in reference]


def _function(name: str, function, kind: str, indent: str = "", method: bool = False) -> str:
    signature = inspect.signature(function)
    parameters = list(signature.parameters)[1 if method else 0:]
    first = next((p for p in parameters if signature.parameters[p].kind in
                  (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)), None)
    body = "pass" if name == "__init__" else f"return {KINDS[kind](first)}"
    return f"{indent}def {name}{signature}:\n{indent}    {body}\n"


def no_work_code(spec: str, kind: str) -> str:
    """Source code that, run after the reference solution, replaces every graded name of ``spec``."""
    reference = namespace_with(spec)
    parts = ["import numpy as np\n"]
    for name in graded_names(spec):
        value = reference[name]
        if inspect.isclass(value):
            methods = [_function(attr, member, kind, "    ", method=True)
                       for attr, member in vars(value).items() if inspect.isfunction(member)]
            parts.append(f"class {name}:\n" + "".join(methods))
        elif callable(value):
            parts.append(_function(name, value, kind))
        elif isinstance(value, dict):
            parts.append(f"{name} = {dict.fromkeys(value)!r}\n")
        else:
            parts.append(f"{name} = None\n")
    return "\n".join(parts)
