"""Trusted grading of one notebook: the sandboxed run of its cells and specs, what its functions
drew, the submissions it comes from (and their archives, unpacked within bounds), the results files
(Gradescope schema), nbgrader's gradebook, the nbgrader executor and zip_collect plugins."""
