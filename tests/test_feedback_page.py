"""The student's feedback page: score, every check, what to fix, pictures; nothing hidden."""
import html
import json
import re

import numpy as np

from grader.core.compare import Mismatch, split_message
from grader.batch.run import write_graded
from grader.grading.gradescope import results_document
from grader.pages.feedback import feedback_page, write_feedback_pages
from grader.core.results import TestResult as Outcome

SECRET = "expected: 0.4242424242"


def result(name, passed, points=2.0, hidden=False, message="", hint="", target="step"):
    return Outcome(target=target, name=name, description=f"{name} described", points=points if passed else 0.0,
                      max_points=points, passed=passed, hidden=hidden, message=message, hint=hint)


def document(results, **extra):
    fields = dict(student="kim", notebook="01_perceptron", spec="perceptron", status="graded", notes=[],
                  seconds=1.5, sha256="ab" * 32)
    fields.update(extra)
    return results_document(results, **fields)


VISIBLE_FAILURE = str(Mismatch("step(z=[-1, 0, 2])", "element [1] differs (1 of 3 wrong)",
                               expected=np.array([0, 0, 1]), received=np.array([0, 1, 1])))
RESULTS = [
    result("test_passes", True),
    result("test_visible", False, message=VISIBLE_FAILURE, hint="z = 0 is not positive"),
    result("test_hidden", False, hidden=True, message=f"step(z=...): wrong\n  {SECRET}", hint="look at z == 0"),
    result("test_script", False, message="<script>alert(1)</script>", target="perceptron"),
]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_score_and_every_check_are_on_the_page():
    page = feedback_page(document(RESULTS))
    assert re.search(r'id="score">2 / 8<', page)
    text = text_of(page)
    for name in ("test_passes", "test_visible", "test_hidden", "test_script"):
        assert f"{name} described" in text
    assert text.count("✔") == 1 and text.count("✘") >= 3


def test_a_visible_failure_shows_expected_and_received_in_their_own_cells_and_the_hint():
    page = feedback_page(document(RESULTS))
    expected = page.index("expected")
    received = page.index("received")
    assert expected < received
    assert "[0, 0, 1]" in page[expected:received] and "[0, 1, 1]" in page[received:]
    assert "z = 0 is not positive" in page


def test_a_hidden_failure_shows_only_its_name_points_and_hint():
    page = feedback_page(document(RESULTS))
    text = text_of(page)
    assert "look at z == 0" in text and "test_hidden described" in text
    assert "0.4242" not in text and "wrong" not in text.replace("wrong)", "")


def test_student_text_is_escaped():
    page = feedback_page(document(RESULTS))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_notes_and_status_are_shown():
    page = feedback_page(document([result("test_x", False, message="not run")], status="unreadable",
                                  notes=["the file is not valid JSON (line 3)"]))
    assert "the file is not valid JSON (line 3)" in text_of(page)
    assert "the file could not be read" in text_of(page)


def test_all_passed_says_so():
    page = feedback_page(document([result("test_passes", True)]))
    assert "every check passed" in text_of(page)


def test_failed_pictures_are_explained_and_hidden_accuracy_never_shown():
    observations = {"gates": {"error": "ValueError: no idea"},
                    "accuracy": {"validation": 0.91, "test": 0.8765, "seconds": 3}}
    page = feedback_page(document(RESULTS), observations)
    assert "ValueError: no idea" in text_of(page)
    assert "0.8765" not in page


def test_split_message_recovers_what_mismatch_wrote():
    parts = split_message(str(Mismatch("W", "element [0, 1] differs", expected=np.eye(3), received=np.ones((3, 3)),
                                       tolerance="relative 1e-07")))
    assert parts["problem"] == "W: element [0, 1] differs"
    assert parts["expected"].startswith("[[1., 0., 0.],") and parts["expected"].count("\n") == 2
    assert parts["received"].startswith("[[1., 1., 1.],") and "자료형 (dtype) float64" in parts["received"]
    assert parts["tolerance"] == "relative 1e-07"
    assert split_message("NameError: oops") == {"problem": "NameError: oops"}


def test_pages_are_written_beside_the_results_and_rewritten_from_disk(tmp_path):
    folder = tmp_path / "kim" / "01_perceptron"
    write_graded(folder, document(RESULTS), RESULTS, {"gates": {"error": "boom"}})
    assert json.loads((folder / "observations.json").read_text()) == {"gates": {"error": "boom"}}
    first = (folder / "feedback.html").read_text(encoding="utf-8")
    (folder / "feedback.html").unlink()
    assert write_feedback_pages(tmp_path) == [folder / "feedback.html"]
    assert (folder / "feedback.html").read_text(encoding="utf-8") == first
