"""One answer per check (DESIGN.md, the grading engine, rule 3): every path gives every check
the same pass/fail and the same points for the same notebook.

Two layers:

(a) the engine's two ways of reaching a student's code, on the same code: in this process
    (a namespace dict, as ``check(...)`` in a test cell and ``grader check`` do) and in the
    sandbox (``SandboxedSubmission``, as ``grader grade`` and ``nbgrader autograde`` do).
    Every mutant of ``tests/mutants/``, each spec's reference, and the control and robust
    kinds of the hostile corpus.
(b) the four real commands on the demo class: ``grader check`` (public checks), the test cells
    run in a Jupyter kernel (the instructor's test cells, hidden tests included),
    ``grader grade`` (results.json) and ``nbgrader autograde`` (each test cell's report and
    the gradebook's scores).

A failure lists every check that differs, with both outcomes and both messages.
"""
from __future__ import annotations

import contextlib
import dataclasses
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grader.core.engine import DEFAULT_TIMEOUT, available_specs, run_specs
from grader.grading.sandboxed import Options, grade_cells, runnable_cells
from grader.sandbox.child import _NoIPython   # magics and shell lines do nothing, as in the sandbox
from tests.helpers import RELEASE, SOLUTIONS, SOURCE, built_once, namespace_with

KERAS_SPECS = ("xor_mlp", "sign_language_mnist", "mnist_homework")


# ---------------------------------------------------------------- outcomes and their differences

@dataclass(frozen=True)
class Outcome:
    passed: bool
    points: float
    message: str = ""

    def __str__(self) -> str:
        text = f"{'passed' if self.passed else 'failed'} ({self.points:g} points)"
        return text + (f": {self.message.strip()[:300]!r}" if self.message.strip() else "")


def outcomes(results: list) -> dict[tuple[str, str], Outcome]:
    """(target, test name) -> outcome."""
    return {(r.target, r.name): Outcome(bool(r.passed), float(r.points), r.message) for r in results}


def differences(paths: dict[str, dict[tuple[str, str], Outcome]]) -> list[str]:
    """One line per check whose pass/fail or points differ between the paths (or that one path lacks)."""
    keys = sorted({key for found in paths.values() for key in found})
    lines = []
    for key in keys:
        seen = {path: found.get(key) for path, found in paths.items()}
        shapes = {(o.passed, o.points) if o else None for o in seen.values()}
        if len(shapes) > 1:
            lines.append(f"{key[0]}/{key[1]}:\n" + "\n".join(f"    {path}: {o if o else 'no result'}"
                                                             for path, o in seen.items()))
    return lines


def assert_same(paths: dict[str, dict[tuple[str, str], Outcome]], what: str) -> None:
    assert all(paths.values()), f"{what}: a path gave no results: {[p for p, r in paths.items() if not r]}"
    differ = differences(paths)
    if differ:
        pytest.fail(f"{what}: {len(differ)} check(s) differ between paths\n" + "\n".join(differ), pytrace=False)


# ---------------------------------------------------------------- the two engines

def in_process_namespace(cells: list[tuple[int, str]]) -> dict:
    """The cells run in order in a fresh dict, as a kernel runs them: a cell that raises (SystemExit
    included) is skipped and the next one runs; what they print goes nowhere."""
    namespace = {"__name__": "__main__", "get_ipython": _NoIPython, "display": lambda *args, **kwargs: None}
    sink = io.StringIO()
    for number, source in cells:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            try:
                exec(compile(source, f"<cell {number}>", "exec"), namespace)
            except BaseException:   # noqa: BLE001 (Jupyter reports it and goes on)
                pass
        sink.seek(0), sink.truncate()
    return namespace


