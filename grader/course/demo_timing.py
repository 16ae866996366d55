"""Where ``make demo``'s minutes go: wall and CPU seconds per phase, and per notebook on each path.

CPU seconds are this process's and its finished children's (nbgrader's processes, the sandboxes,
``grader grade``'s workers): on a busy machine they say what the demo itself cost, which the wall
clock does not.
"""
from __future__ import annotations

import contextlib
import json
import resource
import time
from collections import defaultdict
from pathlib import Path


def cpu_seconds() -> float:
    """User + system seconds of this process and of its waited-for children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


class Phases:
    """``with phases("name"): ...`` records each phase's wall and CPU seconds; ``print()`` lists them."""

    def __init__(self):
        self.started, self.rows = time.monotonic(), []   # (started, name, wall seconds, CPU seconds or None)

    @contextlib.contextmanager
    def __call__(self, name: str, cpu: bool = True):
        """``cpu=False`` for a phase that runs beside another one (the CPU is the whole process's)."""
        wall, used = time.monotonic(), cpu_seconds()
        try:
            yield
        finally:
            self.rows.append((wall, name, time.monotonic() - wall, cpu_seconds() - used if cpu else None))

    def print(self) -> None:
        total = time.monotonic() - self.started
        parts = ", ".join(f"{name} {wall:.0f} s" + (f" (CPU {cpu:.0f} s)" if cpu is not None else "")
                          for _, name, wall, cpu in sorted(self.rows))
        print(f"\n[time] demo: {total:.0f} s ({total / 60:.1f} min, CPU {cpu_seconds():.0f} s): {parts}")


def autograde_seconds(course: Path, assignment: str) -> dict[str, float]:
    """Seconds per notebook name of ``nbgrader autograde``, from when it wrote each autograded
    notebook (it grades one notebook at a time; a student's first notebook is counted from the
    student's folder being made). Approximate: for where the minutes go, not for a benchmark."""
    seconds: dict[str, float] = defaultdict(float)
    for student in sorted((course / "autograded").glob("*/")):
        folder = student / assignment
        notebooks = sorted(folder.glob("*.ipynb"), key=lambda p: p.stat().st_mtime)
        if not notebooks:
            continue
        stamp = folder / "timestamp.txt"
        previous = min(stamp.stat().st_mtime if stamp.exists() else notebooks[0].stat().st_mtime,
                       notebooks[0].stat().st_mtime)
        for notebook in notebooks:
            mtime = notebook.stat().st_mtime
            seconds[notebook.stem] += max(mtime - previous, 0.0)
            previous = mtime
    return dict(seconds)


def grader_seconds(results: Path) -> dict[str, float]:
    """Seconds per notebook name of ``grader grade`` (each results.json's own grading time)."""
    seconds: dict[str, float] = defaultdict(float)
    for path in results.glob("*/*/results.json"):
        try:
            extra = json.loads(path.read_text(encoding="utf-8"))["extra_data"]
            seconds[extra.get("notebook") or path.parent.name] += float(extra.get("seconds") or 0.0)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return dict(seconds)


def print_per_notebook(paths: dict[str, dict[str, float]]) -> None:
    """One line per path: its seconds per notebook name, summed over the class."""
    print("\n[time] seconds per notebook, the whole class:")
    for path, seconds in paths.items():
        parts = ", ".join(f"{name} {value:.0f}" for name, value in sorted(seconds.items()))
        print(f"  {path:<20} {sum(seconds.values()):5.0f} s: {parts}")
