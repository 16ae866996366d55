"""The student side: what the student wheel ships, as a whole (the `grader check` command, the
in-notebook `check`, the pytest plugin, the comparisons the specs use, the data helpers the
notebooks import, and the course layout). Imports nothing of grader outside this folder."""
