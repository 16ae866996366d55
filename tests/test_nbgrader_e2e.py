"""nbgrader end to end in a temporary course: generate, zip_collect, autograde, feedback."""
import pytest

from grader.demo import NAMED_REGEXP, gradebook_rows, hand_in, make_course, run
from grader.release import ASSIGNMENT


@pytest.mark.slow
def test_autograde_records_partial_credit_in_the_gradebook(tmp_path, capsys):
    course = tmp_path / "course"
    make_course(course, notebooks=["01"])
    students = ["fullmarks", "untouched", "partial", "syntaxerror"]
    run("generate_assignment", "generate_assignment", ASSIGNMENT, "--force", course=course)
    hand_in(course, students)
    run("zip_collect", "zip_collect", ASSIGNMENT, "--force",
        f"--FileNameCollectorPlugin.named_regexp={NAMED_REGEXP}", course=course)
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

    feedback = (course / "feedback" / "partial" / ASSIGNMENT / "01_perceptron.html").read_text(encoding="utf-8")
    assert "details of hidden checks are not shown" in feedback
    assert "not implemented yet" in feedback

    # the same submissions through `grader grade` (sandboxed, in parallel): the same scores
    from grader.demo import compare_with_grader
    assert compare_with_grader(course, gradebook_rows(course), workers=2)

    # and `grader grade --gradebook` writes its scores where nbgrader export reads them
    from grader.gradebook import write_scores
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
