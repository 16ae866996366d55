"""03_backprop's training budgets stand twice on purpose: in the notebook, where students read and use
them (section 12), and in the specs that train with them (``backprop_public`` for XOR, which the
hidden spec imports; ``backprop_hidden`` for the digits). The two must agree."""
import importlib

from grader.core.course import reference_module
from grader.weeks.week3 import backprop_hidden, backprop_public


def test_notebook_budgets_are_the_specs_budgets():
    notebook = importlib.import_module(reference_module("backprop"))   # solutions/, made from the notebook
    assert notebook.XOR_BUDGET == backprop_public.XOR_BUDGET
    assert notebook.DIGITS_BUDGET == backprop_hidden.DIGITS_BUDGET
    assert (notebook.XOR_X == backprop_public.XOR_X).all() and (notebook.XOR_Y == backprop_public.XOR_Y).all()
