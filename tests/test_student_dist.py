"""What students install (`python -m grader.course.student_dist`): no solution or hidden test inside, and it works.

The wheel and the assignments zip are built once into a temporary folder; every file in
them is scanned for solution code, hidden tests and instructor-only modules; then the
wheel is installed into a new virtual environment that sees the project's third-party
packages but not the repository, and its `grader check` grades released notebooks.
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from pathlib import Path

import nbformat
import pytest

from grader.course import student_dist
from grader.core.engine import available_specs, run_specs
from grader.core.cells import hidden_test_lines, kind, solution_lines
from grader.course.classroom import filled
from tests.helpers import RELEASE, ROOT, SOURCE, source_notebooks

# One worker for the module: its module fixture (the wheel and zip, about 14 s) is built once,
# not once per worker.
pytestmark = pytest.mark.xdist_group("student_dist")

HIDDEN_SPECS = sorted(f"{p.parent.name}.{p.stem}" for p in (ROOT / "grader" / "weeks").glob("*/*_hidden.py"))
INSTRUCTOR_ONLY = [f"grader.{name}" for name in student_dist.INSTRUCTOR_ONLY]

# A line this short is an idiom (`else:`, `return out`), not something a student could copy.
MIN_WORD_CHARACTERS = student_dist.MIN_WORD_CHARACTERS
# Solution lines that shipped modules may hold (idioms, and helpers a public spec holds on purpose).
ALLOWED = student_dist.ALLOWED_SOLUTION_LINES
# Import name -> the distribution in the wheel's Requires-Dist that provides it.
PROVIDED_BY = {"numpy": "numpy", "pytest": "pytest", "nbformat": "nbformat", "nbclient": "nbclient",
               "traitlets": "nbclient", "IPython": "ipykernel", "ipykernel": "ipykernel",
               "matplotlib": "matplotlib", "sklearn": "scikit-learn", "keras": "tensorflow",
               "tensorflow": "tensorflow", "mlxtend": "mlxtend"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    return student_dist.build(tmp_path_factory.mktemp("student-dist"))


def archive_texts(path: Path) -> dict[str, str]:
    """Every file in a zip archive (a wheel is one), decoded as text."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


@pytest.fixture(scope="module")
def shipped(dist) -> dict[str, str]:
    """Every file a student receives, wheel and zip, by name."""
    files = archive_texts(dist.wheel)
    files.update({f"{dist.assignments.name}:{name}": text for name, text in archive_texts(dist.assignments).items()})
    return files


def code_lines(name: str, text: str) -> set[str]:
    """The stripped lines of a file; for a notebook, of its cells' sources (not its JSON)."""
    if name.endswith(".ipynb"):
        text = "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
    return {line.strip() for line in text.splitlines() if line.strip()}


def distinctive(lines: set[str]) -> set[str]:
    return {line for line in lines if len(re.sub(r"\W", "", line)) >= MIN_WORD_CHARACTERS}


def given_lines() -> set[str]:
    """Lines of the source notebooks that the release shows as they are (text, given code, demos)."""
    return {line.strip() for path in source_notebooks() for cell in nbformat.read(path, as_version=4).cells
            if kind(cell) not in ("solution", "test") for line in cell.source.splitlines()}


def secret_lines() -> dict[str, set[str]]:
    """Per source notebook: its solution and hidden-test lines, less what students see anyway."""
    notebooks = {path.name: nbformat.read(path, as_version=4) for path in source_notebooks()}
    given = given_lines()
    secrets = {}
    for name, notebook in notebooks.items():
        lines = {line for cell in notebook.cells
                 for line in solution_lines(cell.source) + hidden_test_lines(cell.source)}
        assert lines, f"{name} has no solution or hidden-test lines to look for"
        secrets[name] = distinctive(lines - given - ALLOWED)
    return secrets


# ---------------------------------------------------------------- what is in the wheel and the zip

