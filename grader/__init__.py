"""Grading engine for the week 3 deep-learning notebooks.

In a notebook's test cell::

    from grader import check
    points = check("perceptron:step", globals())   # shows a report, returns points earned
    points

A demo cell runs inside ``with demo():`` and a graded value's answer inside
``with skip_if_unwritten("NAME"):``, so that Run All reaches every test cell (see
:mod:`grader.student.demo`). At a notebook's end, ``summary("perceptron", globals())`` runs the
public checks again and shows the points of every graded item and what the hidden checks are
worth. A Keras notebook's setup cell imports Keras with ``keras = import_keras()`` (no
TensorFlow start-up log).

From a shell: ``grader check NOTEBOOK`` (see :mod:`grader.student.cli`).
"""
from grader.student.checker import check
from grader.student.demo import demo, skip_if_unwritten
from grader.core.keras_tools import import_keras
from grader.student.summary import summary

__all__ = ["check", "demo", "import_keras", "skip_if_unwritten", "summary"]
