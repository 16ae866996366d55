"""Run a notebook's spec modules with pytest, in this process, against a namespace.

Spec modules live in ``grader/weeks/<week>/`` (see :mod:`grader.core.course`):
``<spec>_public.py`` ships to students, ``<spec>_hidden.py`` compares against
``solutions.<week>.<spec>`` and never ships.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

from grader.core import course, words
from grader.core.plugin import SpecPlugin
from grader.core.results import TestResult

SPECS_DIR = course.SPECS_DIR
DEFAULT_TIMEOUT = 10.0


class SpecsNotFound(LookupError):
    """No spec module for the requested notebook (or its hidden specs are not installed)."""


SCOPES = {"public": ("public",), "hidden": ("hidden",), "all": ("public", "hidden")}


def spec_files(spec: str, scope: str = "public") -> list[Path]:
    """The spec modules of notebook ``spec`` in ``scope`` ("public", "hidden" or "all")."""
    week = course.week_of(spec, SPECS_DIR)
    files = [SPECS_DIR / (week or "") / f"{spec}_{kind}.py" for kind in SCOPES[scope]]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise SpecsNotFound(words.NO_SPEC_MODULE.format(missing=", ".join(missing), folder=SPECS_DIR)
                            + (words.HIDDEN_SPECS_ELSEWHERE if scope != "public" else ""))
    return files


def available_specs() -> list[str]:
    return course.available_specs(SPECS_DIR)


@contextlib.contextmanager
def _silenced():
    """Send Python- and file-descriptor-level stdout/stderr to nowhere.

    Inside a notebook's autograder cell any stderr output makes nbgrader score the cell 0,
    so nothing the specs or the student's code print may reach the real streams.
    """
    sys.stdout.flush(), sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with tempfile.TemporaryFile() as sink, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for fd in saved:
                os.dup2(sink.fileno(), fd)
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                yield
        finally:
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)


def run_specs(spec: str, namespace: dict, target: str | None = None, scope: str = "public",
              timeout: float = DEFAULT_TIMEOUT, collect_only: bool = False) -> list[TestResult]:
    """Run the specs of notebook ``spec`` against ``namespace``; one result per test.

    ``target`` keeps only the tests marked ``graded(target)``; ``scope`` picks the public
    module, the hidden one (which compares against the reference solutions) or both;
    ``collect_only`` lists the tests, all failed and unrun, without touching ``namespace``.
    """
    files = spec_files(spec, scope)
    reference = course.reference_module(spec, SPECS_DIR) if scope != "public" else None
    plugin = SpecPlugin(namespace, reference, target, timeout)
    args = [*map(str, files), "-q", "--tb=no", "--capture=sys", "--import-mode=importlib",
            "--rootdir", str(SPECS_DIR), "-c", os.devnull,
            "-p", "no:cacheprovider", "-p", "no:warnings", "-p", "no:xdist", "-p", "no:timeout",
            "-p", "no:randomly", "-p", "no:grader-notebooks",
            # these two run gc.collect() four times per session: 0.8 s of every grading
            "-p", "no:unraisableexception", "-p", "no:threadexception"]
    if collect_only:
        args.append("--collect-only")
    # no plugin loaded from entry points: the specs need only SpecPlugin, and loading the
    # others is a third of every session's start
    with _silenced(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        code = pytest.main(args, plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError(f"the specs for {spec!r} could not be run (pytest exit code {int(code)})")
    return plugin.collected if collect_only else plugin.results
