"""The class report's CSV: one row per student and notebook (missing ones too), for spreadsheets."""
from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from grader.grading.gradescope import spreadsheet_safe, write_atomically
from grader.pages.class_results import ClassResults
from grader.pages.class_stats import _fraction, _points, follow_ups, homework_accuracy, pass_rates


def csv_rows(results: ClassResults, roster: list[str] | None = None) -> tuple[list[str], list[list]]:
    """The header and one row per student and notebook (missing ones too), for spreadsheets."""
    names = results.names()
    stats = sorted(pass_rates(results), key=lambda s: (names.get(s.notebook, s.notebook), s.order))
    clashes = Counter(s.column for s in stats)
    columns = {(s.notebook, s.target, s.name): (f"{names.get(s.notebook, s.notebook)} {s.column}"
                                               if clashes[s.column] > 1 else s.column) for s in stats}
    measured, failed = homework_accuracy(results)
    with_accuracy = bool(measured)
    header = ["student", "notebook", "status", "score", "max_score", "seconds", *columns.values()]
    if with_accuracy:
        header += ["accuracy validation", "accuracy test"]
    rows = []
    for item in results.notebooks:
        earned = {(item.key, t.target, t.name): t.points for t in item.tests}
        row = [item.student, names.get(item.key, item.notebook), item.status, _points(item.score, 3),
               _points(item.max_score, 3), f"{item.seconds:.3f}"]
        row += ["" if key not in earned else _points(earned[key], 3) for key in columns]
        if with_accuracy:
            accuracy = item.accuracy or {}
            row += ["" if _fraction(accuracy.get(k)) is None else f"{_fraction(accuracy.get(k)):.4f}"
                    for k in ("validation", "test")]
        rows.append(row)
    blank = [""] * (len(header) - 3)
    for follow in follow_ups(results, roster):
        if follow.problem in ("not handed in", "results unreadable"):
            status = "missing" if follow.problem == "not handed in" else follow.problem
            rows.append([follow.student, follow.notebook, status, *blank])
    rows.sort(key=lambda r: (r[0], r[1]))
    return header, [[spreadsheet_safe(v) for v in row] for row in rows]


def write_csv(results: ClassResults, path: Path, roster: list[str] | None = None) -> Path:
    header, rows = csv_rows(results, roster)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    write_atomically(Path(path), "\ufeff" + text.getvalue())   # a BOM: Excel then reads UTF-8 (Korean names)
    return Path(path)

