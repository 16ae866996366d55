"""A whole term on a real course server, as its real users (issue: a real course server).

One module fixture makes the server (``tests/course_server.py``: Unix users in their groups, the
environment every user runs, the course's own PostgreSQL, the course folder and exchange), then:
the instructor releases ``week3``; three students fetch it, work (full marks, partial, and a
hostile one: a kernel-side attack on the grader's checks plus a sandbox attack that reads the
instructor's files the grader can read) and submit, each as their own Unix user; the instructor
collects; two graders run ``nbgrader autograde`` at the same time on different students, against
the one PostgreSQL gradebook; the instructor generates and releases feedback; each student
fetches it. Then ``grader grade`` (as the instructor: a non-root grader) grades the same files.
"""
from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from tests import hostile
from tests.course_server import Server, can_run, make_server
from tests.helpers import built_once

pytestmark = [pytest.mark.xdist_group("course_server"), pytest.mark.slow]

ASSIGNMENT = "week3"
NOTEBOOK = "01_perceptron"
STUDENTS = ("full", "partial", "hostile")

# The sandbox attack of the hostile student: everything secret the grader's own user can read on
# this server (the installed reference solutions and hidden specs, the instructor's source notebook,
# the course's nbgrader_config.py with the gradebook's password), found and used if it can be.
SERVER_ATTACK = '''
import glob, importlib, json, sys
_found = {{}}
_places = ["{venv}/lib/python3*/site-packages/solutions/week3/perceptron.py",
           "{venv}/lib/python3*/site-packages/grader/weeks/week3/perceptron_hidden.py",
           "{course}/source/week3/01_perceptron.ipynb", "{course}/nbgrader_config.py",
           "{course}/submitted/*/week3/01_perceptron.ipynb", "{course}/autograded/*/week3/01_perceptron.ipynb"]
for _pattern in _places:
    for _path in glob.glob(_pattern):
        try:
            _found[_path] = open(_path).read()
        except OSError:
            pass
try:
    _found["import"] = open(importlib.import_module("solutions.week3.perceptron").__file__).read()
except Exception:
    pass
for _path, _text in _found.items():
    if _path.endswith(".py"):
        try:
            exec(_text, globals())
        except Exception:
            pass
    elif _path.endswith(".ipynb"):
        for _cell in json.loads(_text)["cells"]:
            if _cell["cell_type"] == "code" and "BEGIN SOLUTION" in "".join(_cell["source"]):
                try:
                    exec("".join(_cell["source"]), globals())
                except Exception:
                    pass
print("SERVER-ATTACK found:", sorted(_found))
'''


def _notebooks(server: Server, staging: Path) -> dict[str, Path]:
    """Each student's perceptron notebook, in a folder every user can read."""
    course = server.course
    made = {
        "full": hostile.full(),
        "partial": hostile.filled(hostile.release(), hostile.source(), keep=2),
        "hostile": hostile.add_cell(
            hostile.add_cell(hostile.release(), hostile.PATCH_RUN_SPECS.replace("{{", "{").replace("}}", "}")),
            SERVER_ATTACK.format(venv=course.venv, course=course.course_dir), where="end"),
    }
    paths = {}
    for name, notebook in made.items():
        paths[name] = hostile.write(staging / name, notebook, f"{NOTEBOOK}.ipynb")
        paths[name].chmod(0o644)
        (staging / name).chmod(0o755)
    staging.chmod(0o755)
    return paths


def expected_scores() -> dict[str, float]:
    return {"full": hostile.total("perceptron"),
            "partial": hostile.points("perceptron", ("step", "perceptron")),
            "hostile": 0.0}


def _gradebook_scores(server: Server) -> dict[str, float]:
    from nbgrader.api import Gradebook
    with Gradebook(server.db_url) as gradebook:
        return {name: gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, server.course.user(name)).score
                for name in STUDENTS}


