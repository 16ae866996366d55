"""``make bench`` (part 2): ``grader grade`` and ``nbgrader autograde`` on the same class.

A generated class of ``--submissions`` numpy notebooks (01 perceptron and 04 training
skills; full marks, untouched, partial, a syntax error, a broken file, and a hostile one that
patches ``grader.check`` before the test cells, then reads the reference solutions and patches
the grader after them) is graded three times:

- by ``nbgrader autograde`` with nbgrader's own ``Execute`` (one Jupyter kernel per notebook,
  unsandboxed: the baseline an nbgrader course starts from);
- by ``nbgrader autograde`` with this course's config (the sandboxed ``SandboxedExecute``);
- by ``grader grade`` (sandboxed, on ``--workers`` processes).

Prints seconds per submission for each, the ratios, the points the hostile notebooks got on
each path, the grader's peak memory (the whole process tree), and its overhead per notebook
beyond the student's own code (the time the sandbox spent running the notebook's cells).
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

from grader.student.cells import kind
from grader.course.classroom import submission_bytes
from grader.course.demo import ASSIGNMENT, make_course
from grader.course.release import ROOT, nbgrader

NOTEBOOKS = ("01_perceptron", "04_training_skills")
KINDS = ("fullmarks", "untouched", "partial", "syntaxerror", "brokenfile", "hostile")
HOSTILE_TOP = """
import grader   # in a Jupyter kernel, every test cell's check() now says -1 (nbgrader: full marks)
grader.check = lambda *args, **kwargs: -1.0
"""
HOSTILE_END = f"""
import glob
for path in glob.glob({str(ROOT / "solutions" / "week3" / "*.py")!r}):   # the grader's own solutions
    try:
        exec(open(path).read(), globals())
    except Exception:
        pass
try:
    import grader.student.compare
    grader.student.compare.assert_close = lambda *a, **k: None
except Exception:
    pass
"""


def hostile(release, source):
    """The release with the checker patched before the first test cell and the reference
    solutions read (and the grader patched) after the last one."""
    notebook = nbformat.from_dict(nbformat.reads(nbformat.writes(release), as_version=4))
    setup = next(i for i, cell in enumerate(notebook.cells) if kind(cell) == "setup")
    notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(HOSTILE_TOP))
    notebook.cells.append(nbformat.v4.new_code_cell(HOSTILE_END))
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

        baseline = course.with_name(course.name + "-nbgrader-kernel")
        shutil.copytree(course, baseline)
        with open(baseline / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(UNSANDBOXED)
        kernel_seconds = timed_autograde(baseline)
        nbgrader_seconds = timed_autograde(course, "--SandboxedExecute.cell_timeout=60")

        out = course / "grader-results"
        command = [sys.executable, "-m", "grader.student.cli", "grade", str(course / "submitted"), "--out", str(out),
                   "--workers", str(args.workers), "--no-progress"]
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        memory = PeakMemory(process.pid)
        _, errors = process.communicate()
        grader_seconds = time.monotonic() - started
        peak = memory.stop()
        if process.returncode != 0:
            print(errors)

        from grader.grading.gradescope import read_results
        documents = [read_results(p) for p in out.glob("*/*/results.json")]
        cell_seconds = cell_time(documents)
        per = {name: seconds / args.submissions for name, seconds in
               [("kernel", kernel_seconds), ("nbgrader", nbgrader_seconds), ("grader", grader_seconds)]}
        from grader.sandbox.launcher import isolation_note
        print(f"sandbox: {isolation_note() or 'bwrap and a pids cgroup'}; {args.workers} workers, "
              f"{os.cpu_count()} cores")
        print(f"nbgrader autograde, nbgrader's kernel (unsandboxed baseline): {kernel_seconds:7.1f} s  "
              f"({per['kernel']:.2f} s per submission)")
        print(f"nbgrader autograde, sandboxed (this course):                  {nbgrader_seconds:7.1f} s  "
              f"({per['nbgrader']:.2f} s per submission, {per['kernel'] / per['nbgrader']:.1f}x the baseline)")
        print(f"grader grade, sandboxed, {args.workers} workers:                       {grader_seconds:7.1f} s  "
              f"({per['grader']:.2f} s per submission, {per['kernel'] / per['grader']:.1f}x the baseline; "
              f"target: at least 5x)")
        print(f"grader peak memory: {peak / 2**20:7.0f} MB  (all processes)")
        hostile_students = [student for student, kind in made if kind == "hostile"]
        ours = {d["extra_data"]["student"]: d["score"] for d in documents if d}
        print(f"hostile notebooks (patch grader.check, exec the solutions), points in all: "
              f"nbgrader's kernel {sum(nbgrader_scores(baseline, hostile_students).values()):g}, "
              f"sandboxed nbgrader {sum(nbgrader_scores(course, hostile_students).values()):g}, "
              f"grader grade {sum(ours.get(s, 0) for s in hostile_students):g}")
        theirs_all = nbgrader_scores(course, [student for student, _ in made])
        differ = sorted(s for s in theirs_all if theirs_all[s] != ours.get(s, 0.0))
        print(f"sandboxed nbgrader and grader grade: {'the same score for every submission' if not differ else 'different scores for ' + ', '.join(differ)}")
        graded = [d for d in documents if d and d["extra_data"]["status"] == "graded"]
        if graded:
            busy = sum(d["extra_data"]["seconds"] for d in graded) / len(graded)
            own = cell_seconds / max(len(graded), 1)
            print(f"per graded notebook: {busy:.2f} s of grading, of which {own:.2f} s running the student's "
                  f"cells; overhead {busy - own:.2f} s (target: under 0.5 s)")
    finally:
        shutil.rmtree(course, ignore_errors=True)
        shutil.rmtree(course.with_name(course.name + "-nbgrader-kernel"), ignore_errors=True)


UNSANDBOXED = """
# the baseline: nbgrader's own Execute, student code in a Jupyter kernel (no sandbox)
from nbgrader.converters import Autograde
c.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
c.Execute.timeout = 60
"""


def timed_autograde(course: Path, *options: str) -> float:
    started = time.monotonic()
    nbgrader("autograde", ASSIGNMENT, "--create", "--force", *options, root=course, check=False)
    return time.monotonic() - started


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