def in_process(spec: str, namespace: dict, target: str | None = None,
               timeout: float = DEFAULT_TIMEOUT) -> dict[tuple[str, str], Outcome]:
    """What ``check(...)`` in a kernel (and ``grader check``) gives: run_specs in this process.

    When the specs cannot run at all (a student's KeyboardInterrupt stops pytest), ``check``
    raises and ``grader check`` reports every check failed: so does this.
    """
    try:
        return outcomes(run_specs(spec, namespace, target=target, scope="all", timeout=timeout))
    except RuntimeError as error:
        expected = run_specs(spec, {}, target=target, scope="all", collect_only=True)
        return {(r.target, r.name): Outcome(False, 0.0, f"in-process run_specs raised: {error}") for r in expected}


OPTIONS = Options()


def sandboxed(spec: str, cells: list[tuple[int, str]], target: str | None = None,
              options: Options = OPTIONS) -> dict[tuple[str, str], Outcome]:
    """What ``grader grade`` and ``nbgrader autograde`` give: the cells in a fresh sandboxed child."""
    from grader.core.model_eval import forget
    from grader.sandbox.session import SandboxedSubmission

    forget()
    if target is None:
        return outcomes(grade_cells(spec, cells, options).results)
    with SandboxedSubmission(cells, options.limits, cell_timeout=options.cell_timeout,
                             deadline_seconds=options.submission_timeout) as sandbox:
        return outcomes(run_specs(spec, sandbox, target=target, scope="all", timeout=options.test_timeout))


class ReusedChild:
    """One sandboxed child for many submissions of a Keras spec (importing TensorFlow costs
    seconds per child). Before each submission a cell deletes every name the previous one
    defined, then the submission's cells run: the namespace is as fresh as a new child's.
    What stays is what also stays between mutants graded in this process: imported modules
    and the libraries' global state (every check that depends on it seeds it first). Anything
    unusual (a cell that hangs, a dead child) falls back to a fresh child, the real path."""

    CLEAR = ("for _name in [n for n in globals() if not n.startswith('__') and n not in ('get_ipython', 'display')]:\n"
             "    del globals()[_name]\n"
             "del _name\n")

    def __init__(self):
        self.sandbox = None

    def grade(self, spec: str, cells: list[tuple[int, str]], target: str) -> dict[tuple[str, str], Outcome]:
        from grader.core.model_eval import forget
        from grader.sandbox.session import SandboxedSubmission

        forget()
        if self.sandbox is None:
            self.sandbox = SandboxedSubmission([], OPTIONS.limits, cell_timeout=OPTIONS.cell_timeout)
        sandbox = self.sandbox
        sandbox.cells, sandbox.skipped, sandbox.notes, sandbox.cell_outputs = list(cells), set(), [], {}
        sandbox.restarts, sandbox.deadline = 0, time.monotonic() + OPTIONS.submission_timeout
        if sandbox.peer is None:
            sandbox.start()
        else:
            try:
                cleared = sandbox._request_until(30, "run_cell", number=0, source=self.CLEAR)
                assert not cleared.get("error"), cleared
                for number, source in cells:
                    ran = sandbox._request_until(sandbox.cell_timeout, "run_cell", number=number, source=source)
                    sandbox._cell_ran(number, ran if isinstance(ran, dict) else {})
            except Exception:       # noqa: BLE001 (a fresh child, as grader grade would start)
                sandbox.start()
        return outcomes(run_specs(spec, sandbox, target=target, scope="all", timeout=OPTIONS.test_timeout))

    def close(self):
        if self.sandbox is not None:
            self.sandbox.close()


@pytest.fixture(scope="module")
def reused_children():
    children: dict[str, ReusedChild] = {}
    yield children
    for child in children.values():
        child.close()


# ---------------------------------------------------------------- (a) every mutant, both engines

#: Targets that build or train Keras models: seconds to a minute per mutant on each path (all
#: of them: about 15 minutes on 2 cores). Run only with GRADER_SAME_PATHS_KERAS=1.
MODEL_TARGETS = {"build_xor_model", "train_xor_model", "build_sign_model", "build_model", "train_model",
                 "accuracy", "load_mnist", "load_sign_mnist"}
