"""The course's weeks, one folder each (``grader/weeks/<week>/``): everything that knows the week's
content, found by the engine by the week's name (:func:`week_module`), never named by it.

A week's folder holds, per notebook, one public and one hidden pytest module:
``<spec>_public.py`` uses fixed inputs with hard-coded expectations and ships to students;
``<spec>_hidden.py`` compares against the reference solutions (``solutions.<week>.<spec>``) on
seeded random inputs and never ships. See :mod:`grader.core.plugin` for the markers and
fixtures they use, and :mod:`grader.core.course` for how a spec and its week are found.
A week may also declare, each in a module of that name (all optional):

- ``homework.py``: which notebook is the homework (``SPEC``), its data, tiers and budget
  (a ``grading_plan()`` for :mod:`grader.core.model_eval`); ships (its specs use it);
- ``held_out.py``: data student code must never see, and what the sandbox shows instead
  (applied by :mod:`grader.sandbox.held_out`); ships;
- ``instructor/pictures.py``: the pictures of the feedback pages, one row per picture
  (:class:`grader.grading.observe.PictureRow`). ``instructor/`` never ships (it draws with
  :mod:`grader.pages.pictures`): :func:`grader.core.course.student_files` leaves it out.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from grader.core.course import week_of, weeks


def week_module(week: str | None, name: str) -> ModuleType | None:
    """``grader.weeks.<week>.<name>`` imported, or None when the week (or it) has no such module."""
    if not week:
        return None
    module = f"{__name__}.{week}.{name}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:     # only a missing module of this name: a broken import still raises
        if error.name and (module == error.name or module.startswith(error.name + ".")):
            return None
        raise


def declared(name: str) -> list[ModuleType]:
    """Module ``name`` of every week that has one (e.g. ``held_out``), in the weeks' order."""
    return [module for week in weeks() if (module := week_module(week, name)) is not None]


def is_homework(spec: str | None) -> bool:
    """Whether ``spec``'s week declares it as its homework (``homework.py``'s ``SPEC``)."""
    module = week_module(week_of(spec), "homework") if spec else None
    return module is not None and getattr(module, "SPEC", None) == spec
