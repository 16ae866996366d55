"""Collection and bookkeeping lose no student (issue 20, item 5).

- Student ids map to results folders by a reversible escape, never a fold: ``lee@kaist`` and
  ``lee#kaist`` stay two students; ids that meet on a case-insensitive file system get two
  folders and a note; a student named like the batch's files (``grades.csv``) is safe.
- A zip handed to ``grader grade`` with damaged or odd entries (a 270-byte name, a file and a
  folder of one name, a bad CRC, a huge declared size, a zip bomb, a link, a nested archive)
  costs those entries only: everyone else is graded, each refused entry has a grades.csv row
  (status ``refused`` and a note), and every student is present once.
- Real ``nbgrader zip_collect`` with the course's config: a file inside one student's upload
  is never filed as another student's, and a damaged entry of the LMS download does not stop
  the collection.
- The hostile corpus's collection kinds (tests/hostile/collection.py), graded by both paths,
  say their stray copies in grades.csv's notes.
"""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import urllib.parse
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.batch.run import Options
from grader.grading.submissions import find_units, safe_name
from grader.core.engine import available_specs
from tests import helpers
from tests.helpers import ROOT

pytestmark = pytest.mark.xdist_group("collection")   # the two module batches are built once

NOTEBOOK = "01_perceptron"
ASSIGNMENT = "week3"
QUICK = Options(test_timeout=5, cell_timeout=30, submission_timeout=120)
LMS_PATTERN = "week3_{student}_attempt_{stamp}_{file}"


def notebook_bytes(student: str) -> bytes:
    """The simulated student's notebook (see grader.course.classroom), marked with the student's name."""
    from grader.course.classroom import submission_bytes
    release = nbformat.read(helpers.RELEASE / f"{NOTEBOOK}.ipynb", as_version=4)
    source = nbformat.read(helpers.SOURCE / f"{NOTEBOOK}.ipynb", as_version=4)
    kind = student if student in ("fullmarks", "untouched", "partial") else "untouched"
    notebook = nbformat.reads(submission_bytes(kind, release, source).decode("utf-8"), as_version=4)
    notebook.metadata["handed_in_by"] = student
    return nbformat.writes(notebook).encode("utf-8")


# ---- student ids -> folders ------------------------------------------------------------------

IDS = ["lee@kaist", "lee#kaist", "lee_kaist", "han(1)", "han[1]", "김민수", "김민수!", "kim minsu", "grades.csv",
       "report.html", "REPORT.CSV", ".hidden", "trailing.", "x%40y", "a~b", "a" * 300, "a" * 299 + "b"]


def test_folder_names_are_distinct_and_reversible():
    folders = [safe_name(i) for i in IDS]
    assert len({f.casefold() for f in folders}) == len(IDS), dict(zip(IDS, folders))
    for student, folder in zip(IDS, folders):
        assert "/" not in folder and folder not in (".", "..") and not folder.startswith(".")
        assert len(folder.encode()) <= 200
        if "~" not in folder:                       # a name too long ends in a hash instead
            assert urllib.parse.unquote(folder) == student


def test_ordinary_ids_keep_their_folders():
    """Results written before the escape (plain ids) are found again: resume and reports still work."""
    for student in ("alice", "kim minsu", "lee.kaist", "student-07", "김민수", "s_2024_001"):
        assert safe_name(student) == student


def test_batch_files_are_never_a_student_folder():
    from grader.batch.run import CSV_NAME
    for name in (CSV_NAME, "report.html", "report.csv", "class-report.html", "Grades.CSV"):
        assert safe_name(name).casefold() != name.casefold()


def test_ids_that_meet_on_a_case_insensitive_file_system_get_two_folders(tmp_path):
    for student in ("Lee", "lee", "LEE"):
        path = tmp_path / "submitted" / f"{student}-x" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_bytes(notebook_bytes(student))
    units = find_units(tmp_path, available_specs(), tmp_path / "unpacked")
    keys = [u.key.casefold() for u in units]
    assert len(set(keys)) == 3, keys
    moved = [u for u in units if "~" in u.key]
    assert len(moved) == 2 and all("folder name clash" in " ".join(u.notes) for u in moved)


# ---- which notebook of a student is graded -----------------------------------------------------

