"""The layout of ``grader/`` is its architecture: folders in layers, imports only downwards, no circle."""
from __future__ import annotations

import ast

from grader.core.course import INSTRUCTOR_ONLY
from tests.helpers import ROOT

PACKAGE = ROOT / "grader"
# Lowest first. A module may import its own folder and the folders before it, never one after it.
LAYERS = ("core",       # the trusted core grading needs (the wheel ships it): engine, plugin, comparisons, results
          "student",    # the notebook side: check, demo, summary, reports, `grader check`, the pytest plugin
          "weeks",      # each week's knowledge: its specs, data, homework (its instructor/ pictures: with pages)
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
    if parts[1] == "weeks" and INSTRUCTOR_ONLY in parts:    # a week's pictures: a plug-in of the pages
        return LAYERS.index("pages")
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


def test_subcommands_are_declared_entry_points_not_imports_by_name():
    """``grader grade``/``report`` reach ``grader check``'s parser through the entry-point group
    ``grader.commands`` (setup.cfg): each names a module above ``student`` that imports the
    ``Command`` type downwards, and no module imports a ``grader`` module by a name in a string."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    declared = dict(line.replace(" ", "").split("=") for line in
                    config["options.entry_points"]["grader.commands"].strip().splitlines())
    assert set(declared) == {"grade", "report"}
    edges = graph()
    for name, value in declared.items():
        module = value.split(":")[0]
        assert module in edges and "grader.student.cli" in edges[module], f"{name} = {value}"
        assert layer(module) > layer("grader.student.cli")
    by_name = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in
                    ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).startswith("grader")):
                by_name.append(f"{module}: {node.args[0].value}")
    assert by_name == [], "an import the layer test cannot see"


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


# ---------------------------------------------------------------- the engine names no week

#: Modules of the course's tools that name week 3 on purpose (the list must stay exact: a module
#: fixed leaves it). Everything else outside grader/weeks/ names no week and no spec in its code.
NAMES_A_WEEK = {
    "grader/bench/grading.py": "measures grading week 3's notebooks",
    "grader/bench/homework_phases.py": "measures grading week 3's homework",
    "grader/bench/jupyterlab_shot.py": "a screenshot of week 3's first notebook",
    "grader/bench/models.py": "measures week 3's homework models",
    "grader/bench/otter.py": "otter-grader beside us, on week 3's first notebook",
    "grader/bench/phases.py": "measures grading week 3's first notebook",
    "grader/bench/screenshots.py": "screenshots of week 3's pages",
    "grader/course/classroom.py": "the simulated class: week 3's wrong answers",
    "grader/course/demo.py": "the simulated class hands in week 3",
    "grader/course/student_wheel/templates.py": "the wheel's README names a check of week 3 as its example",
    "grader/server/install.py": "the course's distribution is named after its first week",
    "grader/server/layout.py": "the course's default assignment",
}


def _docstrings(tree) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def named_weeks(path, pattern) -> list[str]:
    """The weeks and specs ``path``'s code names (identifiers, imports and strings; not its docstrings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped, found = _docstrings(tree), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            texts = [node.value]
        elif isinstance(node, ast.Name):
            texts = [node.id]
        elif isinstance(node, ast.Attribute):
            texts = [node.attr]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            texts = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
        else:
            continue
        found += [f"line {node.lineno}: {match.group(0)}" for text in texts for match in pattern.finditer(text)]
    return found


def week_names_pattern():
    import re

    from grader.core.course import specs_of, weeks
    names = set(weeks()) | {spec for week in weeks() for spec in specs_of(week)}
    assert {"week3", "perceptron", "mnist_homework"} <= names
    return re.compile("|".join(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])" for name in sorted(names)))


def test_no_module_outside_the_weeks_names_a_week_or_a_spec():
    """Week 3's knowledge lives in grader/weeks/week3/: the engine finds it by the week's name."""
    pattern = week_names_pattern()
    naming = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("grader/weeks/") and relative != "grader/weeks/__init__.py":
            continue
        found = named_weeks(path, pattern)
        if found:
            naming[relative] = found
    assert {k: v for k, v in naming.items() if k not in NAMES_A_WEEK} == {}
    assert sorted(set(NAMES_A_WEEK) - set(naming)) == [], "a module that no longer names a week leaves the list"
    engine = ("core", "student", "sandbox", "grading", "pages", "batch")
    assert not [k for k in NAMES_A_WEEK if k.split("/")[1] in engine]


def test_the_week_name_check_sees_code_not_docstrings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Grades check("perceptron:step")."""\nSPEC = "mnist_homework"\n'
                      'from grader.weeks.week3 import homework\n', encoding="utf-8")
    assert sorted(named_weeks(module, week_names_pattern())) == ["line 2: mnist_homework", "line 3: week3"]
