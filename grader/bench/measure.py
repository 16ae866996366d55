"""What the bench measures of one ``grader grade`` run: wall and CPU seconds, and the memory of its
whole process tree over time (its peak, and the peak of its first tenth: is it flat?)."""
from __future__ import annotations

import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


class PeakMemory:
    """Samples the resident memory of a process and all its children (every 0.1 s)."""

    def __init__(self, pid: int):
        import psutil
        self.process, self.samples, self._stop = psutil.Process(pid), [], threading.Event()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)

    def _run(self):
        import psutil
        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                rss = 0
                for process in tree:
                    try:
                        rss += process.memory_info().rss
                    except psutil.Error:    # a sandbox that ended between the listing and the reading
                        pass
                self.samples.append((time.monotonic() - self.started, rss))
            except psutil.Error:
                pass
            time.sleep(0.1)

    def peak_until(self, fraction: float) -> int:
        """The peak within the first ``fraction`` of the run."""
        end = max((t for t, _ in self.samples), default=0.0) * fraction
        return max((rss for t, rss in self.samples if t <= end), default=0)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak


@dataclass
class GraderRun:
    """One ``grader grade`` of the class: wall and CPU seconds (the whole process tree), memory."""
    seconds: float
    cpu_seconds: float
    peak: int
    early_peak: int          # the peak within the first 10% of the run
    documents: list
    returncode: int


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's waited-for children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade_with_grader(course: Path, workers: int) -> GraderRun:
    """``grader grade`` on ``course/submitted`` in a process of its own, measured."""
    from grader.grading.gradescope import read_results

    out = course / "grader-results"
    command = [sys.executable, "-m", "grader.student.cli", "grade", str(course / "submitted"), "--out", str(out),
               "--workers", str(workers), "--no-progress"]
    cpu, started = children_cpu(), time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    _, errors = process.communicate()
    seconds, cpu = time.monotonic() - started, children_cpu() - cpu
    memory.stop()
    if process.returncode != 0:
        print(errors)
    documents = [read_results(p) for p in out.glob("*/*/results.json")]
    return GraderRun(seconds, cpu, memory.peak, memory.peak_until(0.1), documents, process.returncode)