ALL_KERAS = os.environ.get("GRADER_SAME_PATHS_KERAS") == "1"


def _mutant_params():
    for spec in available_specs():
        module = importlib.import_module(f"tests.mutants.{spec}")
        for mutant in module.MUTANTS:
            marks = [pytest.mark.slow]
            if spec in KERAS_SPECS and mutant.target in MODEL_TARGETS and not ALL_KERAS:
                marks.append(pytest.mark.skip("trains or builds Keras models: set GRADER_SAME_PATHS_KERAS=1"))
            if spec in KERAS_SPECS:         # with --dist loadgroup: one TensorFlow child per spec
                marks.append(pytest.mark.xdist_group(f"same-paths-{spec}"))
            yield pytest.param(spec, mutant, id=f"{spec}-{mutant.target}-{mutant.mistake}", marks=marks)


def reference_cells(spec: str) -> list[tuple[int, str]]:
    return [(1, (SOLUTIONS / f"{spec}.py").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("spec, mutant", list(_mutant_params()))
def test_mutant_same_in_process_and_sandboxed(spec, mutant, reused_children):
    here = in_process(spec, namespace_with(spec, mutant.code), target=mutant.target)
    cells = reference_cells(spec) + [(2, textwrap.dedent(mutant.code))]
    if spec in KERAS_SPECS and not mutant.target.startswith("load_"):   # loaders read the environment once
        there = reused_children.setdefault(spec, ReusedChild()).grade(spec, cells, mutant.target)
    else:
        there = sandboxed(spec, cells, target=mutant.target)
    assert_same({"in process": here, "sandboxed": there}, str(mutant))


@pytest.mark.slow
@pytest.mark.parametrize("spec", [pytest.param(s, marks=[pytest.mark.skip(
    "trains Keras models (1-3 minutes a path): set GRADER_SAME_PATHS_KERAS=1")] if s in KERAS_SPECS and not ALL_KERAS
    else []) for s in available_specs()])
def test_reference_same_in_process_and_sandboxed(spec):
    here = in_process(spec, namespace_with(spec))
    there = sandboxed(spec, reference_cells(spec))
    assert_same({"in process": here, "sandboxed": there}, f"the reference of {spec}")


# ---------------------------------------------------------------- (a) the hostile corpus's non-attacking kinds

def _corpus_kinds():
    from tests.hostile import KINDS
    return [k for k in KINDS if k.group in ("control", "robust")]


#: Kinds this process cannot run safely: the reason, one line each.
NOT_IN_PROCESS = {
    "patch_builtins": "replaces print, open, input and sys.stdout/stderr of the process that runs it: "
                      "here, the test runner itself",
}


#: Kinds whose checks wait out the per-test timeout: the same (shorter) timeout on both paths.
#: The claim (the same outcome on both) does not depend on its length: xor_gate never returns.
TEST_TIMEOUT = {"infinite_loop_in_function": 3.0}


@pytest.mark.slow
@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name, marks=[pytest.mark.skip(NOT_IN_PROCESS[k.name])]
                                               if k.name in NOT_IN_PROCESS else [])
                                  for k in _corpus_kinds()])
