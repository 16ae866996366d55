"""`grader report`: the class report and its CSV, from a synthetic results folder (no grading run)."""
import base64
import csv
import json
import re

import numpy as np
import pytest

from grader.student.cli import main
from grader.core.compare import Mismatch, assert_close, assert_shape
from grader.batch.run import write_graded
from grader.grading.gradescope import INSTRUCTOR, RESULTS, results_document
from grader.pages import class_report
from grader.pages.class_report import collect, group_failures, problem_of, pass_rates, write_report
from grader.core.results import TestResult as Result
from grader.core import words
from grader.core.submission import error_frame, explain_error

# One worker for the module: its module fixture (a class graded into a report) is built once,
# not once per worker.
pytestmark = pytest.mark.xdist_group("class_report")

PERCEPTRON, HOMEWORK = "01_perceptron", "06_mnist_homework"


def failure(check) -> str:
    """The message a spec would record for ``check()`` (which must fail)."""
    try:
        check()
    except Exception as error:   # noqa: BLE001 - any failure, explained as the engine does
        return explain_error(error)
    raise AssertionError("the check passed")


def step_wrong(index: int, wrong: int) -> str:
    expected = np.array([0.0, 1.0, 0.5, 1.0, 0.0])
    received = expected.copy()
    received[index:index + wrong] += 0.2
    return failure(lambda: assert_close(received, expected, "step(z=[-1, 0, 0, 2, -3])"))


def type_error_in_student_code() -> tuple[str, list]:
    """The message of a TypeError raised in a student's ``predict``, and its frame (as a result keeps it)."""
    def predict(x):
        return x * None
    try:
        predict(3)
    except TypeError as error:
        return explain_error(error), list(error_frame(error))
    raise AssertionError("predict(3) did not raise")


NOT_IMPLEMENTED = explain_error(NotImplementedError())
SHAPE = failure(lambda: assert_shape(np.zeros((3, 1)), (3,), "predict(X) for 3 rows"))
STEP_A, STEP_B = step_wrong(2, 1), step_wrong(0, 2)


def perceptron(step="", predict="", train=""):
    """Results of 01_perceptron: '' passes, a message fails."""
    def test(target, name, points, message, hidden=False):
        return Result(target, name, f"{target} {name[5:].replace('_', ' ')}", 0.0 if message else points,
                          points, not message, hidden, message, hint=f"look at {target}")
    return [test("step", "test_values", 1, step), test("predict", "test_shape", 2, predict),
            test("train", "test_random_data", 3, train, hidden=True)]


def homework(tier=""):
    return [Result("accuracy", "test_validation_tier_1", "validation accuracy at least 90%", 2, 2, True, False),
            Result("accuracy", "test_test_tier_1", "hidden test accuracy at least 90%", 0.0 if tier else 2, 2,
                       not tier, True, tier, hint="train longer")]


def hand(root, student, notebook, spec, results, status="graded", notes=(), seconds=2.0, accuracy=None):
    document = results_document(results, student=student, notebook=notebook, spec=spec, status=status,
                                notes=list(notes), seconds=seconds, sha256="0" * 64, cell_seconds=seconds / 2)
    folder = root / student / notebook
    write_graded(folder, document, results)
    if accuracy is not None:
        (folder / "observations.json").write_text(json.dumps({"accuracy": accuracy}), encoding="utf-8")
    return folder


TIER_MISS = ("the hidden test split (bundled digits): accuracy below 90%\n"
             "accuracy on the hidden test split: {:.2%} (812 of 1000)")


