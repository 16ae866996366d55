"""`grader grade` over a class: layouts, Gradescope results, resuming, and a Dask cluster."""
import csv
import os
import json
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from grader.batch.run import Options, run_batch
from grader.core.engine import available_specs
from grader.grading.submissions import find_units
from tests import helpers
from tests.helpers import ROOT

pytestmark = pytest.mark.xdist_group("batch")
NOTEBOOK = "01_perceptron"
CLASS = ["fullmarks", "untouched", "partial"]
QUICK = Options(test_timeout=5, cell_timeout=30, submission_timeout=120)


def hand_in(folder, students=CLASS, notebook=NOTEBOOK):
    return helpers.hand_in(folder, students, notebook)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = hand_in(tmp_path_factory.mktemp("course"))
    out = tmp_path_factory.mktemp("results")
    rows = run_batch(course, out, QUICK, workers=2, progress=False)
    return course, out, rows


def test_every_student_gets_a_row_and_the_expected_scores(graded):
    _, out, rows = graded
    scores = {r["student"]: (r["score"], r["max_score"], r["status"]) for r in rows}
    assert scores["fullmarks"] == (22.0, 22.0, "graded")
    assert scores["untouched"] == (0.0, 22.0, "graded")
    assert 0 < scores["partial"][0] < 22
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert sorted(r["student"] for r in table) == sorted(CLASS)


def test_results_follow_gradescope_and_hide_hidden_details(graded):
    _, out, _ = graded
    document = json.loads((out / "partial" / NOTEBOOK / "results.json").read_text(encoding="utf-8"))
    assert {"score", "max_score", "output", "tests", "execution_time"} <= set(document)
    assert sum(t["score"] for t in document["tests"]) == document["score"]
    assert sum(t["max_score"] for t in document["tests"]) == document["max_score"] == 22
    for test in document["tests"]:
        assert {"name", "score", "max_score", "output", "visibility", "status"} <= set(test)
    hidden = [t for t in document["tests"] if t["extra_data"]["hidden"]]
    visible = [t for t in document["tests"] if not t["extra_data"]["hidden"]]
    assert hidden and visible
    assert {t["visibility"] for t in hidden} == {"after_published"}
    failed_hidden = [t for t in hidden if t["status"] == "failed"]
    assert failed_hidden and all(t["output"].startswith("숨은 검사를 통과하지 못했습니다 (hidden test failed)")
                                for t in failed_hidden)
    assert all("expected" not in t["output"] for t in failed_hidden)
    assert any("not implemented yet" in t["output"] for t in visible if t["status"] == "failed")
    feedback = (out / "partial" / NOTEBOOK / "feedback.txt").read_text(encoding="utf-8")
    assert "partial" in feedback and "/ 22" in feedback


def test_a_second_run_grades_nothing_again_unless_a_file_changed_or_forced(graded, tmp_path):
    course, out, rows = graded
    marks = {p: p.stat().st_mtime_ns for p in out.glob("*/*/results.json")}
    assert run_batch(course, out, QUICK, workers=1, progress=False) == rows
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*/results.json")} == marks
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    changed = course / "submitted" / "untouched" / "week3" / f"{NOTEBOOK}.ipynb"
    original = changed.read_bytes()
    try:
        changed.write_bytes((course / "submitted" / "fullmarks" / "week3" / f"{NOTEBOOK}.ipynb").read_bytes())
        regraded = {r["student"]: r["score"] for r in run_batch(course, copy, QUICK, workers=1, progress=False)}
        assert regraded["untouched"] == 22.0
        assert (copy / "partial" / NOTEBOOK / "results.json").stat().st_mtime_ns == \
            marks[out / "partial" / NOTEBOOK / "results.json"]
    finally:
        changed.write_bytes(original)
    forced = Options(**{**QUICK.__dict__, "force": True})
    run_batch(course, copy, forced, workers=1, progress=False, )
    assert (copy / "partial" / NOTEBOOK / "results.json").stat().st_mtime_ns != \
        marks[out / "partial" / NOTEBOOK / "results.json"]


def test_a_killed_batch_resumes_without_grading_anything_twice(tmp_path):
    course = hand_in(tmp_path / "course", students=["fullmarks", "untouched", "partial", "syntaxerror"])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader.student.cli", "grade", str(course), "--out", str(out), "--workers", "1",
               "--timeout", "5", "--no-progress"]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*/*/results.json")) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    done = {p: p.stat().st_mtime_ns for p in out.glob("*/*/results.json")}
    assert 1 <= len(done) < 4
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    after = {p: p.stat().st_mtime_ns for p in out.glob("*/*/results.json")}
    assert len(after) == 4 and all(after[p] == mark for p, mark in done.items())
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        students = [r["student"] for r in csv.DictReader(handle)]
    assert sorted(students) == ["fullmarks", "partial", "syntaxerror", "untouched"]
    assert not list(out.glob("*/*/.*"))          # no half-written temporary files left behind


def test_layouts_nbgrader_flat_and_zip_find_the_same_notebooks(tmp_path):
    course = hand_in(tmp_path / "course")
    nbgrader_units = find_units(course, available_specs(), tmp_path / "u1")
    flat = tmp_path / "flat"
    flat.mkdir()
    for student in CLASS:
        shutil.copy(course / "submitted" / student / "week3" / f"{NOTEBOOK}.ipynb", flat / f"{student}_{NOTEBOOK}.ipynb")
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (course / "submitted").rglob("*.ipynb"):
            zipped.write(path, path.relative_to(course))
        zipped.writestr("../escape.ipynb", "{}")
    zipped_units = find_units(archive, available_specs(), tmp_path / "u3")
    for units in (nbgrader_units, find_units(flat, available_specs(), tmp_path / "u2"),
                  [u for u in zipped_units if u.status != "refused"]):
        assert sorted((u.student, u.spec) for u in units) == sorted((s, "perceptron") for s in CLASS)
    assert not (tmp_path / "escape.ipynb").exists()
    # the entry outside the archive is not unpacked, and says so in a row of its own
    assert [(u.entry, u.status) for u in zipped_units if u.status] == [("../escape.ipynb", "refused")]


def test_command_line_reports_and_exits_zero(tmp_path):
    course = hand_in(tmp_path / "course", students=["untouched"])
    (course / "submitted" / "nobody").mkdir()
    done = subprocess.run([sys.executable, "-m", "grader.student.cli", "grade", str(course), "--out", str(tmp_path / "out"),
                           "--workers", "1", "--no-progress"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "graded 2 notebooks of 2 students" in done.stdout
    assert (tmp_path / "out" / "untouched" / NOTEBOOK / "feedback.html").is_file()
    assert f"{tmp_path / 'out'}/<student>/<notebook>/feedback.html" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "grader.student.cli", "grade", str(tmp_path / "nope"), "--out",
                              str(tmp_path / "out2")], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_a_dask_cluster_gives_the_same_results_as_the_process_pool(graded, tmp_path):
    distributed = pytest.importorskip("distributed")
    course, _, rows = graded
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_batch(course, tmp_path / "dask", QUICK, scheduler=cluster.scheduler_address, progress=False)
    strip = lambda table: [{k: v for k, v in r.items() if k != "seconds"} for r in table]  # noqa: E731
    assert strip(on_dask) == strip(rows)
