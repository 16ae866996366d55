"""``make bench`` (part 2): ``grader grade`` against ``nbgrader autograde`` on the same class.

A generated class of ``--submissions`` numpy notebooks (01 perceptron and 04 training
skills; full marks, untouched, partial, a syntax error, a broken file, and a hostile one that
tries to read the reference solutions and patch the grader) is graded once by nbgrader
(one kernel per notebook, one after another) and once by ``grader grade`` (sandboxed, on
``--workers`` processes). Prints seconds per submission for each, their ratio, the grader's
peak memory (the whole process tree), and its overhead per notebook beyond the student's
own code (the time the sandbox spent running the notebook's cells).
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

from grader.classroom import STUDENTS, submission_bytes
from grader.demo import make_course
from grader.release import ASSIGNMENT, ROOT, nbgrader

NOTEBOOKS = ("01_perceptron", "04_training_skills")
KINDS = ("fullmarks", "untouched", "partial", "syntaxerror", "brokenfile", "hostile")
HOSTILE = f"""
import glob
for path in glob.glob({str(ROOT / "solutions" / "week3" / "*.py")!r}):   # the grader's own solutions
    try:
        exec(open(path).read(), globals())
    except Exception:
        pass
try:
    import grader.compare
    grader.compare.assert_close = lambda *a, **k: None
except Exception:
    pass
"""


def hostile(release, source):
    notebook = nbformat.from_dict(nbformat.reads(nbformat.writes(release), as_version=4))
    notebook.cells.append(nbformat.v4.new_code_cell(HOSTILE))
    return nbformat.writes(notebook).encode()


def write_class(course: Path, count: int) -> list[tuple[str, str]]:
    """``count`` submissions under ``course/submitted``; returns (student, kind) pairs."""
    made = []
    pairs = itertools.cycle(itertools.product(KINDS, NOTEBOOKS))
    for number in range(count):
        kind, notebook = next(pairs)
        student = f"s{number:03d}{kind}"
        release = nbformat.read(course / "assignments" / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
        source = nbformat.read(course / "source" / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
        data = hostile(release, source) if kind == "hostile" else submission_bytes(kind, release, source)
        path = course / "submitted" / student / ASSIGNMENT / f"{notebook}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        made.append((student, kind))
    return made


class PeakMemory:
    """Samples the resident memory of a process and all its children."""

    def __init__(self, pid: int):
        import psutil
        self.process, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        import psutil
        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    course = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    try:
        make_course(course, notebooks=[n[:2] for n in NOTEBOOKS])
        nbgrader("generate_assignment", ASSIGNMENT, "--force", root=course)
        made = write_class(course, args.submissions)
        print(f"class: {args.submissions} submissions of {', '.join(NOTEBOOKS)} ({', '.join(KINDS)})")

        started = time.monotonic()
        nbgrader("autograde", ASSIGNMENT, "--create", "--force", "--ExecutePreprocessor.timeout=60", root=course,
                 check=False)
        nbgrader_seconds = time.monotonic() - started

        out = course / "grader-results"
        command = [sys.executable, "-m", "grader.cli", "grade", str(course / "submitted"), "--out", str(out),
                   "--workers", str(args.workers), "--no-progress"]
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        memory = PeakMemory(process.pid)
        _, errors = process.communicate()
        grader_seconds = time.monotonic() - started
        peak = memory.stop()
        if process.returncode != 0:
            print(errors)

        from grader.gradescope import read_results
        documents = [read_results(p) for p in out.glob("*/*/results.json")]
        cell_seconds = cell_time(documents)
        per_nbgrader, per_grader = nbgrader_seconds / args.submissions, grader_seconds / args.submissions
        from grader.sandbox.launcher import isolation_note
        print(f"sandbox: {isolation_note() or 'bwrap and a pids cgroup'}; {args.workers} workers, "
              f"{os.cpu_count()} cores")
        print(f"nbgrader autograde: {nbgrader_seconds:7.1f} s  ({per_nbgrader:.2f} s per submission)")
        print(f"grader grade:       {grader_seconds:7.1f} s  ({per_grader:.2f} s per submission)")
        print(f"speed-up:           {per_nbgrader / per_grader:7.1f}x  (target: at least 5x)")
        print(f"grader peak memory: {peak / 2**20:7.0f} MB  (all processes)")
        hostile_students = [student for student, kind in made if kind == "hostile"]
        ours = {d["extra_data"]["student"]: d["score"] for d in documents if d}
        theirs = nbgrader_scores(course, hostile_students)
        print(f"hostile notebooks (exec the solutions, patch the grader): nbgrader gave "
              f"{sum(theirs.values()):g} points in all, grader grade {sum(ours.get(s, 0) for s in hostile_students):g}")
        graded = [d for d in documents if d and d["extra_data"]["status"] == "graded"]
        if graded:
            busy = sum(d["extra_data"]["seconds"] for d in graded) / len(graded)
            own = cell_seconds / max(len(graded), 1)
            print(f"per graded notebook: {busy:.2f} s of grading, of which {own:.2f} s running the student's "
                  f"cells; overhead {busy - own:.2f} s (target: under 0.5 s)")
    finally:
        shutil.rmtree(course, ignore_errors=True)


def nbgrader_scores(course: Path, students: list[str]) -> dict[str, float]:
    from nbgrader.api import Gradebook, MissingEntry
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            try:
                scores[student] = gradebook.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                scores[student] = 0.0
    return scores


def cell_time(documents) -> float:
    """Seconds the graded notebooks spent running their own cells (recorded by the sandbox)."""
    return sum(float(d["extra_data"].get("cell_seconds", 0.0)) for d in documents if d)


if __name__ == "__main__":
    main()
