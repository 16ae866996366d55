"""Keep Run All going: demo cells and graded values that are not written yet.

A demo cell runs its body inside ``with demo():``; a cell whose graded value (such as
``XOR_WEIGHTS``) the student writes runs it inside ``with skip_if_unwritten("XOR_WEIGHTS"):``.
When the student's code is not written yet (``NotImplementedError``), either prints one
friendly line and the notebook goes on, so that every test cell after it still runs.
"""
from __future__ import annotations

import sys
import traceback
from types import TracebackType

from grader.core import words

NOT_WRITTEN = words.NOT_WRITTEN_NAME
SOME_CODE_NOT_WRITTEN = words.SOME_CODE_NOT_WRITTEN
DEMO_SKIPPED = words.DEMO_SKIPPED
DEMO_MISSING_NAME = words.DEMO_MISSING_NAME
DEMO_STOPPED = words.DEMO_STOPPED
VALUE_SKIPPED = words.VALUE_SKIPPED.format(not_written=NOT_WRITTEN)    # still takes {name}


def not_written_reason(tb: TracebackType | None) -> str:
    """What is not written yet: the function whose stub raised, the innermost frame's
    (``TwoLayerNet.loss``), or, when the cell itself raised, a general sentence."""
    if tb is None or tb.tb_next is None:
        return SOME_CODE_NOT_WRITTEN
    code = _innermost(tb).tb_frame.f_code
    return NOT_WRITTEN.format(name=getattr(code, "co_qualname", code.co_name))


def _innermost(tb: TracebackType) -> TracebackType:
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def show_traceback(error: BaseException) -> None:
    """Show ``error``'s traceback as the notebook shows errors; outside IPython, on stdout."""
    try:
        shell = get_ipython()  # noqa: F821  (a builtin inside IPython)
    except NameError:
        shell = None
    if shell is not None:
        shell.showtraceback((type(error), error, error.__traceback__))
    else:
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stdout)


def open_figures() -> set:
    """The numbers of matplotlib's open figures (none when pyplot was never imported)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()


def close_figures_since(before: set) -> None:
    """Close the figures opened since ``before``: a demo that stopped draws nothing (no empty
    ``<Figure size 600x400 with 0 Axes>`` under its one line)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    for number in open_figures() - before:
        pyplot.close(number)


class demo:
    """``with demo():`` around a demo cell: a stub not written yet skips the rest of the cell with
    one line; any other error shows its traceback and one line; neither stops Run All, and a demo
    that stopped draws nothing. KeyboardInterrupt and SystemExit pass through."""

    def __enter__(self) -> "demo":
        self.figures = open_figures()
        return self

    def __exit__(self, kind, error, tb) -> bool:
        if error is None or not isinstance(error, Exception):
            return False
        close_figures_since(self.figures)
        if isinstance(error, NotImplementedError):
            print(DEMO_SKIPPED.format(reason=not_written_reason(tb)))
        elif isinstance(error, NameError) and tb.tb_next is None and error.name:
            print(DEMO_MISSING_NAME.format(name=error.name))   # an earlier cell was skipped
        else:
            show_traceback(error)
            print(DEMO_STOPPED)
        return True


class skip_if_unwritten:
    """``with skip_if_unwritten("XOR_WEIGHTS"):`` around a graded value's answer: the release's
    ``raise NotImplementedError()`` prints one line instead of stopping Run All (the value stays
    undefined, as before). Any other error is the student's own and is raised as usual."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self) -> "skip_if_unwritten":
        return self

    def __exit__(self, kind, error, tb) -> bool:
        if isinstance(error, NotImplementedError):
            print(VALUE_SKIPPED.format(name=self.name))
            return True
        return False
