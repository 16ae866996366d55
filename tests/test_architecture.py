"""The layout of ``grader/`` is its architecture: folders in layers, imports only downwards, no circle."""
from __future__ import annotations

import ast

from tests.helpers import ROOT

PACKAGE = ROOT / "grader"
# Lowest first. A module may import its own folder and the folders before it, never one after it.
LAYERS = ("core",       # the trusted core grading needs (the wheel ships it): engine, plugin, comparisons, results
          "student",    # the notebook side: check, demo, summary, reports, `grader check`, the pytest plugin
          "weeks",      # each week's knowledge: its specs, data, homework
          "sandbox",    # running untrusted code in a child process
          "grading",    # trusted grading of one notebook, its results files, nbgrader's executor and gradebook
          "pages",      # feedback pages and the class report
          "batch",      # grading a class: `grader grade`, `grader report`
          "course",     # release, export, the student wheel, the simulated class and the demo
          "server",     # one course on one JupyterHub: Unix users, folders, the shared install, PostgreSQL
          "bench")      # measuring: benchmarks, screenshots


def module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, object]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}


def imports(path, known) -> set[str]:
    """The grader modules ``path`` imports, at any depth of its code (lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:      # relative: only the sandbox's protocol (its child imports it as `protocol`)
                assert module_name(path).startswith("grader.sandbox.protocol"), f"{path}: relative import"
                package = module_name(path).split(".")[:None if path.name == "__init__.py" else -1]
                module = ".".join([*package[:len(package) - node.level + 1], *([module] if module else [])])
            names = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name.startswith("grader"):
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:                 # grader/__init__.py: `from grader import check`
        return LAYERS.index("student")
    return LAYERS.index(parts[1])


def test_every_folder_has_a_layer_and_no_module_lies_outside_them():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file())
    assert folders == sorted(LAYERS)
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert loose == [], "a module of grader/ belongs in one of its folders"


def test_lower_layers_never_import_higher_ones():
    wrong = [f"{module} ({LAYERS[layer(module)]}) imports {target} ({LAYERS[layer(target)]})"
             for module, targets in graph().items() for target in targets if layer(target) > layer(module)]
    assert wrong == []


def test_the_import_graph_has_no_circle():
    edges = graph()
    state, circles = {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if target == "grader":      # every module's package: importing it is not a dependency
                continue
            if state.get(target) == "open":
                circles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_the_graph_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from grader.pages.feedback import feedback_page\n")
    assert imports(module, modules()) == {"grader.pages.feedback"}


def test_the_architecture_note_names_only_what_exists():
    """docs/architecture.md: every folder and file it names exists, and its table lists every layer."""
    import re

    note = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w/.<>-])((?:grader|tests|source|assignments|solutions)/[\w/.<>-]*)", note))
    assert len(named) > 10
    missing = []
    for path in sorted(named):
        path = path.rstrip(".").replace("<week>", "week3").replace("<spec>", "perceptron").replace("NN_", "01_")
        if "<" in path or "week4" in path:      # a placeholder of the steps to add a week
            continue
        if not (ROOT / path).exists():
            missing.append(path)
    assert missing == []
    table = re.findall(r"^\| `grader/(\w+)/` \|", note, flags=re.MULTILINE)
    assert table == list(LAYERS), "the note's table lists the folders from the bottom, as LAYERS does"
