"""Week 3's instructor-only modules: what its feedback pictures observe and how they are drawn.

Never shipped to students (:func:`grader.core.course.student_files` leaves every week's
``instructor/`` out): they draw with :mod:`grader.pages.pictures`, the grader's own.
"""