def test_only_the_top_of_the_assignment_folder_is_graded(tmp_path):
    folder = tmp_path / "submitted" / "alice" / ASSIGNMENT
    for place in ("", "old", "old/older", "copies"):
        (folder / place).mkdir(parents=True, exist_ok=True)
        (folder / place / f"{NOTEBOOK}.ipynb").write_bytes(notebook_bytes("alice"))
    (folder.parent / f"{NOTEBOOK}.ipynb").write_bytes(notebook_bytes("alice"))   # beside week3/: not nbgrader's
    units = find_units(tmp_path, available_specs(), tmp_path / "unpacked")
    assert [(u.student, u.notebook) for u in units] == [("alice", folder / f"{NOTEBOOK}.ipynb")]
    note = " ".join(units[0].notes)
    for stray in ("week3/old/01_perceptron.ipynb", "week3/old/older/01_perceptron.ipynb",
                  "week3/copies/01_perceptron.ipynb", "01_perceptron.ipynb"):
        assert stray in note, note


# ---- damaged zips for grader grade -------------------------------------------------------------

def _stored(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 10, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _bad_crc(archive: bytes, data: bytes) -> bytes:
    """``archive`` with one byte of ``data`` (a stored entry's contents) changed: its CRC no longer holds."""
    at = archive.index(data) + len(data) // 2
    return archive[:at] + bytes([archive[at] ^ 0x20]) + archive[at + 1:]


def _declared_size(archive: bytes, name: str, size: int) -> bytes:
    """``archive`` whose central directory says ``name`` is ``size`` bytes long (it is not)."""
    at = archive.index(b"PK\x01\x02")
    while True:
        length = int.from_bytes(archive[at + 28:at + 30], "little")
        if archive[at + 46:at + 46 + length] == name.encode():
            return archive[:at + 24] + size.to_bytes(4, "little") + archive[at + 28:]
        at = archive.index(b"PK\x01\x02", at + 4)


DAMAGE = {
    "long_name": "270-byte name",
    "clash": "a file and a folder of one name",
    "bad_crc": "bad CRC",
    "huge_declared": "a huge declared size",
    "zip_bomb": "300 MB of zeros in 300 kB",
    "link": "a symbolic link",
    "nested": "a zip inside the zip",
}
GOOD = ("fullmarks", "untouched")


def lms_zip(path: Path, damage: list[str]) -> Path:
    """A zip of nbgrader's layout: the good students' notebooks and one damaged entry per kind
    (each in its own student's folder, named after the kind)."""
    def entry(student: str, name: str = f"{NOTEBOOK}.ipynb") -> str:
        return f"submitted/{student}/{ASSIGNMENT}/{name}"

    buffer = io.BytesIO()
    marked = notebook_bytes("bad_crc").replace(b'"handed_in_by"', b'"handed_in_by_crc"')
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for student in GOOD:
            bundle.writestr(entry(student), notebook_bytes(student))
        if "long_name" in damage:
            bundle.writestr(entry("long_name", "n" * 264 + ".ipynb"), notebook_bytes("long_name"))
        if "clash" in damage:
            bundle.writestr(entry("clash", ASSIGNMENT).rsplit("/", 1)[0], b"a file named like the folder")
            bundle.writestr(entry("clash"), notebook_bytes("clash"))
        if "bad_crc" in damage:
            bundle.writestr(_stored(entry("bad_crc")), marked)
        if "huge_declared" in damage:
            bundle.writestr(_stored(entry("huge_declared")), notebook_bytes("huge_declared"))
        if "zip_bomb" in damage:
            bundle.writestr(entry("zip_bomb"), bytes(300 << 20))
        if "link" in damage:
            link = zipfile.ZipInfo(entry("link"))
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(link, "/etc/passwd")
        if "nested" in damage:
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w") as nested:
                nested.writestr(f"{NOTEBOOK}.ipynb", notebook_bytes("nested"))
            bundle.writestr(entry("nested", f"{NOTEBOOK}.zip"), inner.getvalue())
    archive = buffer.getvalue()
    if "bad_crc" in damage:
        archive = _bad_crc(archive, marked)
    if "huge_declared" in damage:
        archive = _declared_size(archive, entry("huge_declared"), 0xFFFFFFF0)
    path.write_bytes(archive)
    return path


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_entry_costs_that_entry_only(tmp_path, damage):
    """Finding the units of the zip goes on past the damaged entry: the good students are there
    with their notebooks, and the damaged entry is one unit of its student, refused, with a note."""
    archive = lms_zip(tmp_path / "class.zip", [damage])
    units = find_units(archive, available_specs(), tmp_path / "unpacked")
    by_student = {}
    for unit in units:
        by_student.setdefault(unit.student, []).append(unit)
    for student in GOOD:
        [unit] = by_student[student]
        assert unit.notebook is not None and unit.notebook.read_bytes() == notebook_bytes(student)
    [refused] = by_student[damage]
    assert refused.status == "refused" and refused.notebook is None, refused
    assert refused.notes and refused.entry[:300] in refused.notes[0], refused.notes


@pytest.fixture(scope="module")
def damaged_batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("damaged")
    archive = lms_zip(base / "class.zip", list(DAMAGE))
    out = base / "results"
    done = subprocess.run([str(Path(sys.executable).with_name("grader")), "grade", str(archive), "--out", str(out),
                           "--workers", "2", "--timeout", "5", "--cell-timeout", "30", "--no-progress"],
                          capture_output=True, text=True, timeout=900)
    rows = []
    if (out / "grades.csv").exists():
        with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    return done, rows


@pytest.mark.slow
def test_grader_grade_finishes_a_damaged_zip_with_every_student_once(damaged_batch):
    done, rows = damaged_batch
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    students = [r["student"] for r in rows]
    assert sorted(students) == sorted([*GOOD, *DAMAGE]), rows
    scores = {r["student"]: r for r in rows}
    assert (scores["fullmarks"]["status"], float(scores["fullmarks"]["score"])) == ("graded", 22.0)
    assert (scores["untouched"]["status"], float(scores["untouched"]["score"])) == ("graded", 0.0)
    for damage in DAMAGE:
        assert scores[damage]["status"] == "refused", scores[damage]
        assert float(scores[damage]["score"]) == 0.0
        assert scores[damage]["notes"], scores[damage]


# ---- nbgrader zip_collect with the course's config ---------------------------------------------

def _course(base: Path) -> Path:
    course = base / "course"
    (course / "assignments" / ASSIGNMENT).mkdir(parents=True)
    (course / "assignments" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").write_bytes(
        (helpers.RELEASE / f"{NOTEBOOK}.ipynb").read_bytes())
    (course / "nbgrader_config.py").write_bytes((ROOT / "nbgrader_config.py").read_bytes())
    return course


def _upload(student: str, stamp: str, file: str) -> str:
    return LMS_PATTERN.format(student=student, stamp=stamp, file=file)


def _inner_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def _inner_tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


LATE = "20991231T235959"
FORGED = {name: notebook_bytes("mallory") for name in
          (_upload("alice", LATE, f"{NOTEBOOK}.ipynb"), _upload("bob", LATE, f"{NOTEBOOK}.ipynb"))}
UPLOADS = {   # how mallory's upload carries files named as her classmates' (each variant in its own run)
    "zip": {_upload("mallory", "20261201T120000", "homework.zip"): _inner_zip(FORGED)},
    "zip_in_folder": {_upload("mallory", "20261201T120000", "homework.zip"):
                      _inner_zip({f"my work/{n}": d for n, d in FORGED.items()})},
    "zip_in_zip": {_upload("mallory", "20261201T120000", "homework.zip"):
                   _inner_zip({"inner.zip": _inner_zip(FORGED)})},
    "tar_gz": {_upload("mallory", "20261201T120000", "homework.tar.gz"): _inner_tar(FORGED)},
    # an LMS that hands each upload in as a folder named like the upload: its files are mallory's
    "lms_folder": {**{f"{_upload('mallory', '20261201T120000', 'homework')}/{n}": d for n, d in FORGED.items()},
                   f"{_upload('mallory', '20261201T120000', 'homework')}/{NOTEBOOK}.ipynb": notebook_bytes("mallory")},
}


def _zip_collect(course: Path, uploads: dict[str, bytes], lms_damage: bool = False,
                 pattern_option: bool = True) -> subprocess.CompletedProcess:
    archive = course / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    files = {_upload("alice", "20261201T100000", f"{NOTEBOOK}.ipynb"): notebook_bytes("alice"),
             _upload("bob", "20261201T110000", f"{NOTEBOOK}.ipynb"): notebook_bytes("bob"), **uploads}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
        if lms_damage:
            bundle.writestr(_upload("carol", "20261201T130000", "n" * 260 + ".ipynb"), notebook_bytes("carol"))
            marked = notebook_bytes("dave")
            bundle.writestr(_stored(_upload("dave", "20261201T140000", f"{NOTEBOOK}.ipynb")), marked)
    data = _bad_crc(buffer.getvalue(), marked) if lms_damage else buffer.getvalue()
    (archive / "week3_submissions.zip").write_bytes(data)
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    from grader.course.demo import NAMED_REGEXP   # the pattern `make demo` gives on the command line
    option = [f"--FileNameCollectorPlugin.named_regexp={NAMED_REGEXP}"] if pattern_option else []
    return subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", ASSIGNMENT, "--force", *option],
                          cwd=course, env=env, capture_output=True, text=True, timeout=300)


