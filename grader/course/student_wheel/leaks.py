"""No line of a reference solution ships, unless the released notebooks show it."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from grader.course.student_wheel.layout import RELEASES, ROOT, SOLUTIONS, StudentDistError, as_folders

# A reference line with fewer word characters than this is an idiom (`else:`, `return out`),
# not something a student could copy.
MIN_WORD_CHARACTERS = 12
# Reference lines that shipped modules may hold all the same: idioms any module may have (the
# engine seeds its own generators), and helpers a public spec holds on purpose. Every entry
# ships to students: keep this list short and each entry deliberate.
ALLOWED_SOLUTION_LINES = {
    "rng = np.random.default_rng(seed)",
    "keras.utils.set_random_seed(seed)",
    'given = os.environ.get("MNIST_PATH")',
    "except ValueError:",   # an exception handler, in 05's solution and its public spec alike
}


def squeezed(text: str) -> str:
    """``text`` without any whitespace: lines that differ only in spacing compare equal."""
    return re.sub(r"\s+", "", text)


def released_text(release: Path | list[Path] = RELEASES) -> str:
    """Every line of every cell of the released notebooks, squeezed, one per line."""
    lines = []
    for path in sorted(p for folder in as_folders(release) for p in folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            lines += [squeezed(line) for line in source.splitlines()]
    return "\n".join(line for line in lines if line)


def solution_secrets(solutions: Path | list[Path] = SOLUTIONS, release: Path | list[Path] = RELEASES,
                     allowed: set[str] = ALLOWED_SOLUTION_LINES) -> dict[str, str]:
    """The code lines of the reference solutions that the released notebooks do not show.

    Keyed by the squeezed line without a trailing comma (an item of a list of layers is the
    same code with or without it); the value names the solution file and the line. A line
    is shown when a released notebook holds it, in a code cell or quoted in the text."""
    shown = released_text(release)
    allowed = {squeezed(line).rstrip(",") for line in allowed}
    secrets = {}
    for path in sorted(p for folder in as_folders(solutions) for p in folder.glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            key = squeezed(line).rstrip(",")
            if (not key or key.startswith("#") or key in allowed
                    or len(re.sub(r"\W", "", key)) < MIN_WORD_CHARACTERS or key in shown):
                continue
            secrets.setdefault(key, f"{path.name}: {line}")
    return secrets


def strings_of(text: str, filename: str = "<module>") -> list[str]:
    """Every string constant of Python source ``text``: hints, messages, docstrings (for an
    f-string, each of its literal parts)."""
    return [node.value for node in ast.walk(ast.parse(text, filename))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def leaked_solution_lines(text: str, name: str, secrets: dict[str, str]) -> list[str]:
    """What of ``secrets`` a shipped Python file holds: a code line equal to a solution line
    (whitespace and a trailing comma aside), or a string (a hint) containing one."""
    found = []
    for line in text.splitlines():
        key = squeezed(line).rstrip(",")
        if key in secrets:
            found.append(f"{name}: the line {line.strip()!r} is {secrets[key]}")
    for string in strings_of(text, name):
        flat = squeezed(string)
        for key, origin in secrets.items():
            if key in flat and re.search(r"[^\w:]", key):     # code, not a word that prose may hold
                found.append(f"{name}: the text {' '.join(string.split())[:120]!r} holds {origin}")
    return found


def check_no_solution_lines(files: list[Path], root: Path = ROOT, solutions: Path | list[Path] = SOLUTIONS,
                            release: Path | list[Path] = RELEASES) -> None:
    """No shipped ``.py`` file holds a line of a reference solution that the release does not show."""
    secrets = solution_secrets(solutions, release)
    problems = []
    for file in files:
        if file.suffix == ".py":
            problems += leaked_solution_lines((root / file).read_text(encoding="utf-8"), file.as_posix(), secrets)
    if problems:
        raise StudentDistError("lines of the reference solutions would ship to students (rewrite the hint or "
                               "the check to teach the idea; see ALLOWED_SOLUTION_LINES for deliberate ones):\n"
                               + "\n".join(problems))