def _grader_grade_scores(server: Server, results: Path) -> dict[str, float]:
    scores = {}
    for path in results.glob(f"**/{NOTEBOOK}/results.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        scores[document["extra_data"]["student"]] = document["score"]
    return {name: scores.get(server.course.user(name)) for name in STUDENTS}


def _term() -> dict:
    """The whole term; returns what the tests read, with each step's time."""
    server = make_server(STUDENTS)
    course, times, logs = server.course, {}, {}
    kim, park = course.staff
    student = {name: course.user(name) for name in STUDENTS}

    def step(name, work):
        start = time.perf_counter()
        result = work()
        times[name] = round(time.perf_counter() - start, 1)
        return result

    staging = course.root / "staging"
    staging.mkdir()
    notebooks = _notebooks(server, staging)
    step("release", lambda: (server.nbgrader(kim, "generate_assignment", ASSIGNMENT),
                             server.nbgrader(kim, "release_assignment", ASSIGNMENT)))

    def work_and_submit():
        for name, user in student.items():
            server.nbgrader(user, "fetch_assignment", ASSIGNMENT)
            folder = course.home(user) / course.course_id / ASSIGNMENT
            # the student works on the perceptron only, and hands in that notebook
            server.as_user(user, "find", str(folder), "-name", "*.ipynb", "-delete")
            server.as_user(user, "cp", str(notebooks[name]), str(folder / f"{NOTEBOOK}.ipynb"))
            server.nbgrader(user, "submit", ASSIGNMENT)
    step("fetch, work and submit", work_and_submit)
    step("collect", lambda: server.nbgrader(kim, "collect", ASSIGNMENT))

    # two graders at once, on different students, against the one PostgreSQL gradebook
    shares = {kim: [student["full"], student["hostile"]], park: [student["partial"]]}
    outputs, errors = {}, []

    def grade(grader: str) -> None:
        try:
            for user in shares[grader]:
                outputs[user] = server.nbgrader(grader, "autograde", ASSIGNMENT, f"--student={user}", "--create")
        except Exception as error:   # noqa: BLE001 - reported by the test
            errors.append(error)

    def autograde_at_once():
        threads = [threading.Thread(target=grade, args=(g,)) for g in shares]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    step("autograde (two graders at once)", autograde_at_once)
    logs["autograde"] = {u: o.stdout + o.stderr for u, o in outputs.items()}
    logs["autograde errors"] = [str(e) for e in errors]

    step("feedback", lambda: (server.nbgrader(kim, "generate_feedback", ASSIGNMENT),
                              server.nbgrader(kim, "release_feedback", ASSIGNMENT)))
    fetched = {}
    for name, user in student.items():
        server.nbgrader(user, "fetch_feedback", ASSIGNMENT)
        pages = sorted((course.home(user) / course.course_id / ASSIGNMENT / "feedback").glob("*/*.html"))
        fetched[name] = {page.name: page.read_text(encoding="utf-8") for page in pages}

    results = course.course_dir / "results"
    graded = step("grader grade (as the instructor)", lambda: server.as_user(
        kim, "grader", "grade", str(course.course_dir / "submitted"), "--out", str(results), "--workers", "2",
        cwd=course.course_dir, check=False))
    logs["grader grade"] = graded.stdout[-3000:] + graded.stderr[-3000:]
    access = {user: _probe(server, user, _targets(server, user)) for user in (kim, park, *student.values())}
    return {"server": server, "times": times, "logs": logs, "errors": errors, "access": access,
            "gradebook": _gradebook_scores(server), "grader_grade": _grader_grade_scores(server, results),
            "feedback": fetched}


# ---- who can see what, tried as each real user -----------------------------------------------

def _targets(server: Server, user: str) -> list[list[str]]:
    """What each user tries to read: a classmate's work and feedback, and the course's secrets."""
    course = server.course
    other = course.user("full") if user != course.user("full") else course.user("partial")
    packages = next(course.venv.glob("lib/python3*/site-packages"))
    hidden_compiled = next(packages.glob("grader/weeks/week3/__pycache__/perceptron_hidden.*.pyc"))
    fetched = course.home(other) / course.course_id / ASSIGNMENT
    database = server.db_url.split("@", 1)[1]
    role = server.db_url.split("//", 1)[1].split(":", 1)[0]
    return [
        ["classmate's submission (course folder)", "file", f"{course.course_dir}/submitted/{other}/{ASSIGNMENT}/{NOTEBOOK}.ipynb"],
        ["classmate's submission (exchange inbound)", "dir", f"{course.exchange}/{course.course_id}/inbound"],
        ["classmate's notebook (their home)", "file", f"{fetched}/{NOTEBOOK}.ipynb"],
        ["classmate's feedback (course folder)", "file", f"{course.course_dir}/feedback/{other}/{ASSIGNMENT}/{NOTEBOOK}.html"],
        ["classmate's feedback (exchange)", "dir", f"{course.exchange}/{course.course_id}/feedback"],
        ["classmate's feedback (their home)", "dir", f"{fetched}/feedback"],
        ["the course folder", "dir", str(course.course_dir)],
        ["the course's nbgrader_config.py", "file", f"{course.course_dir}/nbgrader_config.py"],
        ["source/ (the instructor's notebooks)", "file", f"{course.course_dir}/source/{ASSIGNMENT}/{NOTEBOOK}.ipynb"],
        ["solutions/ (installed)", "file", f"{packages}/solutions/week3/perceptron.py"],
        ["solutions/ (listed)", "dir", f"{packages}/solutions"],
        ["hidden specs", "file", f"{packages}/grader/weeks/week3/perceptron_hidden.py"],
        ["hidden specs (compiled)", "file", str(hidden_compiled)],
        ["gradebook (the grader's URL)", "gradebook", f"{course.course_dir}/nbgrader_config.py"],
        ["gradebook (no password)", "gradebook", f"postgresql+psycopg://{role}@{database}"],
        ["gradebook (as postgres, no password)", "gradebook", f"postgresql+psycopg://postgres@{database}"],
        ["the database's files", "dir", str(course.database_dir / "data")],
        ["the users' first passwords", "file", str(course.secrets / "passwords")],
    ]


def _probe(server: Server, user: str, targets: list[list[str]]) -> dict[str, str]:
    probe = server.course.root / "staging" / "server_probe.py"
    if not probe.exists():
        probe.write_text((Path(__file__).parent / "server_probe.py").read_text(encoding="utf-8"))
        probe.chmod(0o644)
    done = server.as_user(user, "python", str(probe), stdin=json.dumps(targets), cwd=server.course.root)
    return json.loads(done.stdout)


# A grader reads every part of the course, and nothing of a student's own home or root's secrets.
GRADERS_CANNOT = {"classmate's notebook (their home)", "classmate's feedback (their home)",
                  "gradebook (no password)", "gradebook (as postgres, no password)",
                  "the database's files", "the users' first passwords"}


@pytest.fixture(scope="module")
def term():
    reason = can_run()
    if reason:
        pytest.skip(reason)
    return built_once("course-term", _term)


def test_two_graders_autograde_at_once_without_error(term):
    assert not term["errors"], term["errors"]
    for user, log in term["logs"]["autograde"].items():
        assert "Traceback" not in log and "ERROR" not in log, f"{user}:\n{log[-3000:]}"


def test_scores_in_the_gradebook_are_exact_and_the_hostile_student_gains_nothing(term):
    expected = expected_scores()
    assert expected["full"] > expected["partial"] > 0
    assert term["gradebook"] == pytest.approx(expected), (term["gradebook"], term["logs"])


def test_grader_grade_gives_the_same_scores_on_the_same_files(term):
    assert term["grader_grade"] == pytest.approx(term["gradebook"]), (term["grader_grade"], term["logs"]["grader grade"])


def _page_score(page: str) -> float:
    """The notebook's score as nbgrader's feedback page heads it: "01_perceptron (Score: X / Y)"."""
    found = re.search(r"\(Score: ([0-9.]+) / ([0-9.]+)\)", page)
    assert found, page[:2000]
    return float(found.group(1))


def test_each_student_fetches_only_their_own_feedback(term):
    expected = expected_scores()
    assert len(set(expected.values())) == len(STUDENTS), "the three scores tell the pages apart"
    for name in STUDENTS:
        pages = term["feedback"][name]
        assert list(pages) == [f"{NOTEBOOK}.html"], pages.keys()
        assert _page_score(pages[f"{NOTEBOOK}.html"]) == pytest.approx(expected[name], abs=0.01), name


def test_the_term_is_timed(term):
    """The time of each step and who could read what, printed for the note (``-s`` shows it)."""
    print(json.dumps(term["times"], indent=1))
    for user, seen in term["access"].items():
        print(user, {label: verdict.split(":")[0] + (":" + verdict.split(":")[1] if ":" in verdict else "")
                     for label, verdict in seen.items()})
    assert set(term["times"]) >= {"release", "collect", "autograde (two graders at once)", "feedback"}


def test_a_student_reads_nothing_of_classmates_or_the_course(term):
    course = term["server"].course
    for name in STUDENTS:
        seen = term["access"][course.user(name)]
        assert len(seen) == 18
        read = {label: verdict for label, verdict in seen.items() if verdict == "read"}
        assert not read, f"{name} could read: {sorted(read)}"


def test_a_grader_reads_every_part_of_the_course(term):
    course = term["server"].course
    for grader in course.staff:
        seen = term["access"][grader]
        for label, verdict in seen.items():
            if label in GRADERS_CANNOT:
                assert verdict != "read", (grader, label)
            else:
                assert verdict == "read", (grader, label, verdict)
