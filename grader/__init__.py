"""Grading engine for the week 3 deep-learning notebooks.

In a notebook's test cell::

    from grader import check
    points = check("perceptron:step", globals())   # prints a report, returns points earned
    points

From a shell: ``grader check NOTEBOOK`` (see :mod:`grader.student.cli`).
"""
from grader.student.checker import check

__all__ = ["check"]
