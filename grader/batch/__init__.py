"""Grading a class: the parallel, resumable batch and the `grader grade` / `grader report` commands."""
