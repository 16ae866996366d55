"""The test cell's report: rich output in a kernel (text/html beside the plain text), the float
points as the cell's value, nothing on stderr, what the hidden checks are worth, the notebook
summary, and every engine sentence in Korean with the English term beside it."""
import re

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from grader.core import words
from grader.student.checker import check, report_title
from grader.core.compare import (LABELS, Mismatch, assert_close, assert_equal, assert_integer, assert_shape,
                                    builds_on, without_overflow)
from grader.core.course import hidden_points
from grader.core.engine import run_specs
from grader.student.report import (HIDDEN_NOTE, HIDDEN_TAG, HINT_LABEL, NOT_RUN, PUBLIC_CHECKS, SAME_AS_ABOVE, SCORE_LABEL,
                                   format_report, hidden_points_note)
from grader.student.report_html import report_html
from grader.core.results import TestResult as Outcome
from grader.student.summary import LAST_RUNS, RERUN_NOW, format_summary, record_run, summary, summary_rows
from tests.helpers import RELEASE, namespace_with

# One worker for the module: its module fixture (a notebook run in a kernel, about 6 s) is built once,
# not once per worker.
pytestmark = pytest.mark.xdist_group("rich_report")

WRONG_STEP = "def step(z):\n    return (np.asarray(z) >= 0).astype(int)\n"
RIGHT_PERCEPTRON = "def perceptron(x, w, b):\n    return (np.asarray(x) @ w + b > 0).astype(int)\n"
HOSTILE_AND = "def and_gate(x1, x2):\n    return '<script>alert(1)</script>'\n"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def released_test_cells() -> dict[str, str]:
    """The released notebook's test cells of step, perceptron and and_gate, by target."""
    release = nbformat.read(RELEASE / "01_perceptron.ipynb", as_version=4)
    sources = {}
    for cell in release.cells:
        found = re.search(r'check\("perceptron:(\w+)"', cell.source)
        if cell.cell_type == "code" and found:
            sources[found.group(1)] = cell.source
    return {target: sources[target] for target in ("step", "perceptron", "and_gate")}


@pytest.fixture(scope="module")
def executed():
    """A tiny notebook (a wrong step, a right perceptron, an and_gate that returns markup),
    its three test cells as released, then the summary cell; run in a Jupyter kernel."""
    cells = [nbformat.v4.new_code_cell(source) for source in
             ("import numpy as np", WRONG_STEP, RIGHT_PERCEPTRON, HOSTILE_AND, *released_test_cells().values(),
              'from grader import summary\nsummary("perceptron")')]
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True).execute()
    outputs = [cell.outputs for cell in notebook.cells[4:]]
    return dict(zip(("step", "perceptron", "and_gate", "summary"), outputs))


def namespace() -> dict:
    names = {"np": np}
    for source in (WRONG_STEP, RIGHT_PERCEPTRON, HOSTILE_AND):
        exec(source, names)
    return names


def only_display(outputs) -> dict:
    displays = [o for o in outputs if o.output_type == "display_data"]
    assert len(displays) == 1, outputs
    assert set(displays[0].data) == {"text/plain", "text/html"}
    return displays[0].data


def value_of(outputs) -> float:
    results = [o for o in outputs if o.output_type == "execute_result"]
    assert len(results) == 1, outputs
    return float(results[0].data["text/plain"])


# ---------------------------------------------------------------- in a kernel

def test_each_test_cell_shows_one_rich_report_and_evaluates_to_its_points(executed):
    for target, points in (("step", 0.0), ("perceptron", 2.0), ("and_gate", 0.0)):
        outputs = executed[target]
        only_display(outputs)
        assert not [o for o in outputs if o.output_type in ("stream", "error")], (target, outputs)
        assert value_of(outputs) == points, target


def test_the_plain_text_is_the_report_that_format_report_writes(executed):
    for target in ("step", "perceptron"):
        results = run_specs("perceptron", namespace(), target=target)
        hidden = hidden_points("perceptron")[target]
        expected = format_report(results, title=report_title("perceptron", target, False), hidden_points=hidden)
        assert only_display(executed[target])["text/plain"] == expected
    text = only_display(executed["step"])["text/plain"]
    assert text.count("✘ step: ") == 2 and f"{LABELS['expected']}: 0" in text and f"{LABELS['received']}: 1" in text
    assert text.count(HINT_LABEL) == 2 and f"step {PUBLIC_CHECKS}: 0 / 2" in text


def test_the_html_marks_values_hints_and_what_the_hidden_checks_are_worth(executed):
    html = only_display(executed["step"])["text/html"]
    assert html.count("✘") == 2 and "✔" not in html
    assert "기댓값 (expected)" in html and "받은 값 (received)" in html and "<b>힌트 (hint)</b>" in html
    assert "white-space: pre-wrap" in html and "<script" not in html.lower()
    assert hidden_points("perceptron")["step"] == 1.0
    assert "숨은 검사 (hidden checks) 1점은 채점 때 실행됩니다" in html
    assert only_display(executed["perceptron"])["text/html"].count("✔") == 2
    assert only_display(executed["step"])["text/plain"].endswith(
        "숨은 검사 (hidden checks) 1점은 채점 때 실행됩니다 (run at grading time).")


