"""Trusted grading of one notebook: the sandboxed run of its cells and specs, what its functions
drew, the submissions it comes from, the results files (Gradescope schema), nbgrader's gradebook
and the nbgrader executor."""
