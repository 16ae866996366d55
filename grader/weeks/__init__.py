"""The course's weeks, one folder each (``grader/weeks/<week>/``): everything that knows the week's
content: per notebook one public and one hidden pytest module, and the week's data helpers and
homework grading.

``<spec>_public.py`` uses fixed inputs with hard-coded expectations and ships to students;
``<spec>_hidden.py`` compares against the reference solutions (``solutions.<week>.<spec>``) on
seeded random inputs and never ships. See :mod:`grader.core.plugin` for the markers and
fixtures they use, and :mod:`grader.core.course` for how a spec and its week are found.
"""
