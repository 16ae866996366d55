"""Test specs, one folder per week (``grader/specs/<week>/``), one public and one hidden pytest
module per notebook of that week.

``<spec>_public.py`` uses fixed inputs with hard-coded expectations and ships to students;
``<spec>_hidden.py`` compares against the reference solutions (``solutions.<week>.<spec>``) on
seeded random inputs and never ships. See :mod:`grader.student.plugin` for the markers and
fixtures they use, and :mod:`grader.student.course` for how a spec and its week are found.
"""