def test_wheel_holds_engine_and_public_specs_only(dist):
    modules = sorted(n for n in dist.wheel_files if ".dist-info/" not in n)
    assert {"grader/__init__.py", "grader/student/cli.py", "grader/core/engine.py", "grader/weeks/week3/perceptron_public.py"} <= set(modules)
    tables = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "grader" / "weeks").glob("*/hidden_points.json"))
    assert tables and set(tables) <= set(modules), "each week's table of hidden points ships"
    data = [n for n in modules if not n.endswith(".py") and n not in tables]
    assert not data, f"a data file in the wheel (a hidden test split?): {data}"
    for table in tables:          # numbers per graded item, nothing else
        for points in json.loads((ROOT / table).read_text(encoding="utf-8")).values():
            assert all(isinstance(v, (int, float)) for v in points.values()), table
    for name in modules:
        assert not name.startswith("solutions") and "_hidden" not in name, name
        assert not name.removesuffix(".py").replace("/", ".").startswith(tuple(f"{m}." for m in INSTRUCTOR_ONLY)), name
    public = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "grader" / "weeks").glob("*/*_public.py"))
    student = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "grader" / "student").rglob("*.py"))
    assert student and set(student) <= set(modules), "the wheel ships grader/student/ as a whole"
    assert public and set(public) <= set(modules)
    with zipfile.ZipFile(dist.wheel) as archive:   # shipped as they are in the repository
        for name in modules:
            assert archive.read(name) == (ROOT / name).read_bytes(), name


def test_wheel_metadata(dist):
    version = student_dist.metadata()[0]
    assert dist.wheel.name == f"dl_week3_grader-{version}-py3-none-any.whl"
    texts = archive_texts(dist.wheel)
    info = f"dl_week3_grader-{version}.dist-info"
    meta = Parser().parsestr(texts[f"{info}/METADATA"])
    assert meta["Name"] == "dl-week3-grader" and meta["Version"] == version
    assert "grader = grader.student.cli:main" in texts[f"{info}/entry_points.txt"]
    assert "grader.commands" not in texts[f"{info}/entry_points.txt"], "the wheel declares no instructor command"
    requires = {re.match(r"[\w.-]+", r).group(0).lower() for r in meta.get_all("Requires-Dist")}
    assert not requires & {"nbgrader", "tensorflow-cpu"}
    assert set(PROVIDED_BY.values()) <= requires


def test_grade_is_a_declared_command_the_student_package_lacks(monkeypatch, capsys):
    from grader.student import cli
    assert set(cli.other_commands()) == {"grade", "report"}      # this repository's install declares them
    monkeypatch.setattr(cli, "other_commands", dict)               # as in the student wheel: none
    assert cli.main(["grade", "submitted", "--out", "results"]) == cli.EXIT_UNREADABLE
    said = capsys.readouterr().err
    assert "'grade'" in said and "not a command of this installation" in said and "not in the student package" in said


def test_zip_holds_the_released_notebooks(dist):
    released = sorted(p.name for p in RELEASE.glob("*.ipynb"))
    with zipfile.ZipFile(dist.assignments) as archive:
        assert archive.namelist() == [f"week3/{name}" for name in released]
        for name in released:
            assert archive.read(f"week3/{name}") == (RELEASE / name).read_bytes()


def test_the_build_is_reproducible(dist, tmp_path):
    again = student_dist.build(tmp_path)
    assert again.wheel.read_bytes() == dist.wheel.read_bytes()
    assert again.assignments.read_bytes() == dist.assignments.read_bytes()


def test_no_solution_or_hidden_test_line_ships(shipped):
    lines = {name: code_lines(name, text) for name, text in shipped.items()}
    for notebook, secrets in secret_lines().items():
        leaked = sorted((line, name) for line in secrets for name, present in lines.items() if line in present)
        assert not leaked, f"solution or hidden-test lines of {notebook} ship to students: {leaked[:5]}"