def test_a_hostile_received_value_is_escaped(executed):
    data = only_display(executed["and_gate"])
    assert "<script>" in data["text/plain"]                       # the text shows the value as it is
    assert "<script" not in data["text/html"].lower() and "&lt;script&gt;" in data["text/html"]


def test_the_summary_adds_up_the_last_runs_and_names_the_hidden_points(executed):
    outputs = executed["summary"]
    data = only_display(outputs)
    assert value_of(outputs) == 2.0
    assert not [o for o in outputs if o.output_type in ("stream", "error")]
    for text in (data["text/plain"], data["text/html"]):
        assert "공개 검사 (public checks) 2 / 13점" in text
        assert "숨은 검사 (hidden checks) 9점은 채점 때 실행됩니다" in text and "노트북 총점 (total) 22점" in text
    lines = data["text/plain"].splitlines()
    assert "  step: 공개 (public) 0 / 2, 숨은 (hidden) 1" in lines
    assert "  perceptron: 공개 (public) 2 / 2, 숨은 (hidden) 1" in lines
    assert f"  xor_gate: 공개 (public) {NOT_RUN} / 2, 숨은 (hidden) 1" in lines


# ---------------------------------------------------------------- outside a kernel, and the parts

def test_outside_a_kernel_check_prints_the_text_and_returns_a_float(capsys):
    points = check("perceptron:perceptron", namespace())
    out, err = capsys.readouterr()
    assert points == 2.0 and isinstance(points, float) and err == ""
    assert out.endswith(f"perceptron {PUBLIC_CHECKS}: 2 / 2\n{hidden_points_note(1.0)}\n")
    assert "<div" not in out


def test_an_item_the_table_does_not_know_gets_no_hidden_line(monkeypatch, capsys):
    monkeypatch.setattr("grader.student.checker.hidden_points", lambda spec: {})
    check("perceptron:perceptron", namespace())
    assert "숨은 검사" not in capsys.readouterr().out


def result(passed=False, hidden=False, message="", hint="", target="step") -> Outcome:
    return Outcome(target=target, name="test_x", description="z = 0 gives 0", points=1.0 if passed else 0.0,
                      max_points=1.0, passed=passed, hidden=hidden, message=message, hint=hint)


FAILURE = str(Mismatch("step([0.])", "원소 (element) [0] 이(가) 다릅니다", expected=0, received="<b>1</b>", tolerance="상대 (relative) 1e-07"))


def test_the_html_builder_puts_each_part_in_its_own_row():
    html = report_html([result(passed=True), result(message=FAILURE, hint="use > not >=")], title="step 공개 검사")
    rows = re.findall(r'<div style="white-space: nowrap[^>]*>([^<]*)</div><div><span[^>]*>([^<]*)</span></div>', html)
    assert rows == [("기댓값 (expected)", "0"), ("받은 값 (received)", "&#x27;&lt;b&gt;1&lt;/b&gt;&#x27;"),
                    ("허용 오차 (tolerance)", "상대 (relative) 1e-07")]
    assert "원소 (element) [0] 이(가) 다릅니다" in html and "use &gt; not &gt;=" in html
    assert "<b>힌트 (hint)</b>" in html and "step 공개 검사: 1 / 2" in html
    assert html.count("✔") == 1 and html.count("✘") == 1 and "#2ea043" in html and "#e5534b" in html
    for banned in ("<script", "<style", "<link", "class=", "@import", "url("):
        assert banned not in html, banned
    assert "color: inherit" in html and "rgba(" in html               # light and dark themes


def test_the_html_never_shows_a_hidden_checks_message():
    html = report_html([result(hidden=True, message="expected: 0.4242", hint="look at z == 0")],
                       notes=["셀 (cell) 3: <oops>"], hidden_points=2)
    assert "0.4242" not in html and HIDDEN_TAG in html and HIDDEN_NOTE in html and "look at z == 0" in html
    assert "! 셀 (cell) 3: &lt;oops&gt;" in html and hidden_points_note(2) in html
    assert f"{SCORE_LABEL}: 0 / 1" in html


def test_summary_rows_follow_the_specs_and_the_last_run(monkeypatch, capsys):
    monkeypatch.setattr("grader.student.summary.LAST_RUN", {})
    record_run("perceptron", [result(passed=True), result(passed=False)])
    rows = summary_rows("perceptron")
    assert [r.target for r in rows][:3] == ["step", "perceptron", "and_gate"]
    assert (rows[0].earned, rows[0].possible, rows[0].hidden) == (1.0, 2.0, 1.0) and rows[1].earned is None
    assert summary("perceptron") == 1.0
    out = capsys.readouterr().out
    assert out == format_summary("perceptron", rows) + "\n"
    assert "아직 실행하지 않은 항목 (not run yet)이 6개 있습니다." in out
    assert LAST_RUNS in out and RERUN_NOW not in out          # without a namespace it says it is the last runs


RIGHT_STEP = "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n"


