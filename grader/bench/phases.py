"""Where one numpy notebook's grading time goes: ``python -m grader.bench.phases [SPEC NOTEBOOK]``.

Grades a week's reference notebook (``source/<week>/<NOTEBOOK>.ipynb``) step by step and
prints the shortest of ``--repeat`` runs of each step (the shortest is the least disturbed by
other work on the machine): a cold sandboxed child started and stopped, and with the notebook's
cells; the same forked from the warm parent; the checks against the sandboxed child; the same
checks in one process on the reference (the floor no sandbox can beat); a whole grading
in-process and on the submission's clock (a forked grading process); and the messages the
grader sends for one grading.
"""
from __future__ import annotations

import argparse
import time

import nbformat

from grader.course.release import ROOT
from grader.grading import clock
from grader.grading.sandboxed import Options, grade_cells, runnable_cells
from grader.sandbox import protocol, warm
from grader.sandbox.session import SandboxedSubmission
from grader.core.course import week_of
from grader.core.engine import run_specs


def shortest(step, repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def reference_namespace(spec: str) -> dict:
    """The reference solutions' code run in a fresh namespace, as a notebook's would be."""
    path = ROOT / "solutions" / week_of(spec) / f"{spec}.py"
    namespace = {"__name__": f"reference_{spec}"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return namespace


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default="perceptron")
    parser.add_argument("notebook", nargs="?", default="01_perceptron")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    spec, repeat = args.spec, args.repeat
    source = ROOT / "source" / week_of(spec) / f"{args.notebook}.ipynb"
    cells = runnable_cells(nbformat.read(source, as_version=4))

    def started(with_cells: bool):
        SandboxedSubmission(cells if with_cells else []).__enter__().close()

    def checks():
        with SandboxedSubmission(cells) as submission:
            run_specs(spec, submission, scope="all", timeout=30)

    rows = [("cold child: start and stop", shortest(lambda: started(False), max(repeat // 2, 1))),
            ("cold child: start, the notebook's cells, stop", shortest(lambda: started(True), max(repeat // 2, 1)))]
    clock.warm(spec)
    if warm.warm_up(Options().limits) is None:
        print("no warm sandbox here (no bubblewrap, or GRADER_COLD_SANDBOX=1): the rows below are cold")
    rows += [("warm child: fork and stop", shortest(lambda: started(False), repeat)),
             ("warm child: fork, the notebook's cells, stop", shortest(lambda: started(True), repeat)),
             ("warm child: fork, cells, every check", shortest(checks, repeat))]
    namespace = reference_namespace(spec)
    rows.append(("every check in one process, no sandbox (the floor)",
                 shortest(lambda: run_specs(spec, namespace, scope="all", timeout=30), repeat)))
    rows.append(("grade_cells, warm, pictures observed", shortest(lambda: grade_cells(spec, cells, observe_work=True), repeat)))
    rows.append(("grade_on_clock: a forked grading process", shortest(
        lambda: clock.grade_on_clock(spec, cells, Options(), observe_work=True), repeat)))
    sent = [0]
    send = protocol.Peer.send

    def counted(peer, message):
        sent[0] += 1
        return send(peer, message)
    protocol.Peer.send = counted
    try:
        checks()
    finally:
        protocol.Peer.send = send
    print(f"{spec} ({args.notebook}), the shortest of {repeat} runs:")
    for name, seconds in rows:
        print(f"  {name:55s} {seconds:7.3f} s")
    print(f"  messages the grader sends for one grading's checks      {sent[0]:7d}")


if __name__ == "__main__":
    main()