@pytest.mark.parametrize("spec", available_specs())
def test_no_hint_holds_a_solution_line(spec):
    """Hints reach students, those of hidden checks too (in the feedback): none may hold a line of a
    reference solution that the released notebooks do not show (whitespace aside)."""
    secrets = student_dist.solution_secrets()
    leaked = [problem for result in run_specs(spec, {}, scope="all", collect_only=True)
              for problem in student_dist.leaked_solution_lines(repr(result.hint), result.name, secrets)]
    assert not leaked, "\n".join(leaked)


PLANTED_SPEC = '''
import pytest


@pytest.mark.points(1)
@pytest.mark.hint({hint!r})
def test_planted(sub):
    """a planted check"""
    {code}
'''


@pytest.mark.parametrize("hint, code, leaks", [
    # a hint quoting a reference line (05's compile call), with its own spacing
    ('Use model.compile(optimizer = "adam", loss="categorical_crossentropy", metrics=["accuracy"]).', "pass", True),
    # a public-spec code line equal to a reference line but for whitespace
    ("Scale the pixels.", "X = np.array(images,dtype=np.uint8).reshape(-1, 28, 28)", True),
    # what the released notebook shows (05's text quotes Dropout(0.5) and the header) may be repeated
    ("Add keras.layers.Dropout(0.5) after Flatten().", "pass", False),
    ("The header is label,pixel1,...,pixel784.",
     'SIGN_HEADER = "label," + ",".join(f"pixel{i}" for i in range(1, 785))', False),
    # a hint that teaches the idea
    ("One-hot labels need the cross-entropy for one-hot targets.", "pass", False),
])
def test_a_leaking_hint_or_line_fails_the_build(tmp_path, hint, code, leaks):
    spec = Path("grader/weeks/planted_public.py")
    (tmp_path / spec).parent.mkdir(parents=True)
    (tmp_path / spec).write_text(PLANTED_SPEC.format(hint=hint, code=code), encoding="utf-8")
    if not leaks:
        student_dist.check_no_solution_lines([spec], root=tmp_path)
        return
    with pytest.raises(student_dist.StudentDistError) as error:
        student_dist.check_no_solution_lines([spec], root=tmp_path)
    assert "planted_public.py" in str(error.value) and "sign_language_mnist.py" in str(error.value)


def test_no_hidden_spec_line_ships(shipped):
    public = given_lines() | {line for path in student_dist.shipped_modules()
                              for line in code_lines(path.name, (ROOT / path).read_text(encoding="utf-8"))}
    lines = {name: code_lines(name, text) for name, text in shipped.items()}
    for spec in HIDDEN_SPECS:
        text = (ROOT / "grader" / "weeks" / f"{spec.replace('.', '/')}.py").read_text(encoding="utf-8")
        secrets = distinctive(code_lines(spec, text) - public)
        assert secrets, spec
        leaked = sorted((line, name) for line in secrets for name, present in lines.items() if line in present)
        assert not leaked, f"lines of {spec} ship to students: {leaked[:5]}"


def test_no_solution_or_hidden_module_is_named(shipped):
    for name, text in shipped.items():
        assert "solutions" not in name and "_hidden" not in name, name
        assert not re.search(r"^\s*(from|import)\s+solutions\b", text, re.M), name
        for spec in HIDDEN_SPECS:
            assert spec not in text, f"{name} names {spec}"
        if name.endswith(".ipynb"):
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, name


def third_party_imports(code: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"grader"}


def test_every_import_is_a_declared_dependency(shipped):
    """What the wheel's modules and the released notebooks import, the wheel's requirements install."""
    imported = set()
    for name, text in shipped.items():
        if name.endswith(".py"):
            imported |= third_party_imports(text)
        elif name.endswith(".ipynb"):
            for cell in nbformat.reads(text, as_version=4).cells:
                if cell.cell_type == "code":
                    code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                    imported |= third_party_imports(code)
    assert imported - set(PROVIDED_BY) == set(), "add these to the wheel's requirements and to PROVIDED_BY"


