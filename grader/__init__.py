"""Grading engine for the week 3 deep-learning notebooks.

In a notebook's test cell::

    from grader import check
    points = check("perceptron:step", globals())   # prints a report, returns points earned
    points

A demo cell runs inside ``with demo():`` and a graded value's answer inside
``with skip_if_unwritten("NAME"):``, so that Run All reaches every test cell (see
:mod:`grader.student.demo`). From a shell: ``grader check NOTEBOOK`` (see :mod:`grader.student.cli`).
"""
from grader.student.checker import check
from grader.student.demo import demo, skip_if_unwritten

try:
    from grader.student.checker import summary
except ImportError:   # placeholder until issue 16 part 2 (summary) is merged
    def summary(spec: str) -> float:
        """The score so far of ``spec`` (placeholder: not available yet)."""
        print("점수 요약 (summary) 은 아직 준비 중입니다. (summary not available yet.)")
        return 0.0

__all__ = ["check", "demo", "skip_if_unwritten", "summary"]