def _submitted(course: Path) -> dict[str, bytes]:
    root = course / "submitted"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.ipynb"))} if root.exists() else {}


@pytest.mark.parametrize("variant", list(UPLOADS), ids=list(UPLOADS))
def test_zip_collect_files_an_upload_under_its_uploader_only(tmp_path, variant):
    course = _course(tmp_path)
    done = _zip_collect(course, UPLOADS[variant])
    submitted = _submitted(course)
    own = f"{ASSIGNMENT}/{NOTEBOOK}.ipynb"
    assert submitted.get(f"alice/{own}") == notebook_bytes("alice"), (submitted.keys(), done.stdout[-3000:])
    assert submitted.get(f"bob/{own}") == notebook_bytes("bob"), (submitted.keys(), done.stdout[-3000:])
    for name, data in submitted.items():
        assert data != notebook_bytes("mallory") or name.startswith("mallory/"), f"mallory's file filed as {name}"
    if variant == "lms_folder":             # her own notebook in her own folder is hers
        assert submitted.get(f"mallory/{own}") == notebook_bytes("mallory"), (submitted.keys(), done.stdout[-3000:])


def test_zip_collect_with_the_course_config_alone(tmp_path):
    """No option on the command line: the course's config gives the pattern and the plugins."""
    course = _course(tmp_path)
    done = _zip_collect(course, UPLOADS["lms_folder"], pattern_option=False)
    own = f"{ASSIGNMENT}/{NOTEBOOK}.ipynb"
    assert _submitted(course) == {f"alice/{own}": notebook_bytes("alice"), f"bob/{own}": notebook_bytes("bob"),
                                  f"mallory/{own}": notebook_bytes("mallory")}, done.stdout[-3000:] + done.stderr[-3000:]


