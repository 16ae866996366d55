"""Grade a class: every submission, sandboxed, in parallel, resumable.

:func:`grade_unit` grades one notebook of one student (in a worker process) and writes its
results; :func:`run_batch` finds the submissions, skips what is already graded (same file,
same hash), runs the rest on a process pool or a Dask cluster, and rebuilds the class CSV
from every ``results.json`` on disk, so a batch killed at any moment and run again grades
only what is missing and records nothing twice.
"""
from __future__ import annotations

import concurrent.futures as futures
import csv
import dataclasses
import hashlib
import io
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from grader.core import words
from grader.grading.gradescope import (FEEDBACK, FEEDBACK_PAGE, INSTRUCTOR, OBSERVATIONS, RESULTS, read_results,
                                      results_document, spreadsheet_safe, write_atomically)
from grader.grading.clock import grade_on_clock
from grader.grading.sandboxed import Graded, Options, expected_tests, explain_unrun, runnable_cells
from grader.grading.submissions import Unit, find_units
from grader.pages.feedback import feedback_page
from grader.student.report import format_report
from grader.core.results import TestResult

CSV_NAME = "grades.csv"
CSV_FIELDS = ("student", "notebook", "spec", "score", "max_score", "status", "seconds", "notes")
CSV_NOTE_CHARS = 500


def _sha256(path: Path | None) -> str:
    if path is None:
        return ""
    digest = hashlib.sha256()
    try:
        with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NOFOLLOW)) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def write_graded(folder: Path, document: dict, results: list[TestResult], observations: dict | None = None) -> None:
    """Write feedback.txt, instructor.json, observations.json and feedback.html, then
    results.json (the 'done' mark)."""
    extra = document["extra_data"]
    feedback = format_report(results, title=f"{extra['notebook']} ({extra['student']})", notes=extra["notes"])
    write_atomically(folder / FEEDBACK, feedback + "\n")
    write_atomically(folder / INSTRUCTOR, json.dumps([r.to_dict() for r in results], indent=1, ensure_ascii=False))
    write_atomically(folder / OBSERVATIONS, json.dumps(observations or {}, ensure_ascii=False))
    write_atomically(folder / FEEDBACK_PAGE, feedback_page(document, observations or {}))
    write_atomically(folder / RESULTS, json.dumps(document, indent=1, ensure_ascii=False))


def grade_unit(unit: Unit, out: str, options: Options) -> dict:
    """Grade one notebook in a sandbox and write its results under ``out``; return its CSV row."""
    from grader.core.engine import available_specs
    from grader.core.notebook_file import NotebookError, load

    started = time.monotonic()
    graded = Graded("graded", [])
    if unit.status:                 # an archive entry that was not unpacked: nothing to grade
        graded.status = unit.status
    elif unit.notebook is None:
        graded.status = "empty"
        graded.notes.append(words.NOTHING_HANDED_IN)
    elif unit.spec not in available_specs():
        graded.status = "unknown"
        graded.notes.append(words.NOT_THIS_COURSE.format(name=unit.notebook.name, specs=", ".join(available_specs())))
    else:
        try:
            cells = runnable_cells(load(unit.notebook))
        except NotebookError as error:
            graded = Graded("unreadable", expected_tests(unit.spec), [str(error)])
            explain_unrun(graded.results, graded.notes)
        else:
            graded = grade_on_clock(unit.spec, cells, options, observe_work=True)   # never past the clock
    document = results_document(graded.results, student=unit.student, notebook=unit.stem, spec=unit.spec,
                                status=graded.status, notes=[*unit.notes, *graded.notes], seconds=time.monotonic() - started,
                                sha256=_sha256(unit.notebook), cell_seconds=graded.cell_seconds)
    write_graded(Path(out) / unit.key, document, graded.results, graded.observations)
    return _row(document)


def _row(document: dict) -> dict:
    extra = document["extra_data"]
    return {"student": extra["student"], "notebook": extra["notebook"], "spec": extra["spec"] or "",
            "score": document["score"], "max_score": document["max_score"], "status": extra["status"],
            "seconds": extra["seconds"], "notes": " | ".join(map(str, extra.get("notes") or []))[:CSV_NOTE_CHARS]}


def _legacy_folder(name: str) -> str:
    """The folder name results had before ids were escaped (several ids folded into one)."""
    return (re.sub(r"[^\w.\- ]", "_", name).strip(" .") or "_")[:120]


