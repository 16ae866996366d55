"""What a student installs, built by jobs (``python -m grader.course.student_dist`` runs them):

- :mod:`.layout`: the names and folders (the wheel's name from the course and its weeks);
- :mod:`.imports`: what ships, and that every ``grader`` import of it resolves to what ships;
- :mod:`.leaks`: no line of a reference solution ships unless the release shows it;
- :mod:`.templates`: the staged project (its ``setup.cfg``, README, requirements);
- :mod:`.build`: the wheel and the assignments zip.
"""
