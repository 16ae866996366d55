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
each path, the grader's CPU and peak memory (the whole process tree), and its overhead per
notebook beyond the student's own code (the time the sandbox spent running the notebook's
cells); then otter-grader's ``otter run`` on the perceptron submissions (:mod:`grader.bench.otter`)
and issue 23's targets beside the issue's figures and this run's.

``--only-grader --submissions 1000 --workers 2`` (``make bench-1000``): ``grader grade`` alone on
a large class: total time, CPU per submission, and memory flatness (the peak of the process
tree in the first 10% of the run beside the whole run's).
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from grader.core.cells import kind
from grader.course.classroom import submission_bytes
from grader.course.demo import ASSIGNMENT, make_course
from grader.course.release import ROOT, nbgrader
from grader.bench.measure import GraderRun, grade_with_grader

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
    import grader.core.compare
    grader.core.compare.assert_close = lambda *a, **k: None
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


def overhead(documents) -> tuple[float, float] | None:
    """(grading seconds, of which the student's own cells) per graded notebook."""
    graded = [d for d in documents if d and d["extra_data"]["status"] == "graded"]
    if not graded:
        return None
    return (sum(d["extra_data"]["seconds"] for d in graded) / len(graded), cell_time(graded) / len(graded))


def print_memory(run: GraderRun) -> None:
    growth = run.peak / run.early_peak if run.early_peak else float("nan")
    print(f"grader peak memory: {run.peak / 2**20:7.0f} MB (all processes); in the first 10% of the run "
          f"{run.early_peak / 2**20:.0f} MB: {growth:.2f}x ({'flat' if growth < 1.25 else 'growing'})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only-grader", action="store_true",
                        help="only grader grade (no nbgrader, no otter): time, CPU and memory, e.g. with "
                             "--submissions 1000 --workers 2")
    parser.add_argument("--no-otter", action="store_true", help="do not measure otter-grader's otter run")
    args = parser.parse_args(argv)

    course = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    baseline = course.with_name(course.name + "-nbgrader-kernel")
    try:
        make_course(course, notebooks=[n[:2] for n in NOTEBOOKS])
        nbgrader("generate_assignment", ASSIGNMENT, "--force", root=course)
        made = write_class(course, args.submissions)
        print(f"class: {args.submissions} submissions of {', '.join(NOTEBOOKS)} ({', '.join(KINDS)})")
        from grader.sandbox.launcher import isolation_note
        print(f"sandbox: {isolation_note() or 'bwrap and a pids cgroup'}; {args.workers} workers, "
              f"{os.cpu_count()} cores")
        if args.only_grader:
            run = grade_with_grader(course, args.workers)
            graded = sum(1 for d in run.documents if d)
            print(f"grader grade, sandboxed, {args.workers} workers: {args.submissions} submissions in "
                  f"{run.seconds:.1f} s ({run.seconds / 60:.1f} min; {run.seconds / args.submissions:.3f} s each; "
                  f"target: 1000 in under 3 min; today 1000 in 8 min 53 s); {graded} results; "
                  f"CPU {run.cpu_seconds / args.submissions:.2f} s per submission")
            print_memory(run)
            return

        shutil.copytree(course, baseline)
        with open(baseline / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(UNSANDBOXED)
        kernel_seconds = timed_autograde(baseline)
        nbgrader_seconds = timed_autograde(course, "--SandboxedExecute.cell_timeout=60")
        run = grade_with_grader(course, args.workers)
        documents = run.documents
        per = {name: seconds / args.submissions for name, seconds in
               [("kernel", kernel_seconds), ("nbgrader", nbgrader_seconds), ("grader", run.seconds)]}
        print(f"nbgrader autograde, nbgrader's kernel (unsandboxed baseline): {kernel_seconds:7.1f} s  "
              f"({per['kernel']:.2f} s per submission)")
        print(f"nbgrader autograde, sandboxed (this course):                  {nbgrader_seconds:7.1f} s  "
              f"({per['nbgrader']:.2f} s per submission, {per['kernel'] / per['nbgrader']:.1f}x the baseline)")
        print(f"grader grade, sandboxed, {args.workers} workers:                       {run.seconds:7.1f} s  "
              f"({per['grader']:.2f} s per submission, {per['kernel'] / per['grader']:.1f}x the baseline; "
              f"CPU {run.cpu_seconds / args.submissions:.2f} s per submission)")
        print_memory(run)
        hostile_students = [student for student, kind in made if kind == "hostile"]
        ours = {d["extra_data"]["student"]: d["score"] for d in documents if d}
        print(f"hostile notebooks (patch grader.check, exec the solutions), points in all: "
              f"nbgrader's kernel {sum(nbgrader_scores(baseline, hostile_students).values()):g}, "
              f"sandboxed nbgrader {sum(nbgrader_scores(course, hostile_students).values()):g}, "
              f"grader grade {sum(ours.get(s, 0) for s in hostile_students):g}")
        theirs_all = nbgrader_scores(course, [student for student, _ in made])
        differ = sorted(s for s in theirs_all if theirs_all[s] != ours.get(s, 0.0))
        print(f"sandboxed nbgrader and grader grade: {'the same score for every submission' if not differ else 'different scores for ' + ', '.join(differ)}")
        split = overhead(documents)
        if split:
            print(f"per graded notebook: {split[0]:.2f} s of grading, of which {split[1]:.2f} s running the "
                  f"student's cells; overhead {split[0] - split[1]:.2f} s")
        otter = None
        if not args.no_otter:
            from grader.bench.otter import compare_with_otter
            otter = compare_with_otter(course, made, ours, args.workers)
        print_targets(per, split, run, args.submissions, otter)
    finally:
        shutil.rmtree(course, ignore_errors=True)
        shutil.rmtree(baseline, ignore_errors=True)


def print_targets(per: dict, split, run: GraderRun, submissions: int, otter) -> None:
    """Issue 23's targets beside today's figures (the issue's) and this run's."""
    rows = [("overhead per numpy notebook (grading s - student's cell s)", "at most 0.1 s", "0.41 s",
             f"{split[0] - split[1]:.2f} s" if split else "no graded notebook"),
            ("grader grade vs plain nbgrader autograde", "at least 25x", "10.6x",
             f"{per['kernel'] / per['grader']:.1f}x"),
            ("sandboxed nbgrader autograde vs plain", "at least 10x", "4.8x",
             f"{per['kernel'] / per['nbgrader']:.1f}x"),
            ("CPU per submission, otter run / grader grade", "at least 30x", "3.1-3.4 s / 0.33-0.42 s",
             otter.ratio_text(run.cpu_seconds / submissions) if otter else "not measured (--no-otter)"),
            ("1000 numpy submissions, grader grade --workers 2", "under 3 min", "8 min 53 s",
             "make bench-1000")]
    print(f"\n  {'targets (issue 23)':<60} {'target':<15} {'today':<25} this run")
    for name, target, today, now in rows:
        print(f"  {name:<60} {target:<15} {today:<25} {now}")


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
