"""Read a handed-in notebook file as plain data, quickly and defensively.

``nbformat`` takes about 3 s to import here (its JSON-schema validator pulls in a grammar
library), once per process; batch grading starts many processes, so nbformat-4 files (what
Jupyter has written since 2015) are read with :mod:`json` and checked for the structure the
grader relies on. Older formats go through nbformat's converter.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.core import words

# Saved outputs make notebooks large (a training loop that printed every step); they are not
# graded, and nbgrader grades such files, so only a file beyond any notebook's size is refused.
MAX_BYTES = 512 << 20
CELL_TYPES = ("code", "markdown", "raw")


CANNOT_READ = words.CANNOT_READ
NOT_A_NOTEBOOK = words.NOT_A_NOTEBOOK


class NotebookError(ValueError):
    """The file is not a notebook that can be graded (unreadable, not JSON, not nbformat)."""


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text; a link, a huge file or bytes that are not UTF-8 raise NotebookError."""
    if not path.exists() and not path.is_symlink():
        raise NotebookError(words.NO_SUCH_FILE.format(name=path.name, cannot_read=CANNOT_READ))
    if path.is_symlink() or not path.is_file():
        raise NotebookError(words.NOT_A_REGULAR_FILE.format(name=path.name, cannot_read=CANNOT_READ))
    if path.stat().st_size > max_bytes:
        raise NotebookError(words.NOTEBOOK_TOO_LARGE.format(name=path.name, mb=max_bytes >> 20))
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(words.NOT_UTF8.format(name=path.name, cannot_read=CANNOT_READ, reason=error.reason,
                                                 start=error.start)) from None
    except OSError as error:
        raise NotebookError(words.CANNOT_READ_BECAUSE.format(name=path.name, cannot_read=CANNOT_READ,
                                                            error=error.strerror or error)) from None


def parse(text: str, name: str) -> dict:
    """The notebook as a dict whose cells have a ``cell_type``, ``metadata`` and a str ``source``."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(words.NOT_JSON.format(name=name, line=error.lineno, column=error.colno,
                                                 error=error.msg)) from None
    except RecursionError:
        raise NotebookError(words.NESTED_TOO_DEEPLY.format(name=name)) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", []), list):
        raise NotebookError(words.NO_CELL_LIST.format(name=name, not_a_notebook=NOT_A_NOTEBOOK))
    if notebook.get("nbformat") != 4:
        return _converted(text, name)
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES or not isinstance(source, str):
            raise NotebookError(words.MALFORMED_CELL.format(name=name, not_a_notebook=NOT_A_NOTEBOOK, number=number))
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        cells.append({**cell, "source": source, "metadata": metadata})
    return {**notebook, "cells": cells}


def _converted(text: str, name: str) -> dict:
    import nbformat
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several unrelated types
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotebookError(words.INVALID_NOTEBOOK.format(name=name, not_a_notebook=NOT_A_NOTEBOOK,
                                                         problem=first_line)) from None
    return json.loads(nbformat.writes(notebook))


def load(path: str | Path) -> dict:
    """Read and check the notebook at ``path``, or raise :class:`NotebookError` saying what is wrong."""
    path = Path(path)
    return parse(read_text(path), path.name)
