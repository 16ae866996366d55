"""What ships (:func:`grader.core.course.student_files`), and that it imports nothing that does not."""
from __future__ import annotations

import ast
from pathlib import Path

from grader.core.course import student_files
from grader.course.student_wheel.layout import PACKAGE, ROOT, StudentDistError

# What ships is a folder, grader/student/ (see grader.core.course.student_files), with the
# public specs; these folders of grader are the instructor's and never ship.
INSTRUCTOR_ONLY = ("grading", "batch", "pages", "sandbox", "course", "bench")


def shipped_modules(package: Path = PACKAGE) -> list[Path]:
    """The files of ``package`` that go into the wheel, relative to its parent, sorted."""
    files = student_files(package)
    missing = [f for f in files if not (package.parent / f).is_file()]
    if missing:
        raise StudentDistError(f"missing {missing[0]}")
    return files


def is_secret_module(name: str) -> bool:
    """A reference solution or a hidden spec (``solutions.week3.perceptron``, ``grader.weeks.week3.x_hidden``)."""
    parts = name.split(".")
    return parts[0] == "solutions" or any(p.endswith("_hidden") for p in parts)


def _module_file(root: Path, name: str) -> Path | None:
    path = root.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate.relative_to(root)
    return None


def grader_imports(path: Path) -> set[str]:
    """Every ``grader...`` or ``solutions...`` module ``path`` imports (at any depth of the code)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(n for n in names if n.split(".")[0] in ("grader", "solutions"))
    return found


def check_closure(files: list[Path], root: Path = ROOT) -> None:
    """Every module a shipped module imports is shipped; none is a solution or a hidden spec."""
    shipped = set(files)
    problems = []
    for file in files:
        for name in sorted(grader_imports(root / file)):
            if is_secret_module(name):
                problems.append(f"{file} imports {name}, which must never reach students")
                continue
            target = _module_file(root, name)
            if target is None:                  # `from grader.x import some_function`: not a module
                continue
            if target not in shipped:
                problems.append(f"{file} imports {name} ({target}), which is not in the student wheel: "
                                f"move it into grader/student/ if students need it")
    if problems:
        raise StudentDistError("\n".join(problems))