def test_corpus_kind_same_in_process_and_sandboxed(kind, tmp_path, monkeypatch):
    from grader.student.notebook import read_notebook
    from tests.hostile import Context

    ctx = Context(submissions=tmp_path / "submissions", results=tmp_path / "results",
                  outside=tmp_path / "outside", token="same-paths", port=9)
    kind.build(ctx.submissions / kind.folder / "week3", ctx)
    notebook = read_notebook(ctx.submissions / kind.folder / "week3" / f"{kind.notebook}.ipynb")
    spec = kind.extra.get("spec", kind.spec)
    cells = runnable_cells(notebook)
    # In a folder of its own, as a kernel runs in the notebook's: what a kind writes in its
    # current folder (deep_tree: 3,000 levels of d/) must not land in the repository, where
    # tests/test_install_modes.py copies the tree and would recurse into it.
    here_folder = tmp_path / "in-process"
    here_folder.mkdir()
    with monkeypatch.context() as patch:
        patch.chdir(here_folder)
        here = in_process(spec, in_process_namespace(cells), timeout=TEST_TIMEOUT.get(kind.name, DEFAULT_TIMEOUT))
    subprocess.run(["rm", "-rf", str(here_folder)], check=True)    # any depth (shutil.rmtree recurses)
    there = sandboxed(spec, cells, options=dataclasses.replace(
        OPTIONS, test_timeout=TEST_TIMEOUT.get(kind.name, OPTIONS.test_timeout)))
    assert_same({"in process": here, "sandboxed": there}, f"{kind.name} ({kind.what})")


# ---------------------------------------------------------------- (b) the four commands on the demo class

CLASS_NOTEBOOKS = ["01_perceptron", "03_backprop", "04_training_skills"]
CLASS_STUDENTS = ["fullmarks", "untouched", "partial", "syntaxerror", "mutant"]

#: The "mutant" student of each notebook: full marks but for these mutants of tests/mutants/
#: (spec, target, the start of the mistake), each replacing its function in its solution cell.
MUTANT_STUDENT = {
    "01_perceptron": [("perceptron", "train_perceptron", "reorders the caller's X and y in place")],
    "03_backprop": [("backprop", "sgd_step", "rebinds dict entries"),
                    ("backprop", "sigmoid_forward", "naive 1 / (1 + exp(-x))")],
    "04_training_skills": [("training_skills", "dropout_forward", "ignores the seed")],
}

MARK = re.compile(r"^(✔|✘) (\[숨은 검사 \(hidden\)\] )?(\w+): (.*)  \(([\d.]+) / ([\d.]+)\)$")
TITLE = re.compile(r"^(\S+) (?:공개|숨은) 검사 \((public|hidden) checks\): ([\d.]+) / ([\d.]+)$")


def report_text(output: dict) -> str:
    """The plain text of a test cell's output: what it printed (the sandboxed paths), or the
    text/plain of the report it displayed (check() in a kernel)."""
    if output.get("output_type") == "stream" and output.get("name") == "stdout":
        return output.get("text", "")
    if output.get("output_type") == "display_data":
        return output.get("data", {}).get("text/plain", "") + "\n"
    return ""


def _mutant(spec: str, target: str, mistake: str):
    found = [m for m in importlib.import_module(f"tests.mutants.{spec}").MUTANTS
             if m.target == target and m.mistake.startswith(mistake)]
    assert len(found) == 1, f"tests/mutants/{spec}.py: {len(found)} mutants of {target} start with {mistake!r}"
    return found[0]


def replace_definitions(code: str, replacement: str) -> str:
    """``code`` with each top-level function/class that ``replacement`` defines swapped for its new text."""
    import ast

    replacement = textwrap.dedent(replacement).strip("\n")
    new = {n.name: ast.get_source_segment(replacement, n) for n in ast.parse(replacement).body
           if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    lines = code.splitlines()
    for node in sorted((n for n in ast.parse(code).body
                        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in new),
                       key=lambda n: n.lineno, reverse=True):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        lines[start:node.end_lineno] = new[node.name].splitlines()
    return "\n".join(lines) + "\n"


def mutant_submission(notebook: str) -> bytes:
    from grader.course.classroom import filled

    mutants = [_mutant(*m) for m in MUTANT_STUDENT[notebook]]
    release = nbformat.read(RELEASE / f"{notebook}.ipynb", as_version=4)
    source = nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4)
    used = set()

    def edit(grade_id, code):
        for mutant in mutants:
            if re.search(rf"^(def|class) {mutant.target}\b", code, re.M):
                code = replace_definitions(code, mutant.code)
                used.add(mutant)
        return code

    made = filled(release, source, edit=edit)
    assert used == set(mutants), f"{notebook}: no solution cell defines {[m.target for m in mutants if m not in used]}"
    return nbformat.writes(made).encode("utf-8")


