"""nbgrader end to end in a temporary course: generate, zip_collect, autograde, feedback."""
import html
import re
from pathlib import Path

import nbformat
import pytest

from grader.core.cells import kind
from grader.course.classroom import filled
from grader.course.demo import NAMED_REGEXP, gradebook_rows, hand_in, make_course, run
from grader.course.demo import ASSIGNMENT
from grader.student.report import FAIL, HIDDEN_NOTE, HIDDEN_TAG, HINT_LABEL, PASS
from tests.helpers import RELEASE, SOURCE

CHECKS_LINE = re.compile(r"^\S+ (?:공개|숨은) 검사 \((public|hidden) checks\): ([\d.]+) / ([\d.]+)$")
SCORE = re.compile(r"Score: ([\d.]+) / ([\d.]+)")


def feedback_text(path: Path) -> str:
    """What a student reads in a feedback page: tags stripped (a block ends a line), entities
    decoded, no blank lines."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    page = re.sub(r"</(div|p|li|tr|pre)>|<br\s*/?>", "\n", page)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def assert_feedback_hides_tests_and_matches(text: str, score: float, possible: float) -> None:
    """No hidden test code or detail in ``text``; its scores are the gradebook's and the engine's."""
    for secret in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "hidden=True"):
        assert secret not in text, f"feedback shows hidden test code ({secret!r})"
    lines = text.splitlines()
    for i, line in enumerate(lines):                    # a hidden result: a note and a hint, nothing else
        if line.startswith((f"{PASS} {HIDDEN_TAG}", f"{FAIL} {HIDDEN_TAG}")):
            for detail in lines[i + 1:]:
                if detail.startswith((PASS, FAIL)) or CHECKS_LINE.match(detail):
                    break
                assert detail == f"({HIDDEN_NOTE})" or detail.startswith(HINT_LABEL.rstrip(":")), \
                    f"feedback shows details of a hidden check: {line!r} -> {detail!r}"

    header, *cells = text.split("Grade cell: ")
    assert tuple(map(float, SCORE.search(header).groups())) == (score, possible)
    cell_scores = []
    for cell in cells:                                  # nbgrader's score of a test cell = the engine's report
        grade_id, shown = cell.split()[0], tuple(map(float, SCORE.search(cell).groups()))
        reported = [CHECKS_LINE.match(line) for line in cell.splitlines()]
        reported = [m for m in reported if m]
        assert {m.group(1) for m in reported} == {"public", "hidden"}, grade_id
        assert shown == (sum(float(m.group(2)) for m in reported), sum(float(m.group(3)) for m in reported)), grade_id
        cell_scores.append(shown)
    assert cell_scores and tuple(map(sum, zip(*cell_scores))) == (score, possible)


def hand_in_directly(course: Path, student: str, notebook) -> None:
    """A student's notebook put straight into nbgrader's ``submitted/`` folder."""
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / "01_perceptron.ipynb")


def checker_patched():
    """The release, plus a cell that makes every check in the student's kernel say -1 (nbgrader
    gives full credit to a test cell whose value is negative): 22 / 22 under nbgrader's Execute."""
    notebook = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    setup = next(i for i, c in enumerate(notebook.cells) if kind(c) == "setup")
    notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell("import grader\ngrader.check = lambda *a, **k: -1.0\n"))
    return notebook


def without_test_cells():
    """Full marks, every test cell deleted (nbgrader puts them back from the gradebook)."""
    notebook = filled(nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4),
                      nbformat.read(SOURCE / "01_perceptron.ipynb", as_version=4))
    notebook.cells = [c for c in notebook.cells if kind(c) != "test"]
    next(c for c in notebook.cells if kind(c) == "solution").source += "\nprint('step is done')\n"
    return notebook


@pytest.mark.slow
def test_autograde_records_partial_credit_in_the_gradebook(tmp_path, capsys):
    course = tmp_path / "course"
    make_course(course, notebooks=["01"])
    students = ["fullmarks", "untouched", "partial", "syntaxerror"]
    run("generate_assignment", "generate_assignment", ASSIGNMENT, "--force", course=course)
    hand_in(course, students)
    run("zip_collect", "zip_collect", ASSIGNMENT, "--force",
        f"--FileNameCollectorPlugin.named_regexp={NAMED_REGEXP}", course=course)
    hand_in_directly(course, "checkpatch", checker_patched())
    hand_in_directly(course, "notests", without_test_cells())
    students += ["checkpatch", "notests"]
    run("autograde", "autograde", ASSIGNMENT, "--create", "--force", course=course)
    run("generate_feedback", "generate_feedback", ASSIGNMENT, "--force", course=course)
    log = capsys.readouterr().out
    assert "exit" not in log, log

    scores = {student: (float(score), float(possible))
              for student, notebook, score, possible in gradebook_rows(course)}
    assert set(scores) == set(students)
    possible = scores["fullmarks"][1]
    assert possible == 22
    assert scores["fullmarks"][0] == possible
    assert scores["untouched"][0] == 0
    assert 0 < scores["partial"][0] < possible
    assert 0 < scores["syntaxerror"][0] < possible
    assert scores["checkpatch"][0] == 0, "patching grader.check in the notebook earned points"
    assert scores["notests"][0] == possible, "deleted test cells were not restored and graded"
    autograded = nbformat.read(course / "autograded" / "notests" / ASSIGNMENT / "01_perceptron.ipynb", as_version=4)
    printed = [o.text for c in autograded.cells if kind(c) == "solution" for o in c.outputs]
    assert printed == ["step is done\n"], "the student's printed output is not in the autograded notebook"

    feedback = (course / "feedback" / "partial" / ASSIGNMENT / "01_perceptron.html").read_text(encoding="utf-8")
    assert HIDDEN_NOTE in feedback
    assert "아직 구현하지 않았습니다 (not implemented yet)" in feedback
    # every student's feedback: hidden tests' points only, and the gradebook's scores
    for student, notebook, score, possible in gradebook_rows(course):
        text = feedback_text(course / "feedback" / student / ASSIGNMENT / f"{notebook}.html")
        assert_feedback_hides_tests_and_matches(text, float(score), float(possible))

    # the same submissions through `grader grade` (sandboxed, in parallel): the same scores
    from grader.course.demo import compare_with_grader
    assert compare_with_grader(course, gradebook_rows(course), workers=2)

    # and `grader grade --gradebook` writes its scores where nbgrader export reads them
    from grader.grading.gradebook import write_scores
    from nbgrader.api import Gradebook
    out = course / "grader-results"
    for path in out.glob("*/*/results.json"):          # make the batch's scores recognisable
        text = path.read_text(encoding="utf-8")
        assert '"score"' in text
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for grade in gradebook.find_submission_notebook("01_perceptron", ASSIGNMENT, "partial").grades:
            grade.auto_score = 0.0
        gradebook.db.commit()
    assert gradebook_rows(course)[[r[0] for r in gradebook_rows(course)].index("partial")][2] == "0"
    assert write_scores(f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT, out) == len(students)
    assert {s: float(score) for s, _, score, _ in gradebook_rows(course)} == {s: v[0] for s, v in scores.items()}
