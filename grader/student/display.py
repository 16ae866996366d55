"""Show a report: rich output in a Jupyter kernel, plain text everywhere else."""
from __future__ import annotations

import sys


def in_kernel() -> bool:
    """Whether this code runs in an IPython kernel (JupyterLab, Notebook 7, Colab, VS Code)."""
    ipython = sys.modules.get("IPython")     # never imported here: a terminal does not need it
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def show(text: str, html: str) -> None:
    """One display_data with ``text/html`` and ``text/plain`` in a kernel, else ``text`` on stdout."""
    if in_kernel():
        from IPython.display import display
        display({"text/plain": text, "text/html": html}, raw=True)
    else:
        print(text)
