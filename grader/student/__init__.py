"""The notebook side that students use: the in-notebook `check`, `demo` and `summary`, the
report (text and HTML), `grader check` and the plain-pytest plugin. Built on :mod:`grader.core`."""
