"""Test specs, one public and one hidden pytest module per notebook.

``<spec>_public.py`` uses fixed inputs with hard-coded expectations and ships to students;
``<spec>_hidden.py`` compares against the reference solutions on seeded random inputs and
never ships. See :mod:`grader.student.plugin` for the markers and fixtures they use.
"""
