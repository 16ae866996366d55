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