def submission(student: str, notebook: str) -> bytes:
    from grader.course.classroom import submission_bytes
    if student == "mutant":
        return mutant_submission(notebook)
    return submission_bytes(student, nbformat.read(RELEASE / f"{notebook}.ipynb", as_version=4),
                            nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4))


def spec_of(notebook: str) -> str:
    return notebook.split("_", 1)[1]


def report_outcomes(notebook_node, spec: str) -> tuple[dict[tuple[str, str], Outcome], dict[str, float]]:
    """Per check, what the test cells' printed reports say; and each test cell's points.

    Each check's report lists its tests in the specs' order, so the n-th line of a check's
    report is its n-th test (its description must match); a check whose report is missing
    (the cell raised) counts every one of its tests as failed.
    """
    from grader.core.cells import kind
    from grader.grading.sandboxed import expected_tests
    from grader.grading.nbgrader_executor import checks_of

    tests = expected_tests(spec)
    found, cell_points = {}, {}
    for cell in notebook_node.cells:
        if kind(cell) != "test":
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        text = "".join(report_text(o) for o in cell.outputs)
        errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.outputs if o.get("output_type") == "error"]
        points = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
        cell_points[grade_id] = float(points[0]["data"]["text/plain"]) if points else 0.0
        blocks, block = [], []
        for line in text.splitlines():
            if MARK.match(line):
                block.append(MARK.match(line))
            elif TITLE.match(line):
                blocks.append((TITLE.match(line), block))
                block = []
        for check in checks_of(cell.source):
            expected = [t for t in tests if t.hidden == check.hidden and (check.target is None or t.target == check.target)]
            title = f"{check.target or check.spec}"
            block = next((b for m, b in blocks if m.group(1) == title
                          and m.group(2) == ("hidden" if check.hidden else "public")), None)
            if block is None or len(block) != len(expected):
                why = f"no report of {len(expected)} tests in cell {grade_id}" + (f" ({errors[0]})" if errors else "")
                for test in expected:
                    found[(test.target, test.name)] = Outcome(False, 0.0, why)
                continue
            for test, line in zip(expected, block):
                assert line.group(3) == test.target and line.group(4) == test.description, \
                    f"cell {grade_id}: report line {line.group(0)!r} is not {test.target}: {test.description}"
                assert bool(line.group(2)) == test.hidden, line.group(0)
                found[(test.target, test.name)] = Outcome(line.group(1) == "✔", float(line.group(5)))
    return found, cell_points


