"""Read a handed-in notebook file as plain data, quickly and defensively.

``nbformat`` takes about 3 s to import here (its JSON-schema validator pulls in a grammar
library), once per process; batch grading starts many processes, so nbformat-4 files (what
Jupyter has written since 2015) are read with :mod:`json` and checked for the structure the
grader relies on. Older formats go through nbformat's converter.
"""
from __future__ import annotations

import json
from pathlib import Path

# Saved outputs make notebooks large (a training loop that printed every step); they are not
# graded, and nbgrader grades such files, so only a file beyond any notebook's size is refused.
MAX_BYTES = 512 << 20
CELL_TYPES = ("code", "markdown", "raw")


CANNOT_READ = "을(를) 읽을 수 없습니다 (cannot read)"
NOT_A_NOTEBOOK = "주피터 노트북이 아닙니다 (not a Jupyter notebook)"


class NotebookError(ValueError):
    """The file is not a notebook that can be graded (unreadable, not JSON, not nbformat)."""


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text; a link, a huge file or bytes that are not UTF-8 raise NotebookError."""
    if not path.exists() and not path.is_symlink():
        raise NotebookError(f"{path.name} {CANNOT_READ}: 그런 파일이 없습니다 (no such file)")
    if path.is_symlink() or not path.is_file():
        raise NotebookError(f"{path.name} {CANNOT_READ}: 링크 (link)이거나 일반 파일 (regular file)이 아닙니다")
    if path.stat().st_size > max_bytes:
        raise NotebookError(f"{path.name} 이(가) {max_bytes >> 20} MB 보다 큽니다 (larger than {max_bytes >> 20} MB). "
                            f"출력 (outputs)을 지우고 (Kernel > Restart & Clear Output) 저장하세요")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"{path.name} {CANNOT_READ}: UTF-8 텍스트가 아닙니다 "
                            f"({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise NotebookError(f"{path.name} {CANNOT_READ}: {error.strerror or error}") from None


def parse(text: str, name: str) -> dict:
    """The notebook as a dict whose cells have a ``cell_type``, ``metadata`` and a str ``source``."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"{name} 은(는) 올바른 JSON 이 아닙니다 (not valid JSON: line {error.lineno}, "
                            f"column {error.colno}: {error.msg}). 끝까지 저장되었는지 확인하세요.") from None
    except RecursionError:
        raise NotebookError(f"{name} 은(는) 너무 깊게 중첩되어 (nested too deeply) 노트북이 아닙니다") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", []), list):
        raise NotebookError(f"{name} 은(는) {NOT_A_NOTEBOOK}: 셀 목록 (list of cells)이 없습니다")
    if notebook.get("nbformat") != 4:
        return _converted(text, name)
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES or not isinstance(source, str):
            raise NotebookError(f"{name} 은(는) {NOT_A_NOTEBOOK}: 셀 (cell) {number} 의 형식이 잘못되었습니다 (malformed)")
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
        raise NotebookError(f"{name} 은(는) {NOT_A_NOTEBOOK}: {first_line}") from None
    return json.loads(nbformat.writes(notebook))


def load(path: str | Path) -> dict:
    """Read and check the notebook at ``path``, or raise :class:`NotebookError` saying what is wrong."""
    path = Path(path)
    return parse(read_text(path), path.name)
