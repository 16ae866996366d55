"""The pages in a real browser: the feedback page and the class report in headless Chromium.

Each page must load with no console or JavaScript error and no request outside itself, show
its score table with rows and every picture decoded, draw its Korean text with a font that
has Hangul (Debian: fonts-nanum), and show the score that results.json holds. Screenshots
stay in ``tests-output/browser/`` for a person to look at. One Chromium serves the module
(the ``browser`` fixture in conftest.py: skipped without Chromium, failed if
``GRADER_REQUIRE_BROWSER=1``).
"""
import json
import re

import pytest

from grader.batch.run import Options, run_batch
from grader.pages.class_report import write_report
from tests.helpers import ROOT, hand_in

pytestmark = pytest.mark.xdist_group("browser")
SCREENSHOTS = ROOT / "tests-output" / "browser"
NOTEBOOK = "01_perceptron"
STUDENTS = ["fullmarks", "partial"]
QUICK = Options(test_timeout=5, cell_timeout=30, submission_timeout=120)
SCORE_HEADER = re.compile(r"score|point|점수|배점|득점", re.IGNORECASE)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def number(value: float) -> str:
    """A pattern for ``value`` as a page may print it: 22, 22.0, 10.5."""
    return re.escape(f"{float(value):g}") + (r"(?:\.0+)?" if float(value).is_integer() else "0*")


def assert_looks_right(page):
    """What every page must get right in the browser."""
    assert not page.problems, "\n".join(page.problems)
    scored = [t for t in page.tables if any(SCORE_HEADER.search(h) for h in t.headers)]
    assert scored and all(t.rows > 0 for t in scored), f"no score table with rows: {page.tables}"
    broken = [image for image in page.images if not (image.complete and image.width > 0 and image.height > 0)]
    assert not broken, f"pictures that did not load: {broken}"
    assert HANGUL.search(page.text), "no Korean text on the page"
    assert page.korean_fonts, (f"Korean text drawn without a Korean font (fonts used: {sorted(page.hangul_fonts)}): "
                               "install one, e.g. apt-get install fonts-nanum")
    assert page.screenshot.stat().st_size > 1000


# ------------------------------------------------------------ the helper itself

def test_a_self_contained_page_passes_and_a_leaky_one_is_caught(browser, tmp_path):
    from grader.pages.figures import pyplot, to_data_uri
    from grader.pages.html import figure, page, table

    plt = pyplot()
    fig, axes = plt.subplots(figsize=(3, 2))
    axes.plot([0, 1, 2], [2, 1, 0])
    body = ("<h1>피드백 (feedback)</h1><p>점수 21 / 22</p>"
            + table(["학생 (student)", "점수 (score)"], [["fullmarks", "22"], ["partial", "11"]], numeric={1})
            + figure(to_data_uri(fig), "손실 (loss)"))
    good = tmp_path / "good.html"
    good.write_text(page("피드백", body), encoding="utf-8")
    rendered = browser.render(good, SCREENSHOTS / "self-contained.png")
    assert_looks_right(rendered)
    assert rendered.tables[0].headers == ["학생 (student)", "점수 (score)"] and rendered.tables[0].rows == 2
    assert len(rendered.images) == 1 and rendered.images[0].width > 100
    assert "21 / 22" in rendered.text

    leaky = tmp_path / "leaky.html"
    leaky.write_text(page("leaky", body + '<img src="https://example.com/x.png" alt="remote">'
                                          '<img src="data:image/png;base64,AAAA" alt="broken">'
                                          '<script>console.error("boom"); notDefined();</script>'), encoding="utf-8")
    caught = browser.render(leaky, tmp_path / "leaky.png")
    assert any("example.com" in r and "self-contained" in r for r in caught.failed_requests)
    assert any("boom" in m for m in caught.console_errors)
    assert any("notDefined" in m for m in caught.page_errors)
    assert {i.alt for i in caught.images if i.width == 0} == {"remote", "broken"}



def test_visit_allows_only_the_named_local_server(browser, tmp_path):
    """Browser.visit lets the page load from the one server it names, and refuses everything else."""
    import functools
    import http.server
    import threading

    (tmp_path / "index.html").write_text('<p>ok</p><img src="http://127.0.0.1:9/x.png" alt="other port">'
                                         '<img src="https://example.com/x.png" alt="remote">', encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with browser.visit(origin) as visit:
                visit.page.goto(f"{origin}/index.html", wait_until="load")
                assert visit.page.inner_text("p") == "ok"
                refused = list(visit.failed_requests)
        finally:
            server.shutdown()
    assert len(refused) == 2 and all("not local" in r for r in refused), refused
    assert any("127.0.0.1:9/" in r for r in refused) and any("example.com" in r for r in refused)
    for not_loopback in ("https://example.com", "http://10.0.0.1:8888", "http://127.0.0.1:8888.evil.com"):
        with pytest.raises(ValueError):
            with browser.visit(not_loopback):
                pass


# ------------------------------------------------------------ the real pages

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A small class graded by `grader grade`: (results folder, {student: results.json})."""
    course = hand_in(tmp_path_factory.mktemp("course"), STUDENTS, NOTEBOOK)
    out = tmp_path_factory.mktemp("results")
    run_batch(course, out, QUICK, workers=2, progress=False)
    results = {s: json.loads((out / s / NOTEBOOK / "results.json").read_text(encoding="utf-8")) for s in STUDENTS}
    assert results["fullmarks"]["score"] == results["fullmarks"]["max_score"] > results["partial"]["score"] > 0
    return out, results


@pytest.fixture(scope="module")
def feedback_pages(graded):
    """The pages `grader grade` wrote beside each results.json (what students are sent)."""
    out, _ = graded
    pages = {student: out / student / NOTEBOOK / "feedback.html" for student in STUDENTS}
    assert all(page.is_file() for page in pages.values()), pages
    return pages


@pytest.fixture(scope="module")
def class_report(graded, tmp_path_factory):
    out, _ = graded
    folder = tmp_path_factory.mktemp("report")
    return write_report(out, folder / "report.html", folder / "report.csv")


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_page_in_chromium(browser, graded, feedback_pages, student):
    _, results = graded
    rendered = browser.render(feedback_pages[student], SCREENSHOTS / f"feedback-{student}.png")
    assert_looks_right(rendered)
    document = results[student]
    shown = re.compile(rf"{number(document['score'])}\s*/\s*{number(document['max_score'])}")
    assert shown.search(rendered.text), f"score {document['score']} / {document['max_score']} not on the page"
    assert sum(t.rows for t in rendered.tables) >= len(document["tests"])
    if student == "fullmarks":
        assert rendered.images, "no pictures of the student's work"


@pytest.mark.slow
def test_class_report_in_chromium(browser, graded, class_report):
    _, results = graded
    rendered = browser.render(class_report, SCREENSHOTS / "class-report.png")
    assert_looks_right(rendered)
    # Scores per student are in the report's CSV; the page shows each notebook's mean and max.
    scores = [document["score"] for document in results.values()]
    mean = re.compile(rf"(?<![\d.]){number(round(sum(scores) / len(scores), 1))}(?![\d])")
    possible = re.compile(rf"(?<![\d.]){number(results['fullmarks']['max_score'])}(?![\d])")
    rows = [line for line in rendered.text.splitlines() if line.startswith(NOTEBOOK)]
    assert any(mean.search(row) and possible.search(row) for row in rows), \
        f"mean {sum(scores) / len(scores)} and max {results['fullmarks']['max_score']} not in: {rows}"
    for student in results:
        assert student in rendered.text, f"{student} is not in the report"