def make_class(root, with_accuracy=True):
    """A class of eight. Pass rates over the graded notebooks: train 1/6 (the hardest), the hidden
    tier 2/6, step 3/6, predict 4/6, validation tier 6/6."""
    hidden_fail = "train(X, y) on seeded data: value differs\n  expected: 0.25\n  received: 0.5"
    hand(root, "alice", PERCEPTRON, "perceptron", perceptron(), seconds=3.0)
    hand(root, "bob", PERCEPTRON, "perceptron", perceptron(step=STEP_A, train=hidden_fail), seconds=4.0)
    hand(root, "chen", PERCEPTRON, "perceptron", perceptron(step=STEP_B, train=hidden_fail), seconds=5.0)
    hand(root, "dana", PERCEPTRON, "perceptron", perceptron(step=NOT_IMPLEMENTED, predict=NOT_IMPLEMENTED,
                                                            train=NOT_IMPLEMENTED), seconds=1.0)
    hand(root, "김민준", PERCEPTRON, "perceptron", perceptron(predict=SHAPE, train=hidden_fail), seconds=41.5)
    not_run = "not run: your code ended the Python process (killed by signal 9)"
    hand(root, "frank", PERCEPTRON, "perceptron", perceptron(not_run, not_run, not_run), status="error",
         notes=["your code ended the Python process (killed by signal 9)", "second note"], seconds=60.0)
    hand(root, "grace", PERCEPTRON, "perceptron", perceptron(train=hidden_fail), seconds=2.5)
    corrupt = root / "hank" / PERCEPTRON
    corrupt.mkdir(parents=True)
    (corrupt / RESULTS).write_text('{"score": 3, "tests": [', encoding="utf-8")
    accuracy = (lambda value: {"validation": value + 0.01, "test": value, "seconds": 30.0}) if with_accuracy \
        else (lambda value: None)
    hand(root, "alice", HOMEWORK, "mnist_homework", homework(), seconds=80.0, accuracy=accuracy(0.97))
    hand(root, "bob", HOMEWORK, "mnist_homework", homework(TIER_MISS.format(0.812)), seconds=70.0,
         accuracy=accuracy(0.812))
    hand(root, "chen", HOMEWORK, "mnist_homework", homework(TIER_MISS.format(0.85)), seconds=75.0,
         accuracy=accuracy(0.85))
    (root / "chen" / HOMEWORK / INSTRUCTOR).write_text("not json", encoding="utf-8")
    hand(root, "dana", HOMEWORK, "mnist_homework", homework("grading the model stopped: ValueError: bad"),
         seconds=90.0, accuracy={"error": "train_model() raised ValueError"} if with_accuracy else None)
    hand(root, "김민준", HOMEWORK, "mnist_homework", homework(), seconds=85.0, accuracy=accuracy(0.93))
    hand(root, "frank", HOMEWORK, "mnist_homework", homework(TIER_MISS.format(0.88)), seconds=88.0,
         accuracy=accuracy(0.88))
    (root / "grades.csv").write_text("student,notebook\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = make_class(tmp_path_factory.mktemp("results"))
    html_path = write_report(root, root.parent / f"{root.name}-out" / "report.html", roster=["alice", "bob", "ivan"])
    return root, html_path.read_text(encoding="utf-8"), html_path.with_suffix(".csv")


def block(part, heading):
    """From ``heading`` to the next test's heading."""
    start = part.index(heading)
    end = part.find("<h3", start)
    return part[start:end if end > 0 else len(part)]


def section(html, anchor):
    """The HTML of the section whose heading has id ``anchor``, up to the next <h2>."""
    start = html.index(f'<h2 id="{anchor}">')
    end = html.find("<h2", start + 1)
    return html[start:end if end > 0 else len(html)]


def test_the_hardest_test_comes_first(report):
    root, html, _ = report
    stats = pass_rates(collect(root))
    graded = [s for s in stats if s.notebook == "perceptron"]
    # graded perceptrons: alice, bob, chen, dana, 김민준, grace (frank's errored, hank's is corrupt)
    assert [(s.target, s.passed, s.attempts) for s in graded] == [
        ("train", 1, 6), ("step", 3, 6), ("predict", 4, 6)]
    assert stats[0].name == "test_random_data" and stats[-1].pass_rate == 1.0
    rates = [s.pass_rate for s in stats]
    assert rates == sorted(rates)
    tests = section(html, "tests")
    order = [tests.index(name) for name in ("test_random_data", "test_test_tier_1", "test_values", "test_shape",
                                            "test_validation_tier_1")]
    assert order == sorted(order)
    assert "1 / 6" in tests and "17%" in tests and 'class="tag">hidden' in tests


def test_messages_differing_only_in_numbers_group_and_different_problems_do_not():
    assert problem_of(STEP_A) == problem_of(STEP_B) == "step(z=[#, #, #, #, #]): 원소 (element) [#] 이(가) 다릅니다 (#개 중 #개 틀림, # of # wrong)"
    assert problem_of(SHAPE) != problem_of(STEP_A)
    assert problem_of(NOT_IMPLEMENTED) == class_report.NOT_IMPLEMENTED
    assert problem_of(TIER_MISS.format(0.5)) == problem_of(TIER_MISS.format(0.8))
    # the same exception from different lines of students' code is one mistake: the result keeps
    # the frame as data, and the problem leaves its wording out
    message, frame = type_error_in_student_code()
    assert frame[0] == "predict" and frame[2] == "return x * None" and words.code_at(*frame) in message
    other_frame = ["predict", 7, "y = x * None"]
    other_line = message.replace(words.code_at(*frame), words.code_at(*other_frame))
    assert other_line != message and "TypeError" in other_line
    assert problem_of(message, frame) == problem_of(other_line, other_frame)
    assert problem_of(message) != problem_of(other_line)      # (the code is part of the message)
    assert group_failures([("ann", message, frame), ("ben", other_line, other_frame)])[0].count == 2
    assert problem_of("x_1 = 3 wrong") == "x_1 = # wrong"
    groups = group_failures([("bob", STEP_A), ("chen", STEP_B), ("eve", SHAPE), ("dana", NOT_IMPLEMENTED),
                             ("fay", STEP_A)])
    assert [(g.count, g.students) for g in groups] == [(3, ["bob", "chen", "fay"]), (1, ["dana"]), (1, ["eve"])]
    assert groups[0].example == STEP_A     # the most common full message
    assert str(Mismatch("a", "b")) == "a: b" and problem_of("") == "(no message)"


def test_the_misunderstood_section_shows_grouped_messages_hidden_ones_included(report):
    _, html, _ = report
    part = section(html, "misunderstood")
    step = block(part, "step: step values")
    assert "2×" in step and "원소 (element) [#] 이(가) 다릅니다 (#개 중 #개 틀림, # of # wrong)" in step and "bob, chen" in step
    assert "기댓값 (expected): 0.5" in step                          # one full example
    assert "1 not implemented yet" in step and "dana" in step
    train = block(part, "train: train random data")
    assert "4×" in train and "expected: 0.25" in train      # the hidden test's real message (instructor.json)
    # chen's instructor.json is corrupt: only the hint, still grouped apart from bob's real message
    tier = block(part, "hidden test accuracy at least 90%")
    assert "2×" in tier and "bob, frank" in tier and "accuracy below #%" in tier
    assert "(hidden test failed). 힌트 (hint): train longer" in tier and "grading the model stopped" in tier
    assert "predict: predict shape" in part and "모양 (shape)이 다릅니다: 기댓값 (expected) (#,), 받은 값 (received) (#, #)" in part


def test_only_the_three_most_common_problems_are_shown():
    stats = class_report.Tally("perceptron", "step", "test_values", "step values", False, 1.0, 0, passed=0,
                                   failures=[(f"s{i}", f"problem {chr(97 + i // 2)}") for i in range(8)])
    part = class_report._misunderstood_section([stats], {"perceptron": PERCEPTRON})
    assert part.count("2×") == 3 and "and 2 more in 1 other group" in part
    assert "problem a" in part and "problem d" not in part


def test_missing_students_and_broken_notebooks_are_listed(report):
    root, html, _ = report
    follow = class_report.follow_ups(collect(root), roster=["alice", "bob", "ivan"])
    rows = {(f.student, f.notebook, f.problem) for f in follow}
    assert ("grace", HOMEWORK, "not handed in") in rows       # others handed it in
    assert ("ivan", PERCEPTRON, "not handed in") in rows and ("ivan", HOMEWORK, "not handed in") in rows
    assert ("frank", PERCEPTRON, "error") in rows
    assert ("hank", PERCEPTRON, "results unreadable") in rows
    assert ("hank", HOMEWORK, "not handed in") in rows
    assert ("chen", HOMEWORK, "file unreadable") in rows      # instructor.json
    assert ("chen", "", "not on the roster") in rows
    assert not any(f.student == "alice" for f in follow)
    assert not any(f.student == "hank" and f.notebook == PERCEPTRON and f.problem == "not handed in"
                   for f in follow)
    part = section(html, "follow-up")
    assert "killed by signal 9" in part and "second note" not in part
    assert "ivan" in part and f"{PERCEPTRON}, {HOMEWORK}" in part    # one line for ivan's two notebooks
    assert "hank" in part and "results.json is unreadable" in part


def test_the_csv_holds_one_row_per_student_and_notebook(report):
    root, _, csv_path = report
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    header = list(rows[0])
    assert header[:6] == ["student", "notebook", "status", "score", "max_score", "seconds"]
    assert header[6:] == ["step: test_values", "predict: test_shape", "train: test_random_data",
                          "accuracy: test_validation_tier_1", "accuracy: test_test_tier_1",
                          "accuracy validation", "accuracy test"]
    by_key = {(r["student"], r["notebook"]): r for r in rows}
    assert len(rows) == len(by_key) == 9 * 2               # 8 students and ivan (roster) x 2 notebooks
    bob = by_key[("bob", PERCEPTRON)]
    assert (bob["status"], bob["score"], bob["max_score"], bob["seconds"]) == ("graded", "2", "6", "4.000")
    assert (bob["step: test_values"], bob["predict: test_shape"], bob["train: test_random_data"]) == ("0", "2", "0")
    assert bob["accuracy test"] == "" and bob["accuracy: test_test_tier_1"] == ""
    homework_bob = by_key[("bob", HOMEWORK)]
    assert (homework_bob["accuracy test"], homework_bob["accuracy validation"]) == ("0.8120", "0.8220")
    assert homework_bob["train: test_random_data"] == ""
    assert by_key[("김민준", PERCEPTRON)]["score"] == "1"
    assert by_key[("grace", HOMEWORK)]["status"] == "missing"
    assert by_key[("ivan", PERCEPTRON)]["status"] == "missing"
    assert by_key[("hank", PERCEPTRON)]["status"] == "results unreadable"
    assert by_key[("frank", PERCEPTRON)]["status"] == "error"


def pictures(html):
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def test_the_page_is_self_contained_with_png_histograms(report):
    _, html, _ = report
    images = pictures(html)
    assert len(images) == 3 and all(image.startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    assert len(pictures(section(html, "scores"))) == 1 and len(pictures(section(html, "time"))) == 1
    assert not re.search(r'src="(?!data:)', html)
    assert not re.search(r'href="(?![\w./-]+/feedback\.html")', html)      # only links to the feedback pages
    slowest = section(html, "time").split("<tbody>")[1]
    assert [float(s) for s in re.findall(r'<td class="num">([\d.]+)</td><td class="num">[\d.]+</td>', slowest)] \
        == [90.0, 88.0, 85.0, 80.0, 75.0]
    summary = section(html, "summary")
    # 01_perceptron: 7 handed in, 6 graded, scores 6, 2, 2, 0, 1, 3
    assert re.search(r"<td>01_perceptron</td><td class=\"num\">7</td><td class=\"num\">6</td>"
                     r"<td class=\"num\">2.3</td><td class=\"num\">2</td><td class=\"num\">6</td>", summary)


def test_the_homework_accuracy_section_appears_only_with_data(report, tmp_path):
    _, html, _ = report
    part = section(html, "accuracy")
    assert len(pictures(part)) == 1 and "88.8%" in part and "81.2%" in part    # mean of 97, 81.2, 85, 93, 88
    assert "1 model could not be trained" in part and "train_model() raised ValueError" in part
    plain = write_report(make_class(tmp_path / "results", with_accuracy=False), tmp_path / "plain.html")
    text = plain.read_text(encoding="utf-8")
    assert 'id="accuracy"' not in text and len(pictures(text)) == 2
    header = (tmp_path / "plain.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "accuracy test" not in header


def test_student_text_is_escaped(tmp_path):
    hand(tmp_path, "<b onclick=x>", PERCEPTRON, "perceptron", perceptron(step="<img src=x onerror=alert(1)>"))
    text = write_report(tmp_path, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b onclick=x&gt;" in text and "&lt;img src=x" in text
    assert "<b onclick" not in text and "<img src=x" not in text


def test_the_command_writes_both_files(tmp_path, capsys):
    root = make_class(tmp_path / "results", with_accuracy=False)
    roster = tmp_path / "roster.txt"
    roster.write_text("\ufeff# ids\nalice\n\nzoe\n", encoding="utf-8")
    out = tmp_path / "report" / "class.html"
    assert main(["report", str(root), "-o", str(out), "--roster", str(roster)]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and str(out.with_suffix(".csv")) in printed
    assert "zoe" in out.read_text(encoding="utf-8")
    assert "zoe," in out.with_suffix(".csv").read_text(encoding="utf-8-sig")
    other = tmp_path / "grades-by-test.csv"
    assert main(["report", str(root), "--csv", str(other)]) == 0
    assert (root / "report.html").is_file() and other.is_file()
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert main(["report", str(root), "--roster", str(tmp_path / "no-roster.txt")]) == 2


def test_an_empty_or_damaged_folder_gives_a_report(tmp_path):
    (tmp_path / "alice" / PERCEPTRON).mkdir(parents=True)
    (tmp_path / "alice" / PERCEPTRON / RESULTS).write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "bob" / PERCEPTRON).mkdir(parents=True)
    (tmp_path / "bob" / PERCEPTRON / "feedback.txt").write_text("half-written", encoding="utf-8")
    (tmp_path / "carol" / PERCEPTRON).mkdir(parents=True)
    (tmp_path / "carol" / PERCEPTRON / RESULTS).write_text(
        json.dumps({"extra_data": {"student": "carol"}, "tests": [{"status": 7}], "score": "x"}), encoding="utf-8")
    text = write_report(tmp_path, tmp_path / "r.html").read_text(encoding="utf-8")
    follow = section(text, "follow-up")
    assert "alice" in follow and "results.json is unreadable" in follow
    assert "bob" in follow and "results.json is missing" in follow
    assert "carol" in follow and "unknown" in follow
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "No graded notebook" in write_report(empty, tmp_path / "e.html").read_text(encoding="utf-8")


def test_scores_per_student_link_to_their_feedback_pages(report):
    root, html, _ = report
    students = section(html, "students")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', students)
    assert links, "no links to feedback pages"
    page_dir = root.parent / f"{root.name}-out"
    for href, text in links:
        target = (page_dir / href).resolve()
        assert target.name == "feedback.html" and target.is_file(), href
        document = json.loads((target.parent / "results.json").read_text(encoding="utf-8"))
        assert text.strip() == f"{document['score']:g} / {document['max_score']:g}"
    assert "김민준" in students