def test_a_summary_with_the_namespace_runs_the_checks_again(monkeypatch, capsys):
    """The issue's student: step's cell ran with `>=` (0 / 2), then step was fixed and only the
    summary run. The summary must show step as it is now, not the stale 0 (issue 22)."""
    monkeypatch.setattr("grader.student.summary.LAST_RUN", {})
    names = namespace()
    check("perceptron:step", names)
    assert summary_rows("perceptron")[0].earned == 0.0
    exec(RIGHT_STEP, names)
    capsys.readouterr()
    earned = summary("perceptron", names)
    out = capsys.readouterr().out
    assert "  step: 공개 (public) 2 / 2, 숨은 (hidden) 1" in out.splitlines(), out
    assert RERUN_NOW in out and LAST_RUNS not in out and NOT_RUN not in out
    assert earned == sum(r.earned for r in summary_rows("perceptron"))


def test_every_summary_cell_passes_its_namespace():
    for path in sorted(RELEASE.glob("*.ipynb")):
        cell = nbformat.read(path, as_version=4).cells[-1]
        assert "summary" in cell.metadata.tags and re.search(r'summary\("\w+", globals\(\)\)', cell.source), path.name


UNWRITTEN_PERCEPTRON = "def perceptron(x, w, b):\n    raise NotImplementedError()\n"


def test_a_dependency_message_is_said_once_per_cell(capsys):
    """An untouched perceptron under train_perceptron's 4 checks: the reason once, then "same
    reason as above", in the text and in the HTML (issue 22)."""
    names = namespace_with("perceptron", UNWRITTEN_PERCEPTRON)
    check("perceptron:train_perceptron", names)
    out = capsys.readouterr().out
    assert out.count("perceptron 이(가) 아직 맞지 않습니다") == 1, out
    assert out.count(SAME_AS_ABOVE) == out.count("✘ ") - 1 >= 3, out
    html = report_html(run_specs("perceptron", names, target="train_perceptron"))
    assert html.count("perceptron 이(가) 아직 맞지 않습니다") == 1 and html.count(SAME_AS_ABOVE) >= 3


# ---------------------------------------------------------------- the engine's own words

def mismatch(check, *args, **kwargs) -> str:
    with pytest.raises(Mismatch) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def overflow() -> None:
    with without_overflow("sigmoid(z)"):
        np.exp(np.array([1000.0]))


def wrong_probe() -> None:
    raise Mismatch("step(0)", "값 (value)이 다릅니다")


def blamed() -> None:
    with builds_on("perceptron", {"step": wrong_probe}):
        raise ValueError("x")


def engine_sentences() -> dict[str, str]:
    return {
        "labels": " ".join([HIDDEN_TAG, HIDDEN_NOTE, HINT_LABEL, SCORE_LABEL, PUBLIC_CHECKS, hidden_points_note(1)]),
        **{f"row {name}": label for name, label in LABELS.items()},
        "numbers": mismatch(assert_close, "abc", np.zeros(3), "f(x)"),
        "shape": mismatch(assert_shape, np.zeros((2, 3)), (3, 2), "f(x)"),
        "integers": mismatch(assert_integer, np.array([0.5]), "f(x)"),
        "not finite": mismatch(assert_close, np.array([np.nan]), np.array([1.0]), "f(x)"),
        "differs": mismatch(assert_close, np.array([1.0, 2.5]), np.array([1.0, 2.0]), "f(x)"),
        "type": mismatch(assert_equal, 3, "relu", "quiz"),
        "value": mismatch(assert_equal, "relu", "tanh", "quiz"),
        "overflow": mismatch(overflow),
        "builds on": mismatch(blamed),
        "missing": words.missing_name("step"),
        "not implemented": words.NOT_IMPLEMENTED,
        "raised": words.code_raised("ValueError", "x"),
        "check timeout": words.check_too_long(10),
        "cell timeout": words.cell_note(3, words.cell_too_long(60)),
        "cell raised": words.cell_note(3, words.cell_raised("ValueError", "x")),
        "out of time": words.OUT_OF_TIME,
        "process": words.process_ended("exit code 1"),
        "not run": words.not_run("x"),
        "custom model class": words.custom_model_class("MyModel"),
        "summary": NOT_RUN,
        "same reason": SAME_AS_ABOVE,
    }


@pytest.mark.parametrize("name", list(engine_sentences()))
def test_every_engine_sentence_is_korean_with_the_english_term_beside_it(name):
    text = engine_sentences()[name]
    prose = re.sub(r"`[^`]*`|\b[A-Z]\w*Error\b|f\(x\)|sigmoid\(z\)|step\(0\)|\b(?:dtype|float64|str|int|nan|inf|"
                   r"exp|float|relu|tanh|quiz|abc|perceptron|step|x)\b", "", text)
    english = re.findall(r"[A-Za-z]{3,}", prose)
    if english:
        assert HANGUL.search(text), f"{name}: English prose without Korean: {text!r}"
        assert re.search(r"[\uac00-\ud7a3][^()]*\([^()]*[A-Za-z]{3,}", text), \
            f"{name}: no English term in parentheses beside the Korean: {text!r}"