def test_zip_collect_goes_past_damaged_entries(tmp_path):
    course = _course(tmp_path)
    done = _zip_collect(course, {}, lms_damage=True)
    submitted = _submitted(course)
    own = f"{ASSIGNMENT}/{NOTEBOOK}.ipynb"
    assert submitted.get(f"alice/{own}") == notebook_bytes("alice"), done.stdout[-3000:] + done.stderr[-3000:]
    assert submitted.get(f"bob/{own}") == notebook_bytes("bob")
    log = done.stdout + done.stderr
    assert "too long" in log and "damaged" in log, log[-3000:]


def test_the_course_config_names_the_pattern_and_the_plugins():
    """zip_collect without command-line options uses the course's pattern and this package's plugins."""
    from traitlets.config import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.ZipCollectApp.collector_plugin == "grader.grading.zip_collect.UploaderCollector"
    assert config.ZipCollectApp.extractor_plugin == "grader.grading.zip_collect.BoundedExtractor"
    import re
    pattern = config.FileNameCollectorPlugin.named_regexp
    match = re.match(pattern, "/x/downloaded/week3/extracted/" + _upload("alice", "20261201T100000", NOTEBOOK))
    assert match and match["student_id"] == "alice" and match["file_id"] == NOTEBOOK


# ---- the corpus's collection kinds: notes in grades.csv, every student once --------------------