def test_a_new_engine_dependency_fails_the_build(tmp_path):
    for folder in ("core", "student", "course"):
        (tmp_path / "grader" / folder).mkdir(parents=True)
    (tmp_path / "grader" / "student" / "cli.py").write_text("from grader.course.release import ROOT\nfrom grader.core.engine import run_specs\n")
    (tmp_path / "grader" / "course" / "release.py").write_text("ROOT = None\n")
    (tmp_path / "grader" / "core" / "engine.py").write_text("import solutions.week3\n")
    with pytest.raises(student_dist.StudentDistError) as error:
        student_dist.check_closure([Path("grader/student/cli.py"), Path("grader/core/engine.py")], root=tmp_path)
    assert "grader.course.release" in str(error.value) and "solutions.week3" in str(error.value)


# ---------------------------------------------------------------- installed in a new environment

def run(command, cwd, env, timeout=300):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def student_venv(dist, tmp_path_factory):
    """A new virtual environment with the wheel installed and, through a .pth line, the project
    venv's third-party packages; the project's editable install (grader, solutions) is not seen."""
    home = tmp_path_factory.mktemp("student")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "project-third-party.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", PIP_DISABLE_PIP_VERSION_CHECK="1",
               TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    installed = run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                     "--quiet", str(dist.wheel)], home, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv, site, env, home


@pytest.mark.slow
def test_installed_wheel_has_no_instructor_material(student_venv):
    venv, site, env, home = student_venv
    probe = ("import importlib, importlib.metadata, grader, grader.student.cli, grader.weeks.week3.perceptron_public\n"
             "print(grader.__file__)\n"
             "print(importlib.metadata.version('dl-week3-grader'))\n"
             f"for name in {['solutions', 'solutions.week3.perceptron', *(f'grader.weeks.{s}' for s in HIDDEN_SPECS), *INSTRUCTOR_ONLY]!r}:\n"
             "    try:\n"
             "        importlib.import_module(name)\n"
             "    except ImportError:\n"
             "        print('missing', name)\n"
             "    else:\n"
             "        print('FOUND', name)\n")
    done = run([str(venv / "bin" / "python"), "-c", probe], home, env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == str(site / "grader" / "__init__.py")
    assert lines[1] == student_dist.metadata()[0]
    assert "missing solutions" in lines and "missing grader.weeks.week3.perceptron_hidden" in lines
    assert not [line for line in lines[2:] if not line.startswith("missing ")], lines


@pytest.mark.slow
def test_installed_grader_checks_released_notebooks(student_venv, tmp_path):
    venv, site, env, home = student_venv
    release = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    source = nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4)
    shutil.copy(RELEASE / "01_perceptron.ipynb", tmp_path / "untouched.ipynb")
    nbformat.write(filled(release, source), tmp_path / "01_perceptron.ipynb")
    grader = str(venv / "bin" / "grader")

    stub = run([grader, "check", "untouched.ipynb"], tmp_path, env)
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert stub.stdout.splitlines()[-2:] == ["점수 (score): 0 / 13",
        "숨은 검사 (hidden checks) 9점은 채점 때 실행됩니다 (run at grading time)."]

    done = run([grader, "check", "01_perceptron.ipynb"], tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-2:] == ["점수 (score): 13 / 13",
        "숨은 검사 (hidden checks) 9점은 채점 때 실행됩니다 (run at grading time)."]
    assert "[hidden]" not in done.stdout and "숨은 검사 (hidden)" not in done.stdout

    # the instructor's commands are not declared by the wheel, and not shipped: said plainly
    grade = run([grader, "grade", "submitted", "--out", "results"], tmp_path, env)
    assert grade.returncode == 2 and "Traceback" not in grade.stderr, grade.stderr
    assert "not a command of this installation" in grade.stderr and "not in the student package" in grade.stderr
