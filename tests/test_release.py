"""assignments/ and solutions/ are generated from source/, current, and leak nothing."""
import shutil

import nbformat
import pytest

from grader.core.cells import hidden_test_lines, kind, solution_lines, spec_name
from grader.core.engine import run_specs
from grader.course.export import module_source
from grader.course.hidden_points import hidden_points_json, hidden_points_table
from grader.course.release import generate_assignment
from grader.core.course import HIDDEN_POINTS_FILE, SPECS_DIR, weeks
from grader.core.results import total
from tests.helpers import RELEASE, ROOT, SOLUTIONS, source_notebooks

NOTEBOOKS = source_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert NOTEBOOKS and all((RELEASE / p.name).is_file() for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solutions_module_is_current(path):
    notebook = nbformat.read(path, as_version=4)
    module = SOLUTIONS / f"{spec_name(notebook, path)}.py"
    expected = module_source(notebook, path.relative_to(ROOT).as_posix())
    assert module.read_text(encoding="utf-8") == expected, f"{module} is stale: run `make release`"


def test_release_is_current(tmp_path):
    """nbgrader generate_assignment, run afresh, gives exactly the committed release."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source", tmp_path / "source")
    generate_assignment(tmp_path, "week3")
    fresh = sorted(p.name for p in (tmp_path / "assignments" / "week3").iterdir())
    committed = sorted(p.name for p in RELEASE.iterdir())
    assert fresh == committed
    for name in fresh:
        assert (tmp_path / "assignments" / "week3" / name).read_bytes() == (RELEASE / name).read_bytes(), \
            f"assignments/week3/{name} is stale: run `make release`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_release_leaks_no_solution_or_hidden_test(path):
    source = nbformat.read(path, as_version=4)
    released_text = (RELEASE / path.name).read_text(encoding="utf-8")
    released = nbformat.reads(released_text, as_version=4)
    released_code = "\n".join(c.source for c in released.cells if c.cell_type == "code")
    # Lines of punctuation only (a closing "])") say nothing of the solution.
    secret = [line for cell in source.cells
              for line in solution_lines(cell.source) + hidden_test_lines(cell.source)
              if any(ch.isalnum() for ch in line)]
    assert secret, "the source notebook has no solution or hidden-test lines to check"
    # Lines that are also in a given (setup) cell of the source are not secret.
    given = {line.strip() for c in source.cells if kind(c) in ("setup", "markdown") for line in c.source.splitlines()}
    leaked = [line for line in secret if line not in given and line in released_code]
    assert not leaked, f"released {path.name} contains: {leaked[:5]}"
    assert "BEGIN SOLUTION" not in released_text and "BEGIN HIDDEN TESTS" not in released_text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cell_points_match_spec_points(path):
    """Each autograder cell is worth exactly what its public and hidden specs award."""
    notebook = nbformat.read(path, as_version=4)
    spec = spec_name(notebook, path)
    collected = run_specs(spec, {}, scope="all", collect_only=True)
    for cell in notebook.cells:
        if kind(cell) != "test":
            continue
        target = cell.metadata.nbgrader.grade_id.removeprefix("test_")
        points = total([r for r in collected if r.target == target])[1]
        assert points > 0, f"no specs for {target}"
        assert cell.metadata.nbgrader.points == points, \
            f"{path.name} cell {cell.metadata.nbgrader.grade_id}: {cell.metadata.nbgrader.points} points, specs give {points}"
    tested = {c.metadata.nbgrader.grade_id.removeprefix("test_") for c in notebook.cells if kind(c) == "test"}
    assert {r.target for r in collected} <= tested, "a graded item has specs but no test cell"


@pytest.mark.parametrize("week", weeks(SPECS_DIR))
def test_hidden_points_table_is_current(week):
    """The table of hidden points that ships (check and summary read it) is the hidden specs'."""
    table = SPECS_DIR / week / HIDDEN_POINTS_FILE
    assert table.is_file(), f"{table} is missing: run `make release`"
    assert table.read_text(encoding="utf-8") == hidden_points_json(week), f"{table} is stale: run `make release`"
    hidden = {spec: sum(points.values()) for spec, points in hidden_points_table(week).items()}
    for spec, points in hidden.items():
        assert points == total(run_specs(spec, {}, scope="hidden", collect_only=True))[1], spec