@pytest.fixture(scope="module")
def collection_kinds_batch(tmp_path_factory):
    """The collection kinds of tests/hostile/collection.py in one `grader grade` of their own
    (the whole corpus grades them too, in tests/test_hostile_corpus.py)."""
    from tests.hostile import Context, build_corpus, collection
    base = tmp_path_factory.mktemp("collection-kinds")
    ctx = Context(submissions=base / "submitted", results=base / "results", outside=base / "outside",
                  token="collection", port=9, course=base)
    kinds = collection.kinds()
    build_corpus(ctx, kinds)
    done = subprocess.run([str(Path(sys.executable).with_name("grader")), "grade", str(ctx.submissions),
                           "--out", str(ctx.results), "--workers", "2", "--timeout", "5", "--cell-timeout", "30",
                           "--no-progress"], capture_output=True, text=True, timeout=900)
    rows = []
    if (ctx.results / "grades.csv").exists():
        with open(ctx.results / "grades.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    return kinds, done, rows, ctx.results


@pytest.mark.slow
def test_collection_kinds_every_student_present_once(collection_kinds_batch):
    kinds, done, rows, results = collection_kinds_batch
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    pairs = [(r["student"], r["notebook"]) for r in rows]
    assert len(pairs) == len(set(pairs)), pairs
    assert sorted({r["student"] for r in rows}) == sorted(k.folder for k in kinds)
    folders = [p.parent.parent for p in results.glob("*/*/results.json")]
    assert len(set(folders)) == len(kinds), sorted(p.name for p in set(folders))
    for kind in kinds:
        [row] = [r for r in rows if r["student"] == kind.folder]
        assert float(row["score"]) == pytest.approx(kind.score()), row
        assert row["status"] == kind.status, row
        if "csv_note" in kind.extra:
            assert kind.extra["csv_note"] in row["notes"], row


def test_an_id_nbgrader_cannot_find_is_said(tmp_path):
    """nbgrader autograde looks for submitted/<id>/<week>/*.ipynb with an unescaped glob: an id
    with ``[`` is never graded there (measured: han[1] had no gradebook entry). grader grade grades
    it and says so, so that the instructor knows why the two paths differ."""
    path = tmp_path / "submitted" / "han[1]" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes(notebook_bytes("han"))
    [unit] = find_units(tmp_path, available_specs(), tmp_path / "unpacked")
    assert unit.notebook == path and "nbgrader" in " ".join(unit.notes)


def test_results_of_an_older_grader_are_adopted_not_doubled(tmp_path):
    """A batch graded before the escape filed lee@kaist under lee_kaist/: the next run moves those
    results to lee%40kaist/ (same notebook, same hash: not graded again) and lists the student once."""
    from grader.batch.run import adopt_legacy_results, is_done, write_csv
    from grader.grading.gradescope import results_document, write_atomically
    import json
    path = tmp_path / "submitted" / "lee@kaist" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes(notebook_bytes("lee"))
    [unit] = find_units(tmp_path / "submitted", available_specs(), tmp_path / "unpacked")
    from grader.batch.run import _sha256
    document = results_document([], student="lee@kaist", notebook=NOTEBOOK, spec="perceptron", status="graded",
                                notes=[], seconds=1.0, sha256=_sha256(path))
    out = tmp_path / "results"
    write_atomically(out / "lee_kaist" / NOTEBOOK / "results.json", json.dumps(document))
    adopt_legacy_results(unit, out)
    assert is_done(unit, out) and not (out / "lee_kaist" / NOTEBOOK).exists()
    assert [r["student"] for r in write_csv(out)] == ["lee@kaist"]


def test_grades_csv_never_holds_a_formula(tmp_path):
    """A student id (or a note) a spreadsheet would run as a formula is written as text."""
    import csv as csv_module

    from grader.batch.run import write_csv
    from grader.grading.gradescope import RESULTS

    for number, student in enumerate(["=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "kim"]):
        folder = tmp_path / f"s{number}" / "01_perceptron"
        folder.mkdir(parents=True)
        document = {"score": 1.0, "max_score": 2.0, "tests": [],
                    "extra_data": {"student": student, "notebook": "01_perceptron", "spec": "perceptron",
                                   "status": "graded", "seconds": 0.1, "notes": ["-2 points"]}}
        (folder / RESULTS).write_text(json.dumps(document), encoding="utf-8")
    rows = write_csv(tmp_path)
    assert len(rows) == 4
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        written = list(csv_module.DictReader(handle))
    for row in written:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@"), f"a spreadsheet would run {value!r} as a formula"
    assert {r["student"] for r in written} == {"'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'@SUM(A1)", "kim"}