def adopt_legacy_results(unit: Unit, out: Path) -> None:
    """Move this unit's results from the folder an older grader gave them (``lee_kaist/`` for
    ``lee@kaist``) to its own, so a batch graded before the escape resumes instead of listing
    the student twice. Only results that name this student and notebook are moved."""
    legacy = out / _legacy_folder(unit.student) / _legacy_folder(unit.stem)
    target = out / unit.key
    if legacy == target or target.exists() or not (legacy / RESULTS).is_file() or legacy.is_symlink():
        return
    extra = (read_results(legacy / RESULTS) or {}).get("extra_data", {})
    if extra.get("student") == unit.student and extra.get("notebook") == unit.stem:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(legacy, target)


def is_done(unit: Unit, out: Path) -> bool:
    document = read_results(out / unit.key / RESULTS)
    return bool(document) and document["extra_data"].get("sha256") == _sha256(unit.notebook)


def write_csv(out: Path) -> list[dict]:
    """Rebuild ``grades.csv`` from every results.json under ``out``; return its rows."""
    rows = []
    for path in sorted(out.glob(f"*/*/{RESULTS}")):
        document = read_results(path)
        if document:
            rows.append(_row(document))
    rows.sort(key=lambda r: (r["student"], r["notebook"]))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows([{k: spreadsheet_safe(v) for k, v in row.items()} for row in rows])
    write_atomically(out / CSV_NAME, text.getvalue())
    return rows


def _executor(workers: int, scheduler: str | None):
    if scheduler:
        from distributed import Client
        client = Client(scheduler)
        return client.get_executor(pure=False), client
    return futures.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")), None


def run_batch(source: Path, out: Path, options: Options = Options(), workers: int | None = None,
              scheduler: str | None = None, progress: bool = True, spec: str | None = None) -> list[dict]:
    """Grade every submission in ``source`` into ``out``; return the class's CSV rows."""
    from grader.core.engine import available_specs
    from grader.sandbox.launcher import isolation_note

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    if not scheduler:   # each sandbox's BLAS/TensorFlow threads: its share of this machine's cores
        options = dataclasses.replace(options, limits=dataclasses.replace(
            options.limits, threads_per_library=max(1, (os.cpu_count() or 1) // workers)))
    note = isolation_note()
    if note:
        print(f"grader: note: {note}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="grader-unpacked-") as unpacked:
        units = find_units(Path(source), available_specs(), Path(unpacked), spec=spec)
        for unit in units:
            adopt_legacy_results(unit, out)
            if unit.status == "unreadable":     # the instructor hears of it now, the student in the results
                print(f"grader: {unit.student}: {unit.notes[0]}", file=sys.stderr)
        todo = [u for u in units if options.force or not is_done(u, out)]
        _run(todo, out, options, workers, scheduler, progress, skipped=len(units) - len(todo))
    return write_csv(out)


def _run(todo: list[Unit], out: Path, options: Options, workers: int, scheduler: str | None,
         progress: bool, skipped: int) -> None:
    from tqdm import tqdm

    bar = tqdm(total=len(todo) + skipped, initial=skipped, unit="notebook", disable=not progress,
               file=sys.stderr, dynamic_ncols=True)
    attempts: dict[str, int] = {}
    pending = list(todo)
    while pending:
        executor, client = _executor(workers, scheduler)
        broken = False
        try:
            submitted = {executor.submit(grade_unit, unit, str(out), options): unit for unit in pending}
            pending = []
            for future in futures.as_completed(submitted):
                unit = submitted[future]
                try:
                    row = future.result()
                    bar.set_postfix_str(f"{row['student']}: {row['score']:g}/{row['max_score']:g}", refresh=False)
                except Exception as error:  # the worker died (or the cluster lost it)
                    attempts[unit.key] = attempts.get(unit.key, 0) + 1
                    broken = broken or isinstance(error, futures.process.BrokenProcessPool)
                    if attempts[unit.key] < 2:
                        pending.append(unit)
                        continue
                    _record_failure(unit, out, error)
                bar.update(1)
        finally:
            if client is not None:
                executor.shutdown(wait=True)
                client.close()
            else:
                executor.shutdown(wait=True, cancel_futures=True)
        if pending and not broken:
            time.sleep(1)   # a cluster that lost workers: give it a moment before retrying
    bar.close()


def _record_failure(unit: Unit, out: Path, error: Exception) -> None:
    from grader.core.engine import available_specs
    results = expected_tests(unit.spec) if unit.spec in available_specs() else []
    for result in results:
        result.message = words.not_run(words.GRADING_PROCESS_FAILED)
    document = results_document(results, student=unit.student, notebook=unit.stem, spec=unit.spec, status="error",
                                notes=[*unit.notes, words.PROCESS_FAILED_TWICE.format(error_type=type(error).__name__,
                                                                                   error=error)],
                                seconds=0.0, sha256=_sha256(unit.notebook))
    write_graded(out / unit.key, document, results)