def kernel_run(path: Path, notebook: str) -> tuple[dict, dict]:
    """Path 2: the student's notebook, the instructor's test cells (hidden tests too) put back,
    every non-demo cell run in a Jupyter kernel; the outcomes the test cells print."""
    from nbclient import NotebookClient

    from grader.core.cells import kind

    handed_in = nbformat.read(path, as_version=4)
    source = nbformat.read(SOURCE / f"{notebook}.ipynb", as_version=4)
    instructor = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if kind(c) == "test"}
    handed_in.cells = [c for c in handed_in.cells if kind(c) != "demo"]
    for cell in handed_in.cells:
        if kind(cell) == "test":
            cell.source = instructor[cell.metadata["nbgrader"]["grade_id"]]
    NotebookClient(handed_in, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return report_outcomes(handed_in, spec_of(notebook))


@pytest.fixture(scope="module")
def demo_class(tmp_path_factory):
    """The class's notebooks, graded once by `grader grade` and once by nbgrader autograde
    (once per test process, see built_once)."""
    return built_once("same-paths-demo-class", lambda: _demo_class(tmp_path_factory))


def _demo_class(tmp_path_factory):
    from grader.batch.run import Options as BatchOptions, run_batch
    from grader.course.demo import ASSIGNMENT, gradebook_rows, make_course, run

    root = tmp_path_factory.mktemp("demo-class")
    handed = root / "handed-in"
    for student in CLASS_STUDENTS:
        for notebook in CLASS_NOTEBOOKS:
            path = handed / student / f"{notebook}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(submission(student, notebook))

    # grader grade (two workers) and nbgrader autograde (one notebook at a time) run at once:
    # each in folders of its own, so that the class is graded in the time of the longer one.
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=1)
    graded = pool.submit(run_batch, handed, root / "grader-results", BatchOptions(force=True), workers=2,
                         progress=False)

    course = root / "course"
    make_course(course, notebooks=[n[:2] for n in CLASS_NOTEBOOKS])
    run("generate_assignment", "generate_assignment", ASSIGNMENT, "--force", course=course)
    for student in CLASS_STUDENTS:
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        for notebook in CLASS_NOTEBOOKS:
            shutil.copy(handed / student / f"{notebook}.ipynb", target)
    run("autograde", "autograde", ASSIGNMENT, "--create", "--force", course=course)
    graded.result()
    pool.shutdown()
    gradebook = {(s, n): (float(score), float(possible)) for s, n, score, possible in gradebook_rows(course)}
    return {"handed": handed, "results": root / "grader-results", "course": course,
            "assignment": ASSIGNMENT, "gradebook": gradebook}


@pytest.mark.slow
@pytest.mark.xdist_group("same-paths-demo-class")
@pytest.mark.parametrize("notebook", CLASS_NOTEBOOKS)
@pytest.mark.parametrize("student", CLASS_STUDENTS)
def test_demo_class_same_on_every_path(student, notebook, demo_class):
    from grader.student.notebook import grade_notebook

    spec = spec_of(notebook)
    path = demo_class["handed"] / student / f"{notebook}.ipynb"

    checked = outcomes(grade_notebook(path, scope="public").results)                      # 1: grader check
    kernel, kernel_cells = kernel_run(path, notebook)                                      # 2: test cells
    document = json.loads((demo_class["results"] / student / notebook / "results.json").read_text())
    graded = {(t["extra_data"]["target"], t["extra_data"]["test"]):                       # 3: grader grade
              Outcome(t["status"] == "passed", float(t["score"]), t["extra_data"]["message"] or t["output"])
              for t in document["tests"]}
    autograded = nbformat.read(demo_class["course"] / "autograded" / student / demo_class["assignment"]
                               / f"{notebook}.ipynb", as_version=4)
    nbgrader, nbgrader_cells = report_outcomes(autograded, spec)                           # 4: nbgrader

    public = {key for key, o in graded.items()
              if not next(t for t in document["tests"] if (t["extra_data"]["target"], t["extra_data"]["test"]) == key)
              ["extra_data"]["hidden"]}
    differ = differences({"grader check": checked,
                          "test cells in a kernel": {k: v for k, v in kernel.items() if k in public},
                          "grader grade": {k: v for k, v in graded.items() if k in public},
                          "nbgrader autograde": {k: v for k, v in nbgrader.items() if k in public}})
    differ += differences({"test cells in a kernel": {k: v for k, v in kernel.items() if k not in public},
                           "grader grade": {k: v for k, v in graded.items() if k not in public},
                           "nbgrader autograde": {k: v for k, v in nbgrader.items() if k not in public}})
    if differ:
        pytest.fail(f"{student}/{notebook}: {len(differ)} check(s) differ between paths\n" + "\n".join(differ),
                    pytrace=False)
    # the points: each test cell's in the kernel and in nbgrader; the notebook's in results.json and the gradebook
    assert kernel_cells == nbgrader_cells, (kernel_cells, nbgrader_cells)
    assert (document["score"], document["max_score"]) == demo_class["gradebook"][(student, notebook)]
