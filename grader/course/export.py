"""Export a source notebook's setup and solution cells as an importable module."""
from __future__ import annotations

from pathlib import Path

import nbformat

from grader.core.cells import SOLUTION_MARKER, kind, spec_name

HEADER = ('# Generated from {source} by `make release`: do not edit.\n'
          '# Reference solutions: never released to students.\n'
          '"""Reference solutions of {name}."""\n')


def module_source(notebook, source_path: str) -> str:
    """Setup and solution cells, in order, without solution markers or IPython magics."""
    blocks = []
    for cell in notebook.cells:
        if kind(cell) not in ("setup", "solution"):
            continue
        lines = [line for line in cell.source.splitlines()
                 if not SOLUTION_MARKER.match(line) and not line.lstrip().startswith(("%", "!"))]
        blocks.append("\n".join(lines).strip("\n"))
    code = HEADER.format(source=source_path, name=Path(source_path).name) + "\n" + "\n\n\n".join(blocks) + "\n"
    compile(code, source_path, "exec")
    return code


def export(source_path: Path, out_dir: Path, root: Path) -> Path:
    """Write ``out_dir/<spec>.py`` from the source notebook; return its path."""
    notebook = nbformat.read(source_path, as_version=4)
    target = out_dir / f"{spec_name(notebook, source_path)}.py"
    target.write_text(module_source(notebook, source_path.relative_to(root).as_posix()), encoding="utf-8")
    return target
