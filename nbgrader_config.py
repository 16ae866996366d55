"""nbgrader configuration of the week 3 course (used by `make release` and the instructor).

What is this course's own is here (its id, folders, exchange); this package's steps in nbgrader's
pipelines, timeouts, zip_collect plugins and feedback pages come from
grader/course/nbgrader_setup.py, which a course folder made by `make hub` uses too.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "ml-week3"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "assignments"
# Where students' work is collected and graded (kept out of git).
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The exchange (release_assignment, submit, collect on one machine) lives beside this file, in
# exchange/ (kept out of git), made here so that nbgrader and the formgrader find it.
c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
# nbgrader wants it writable by every user (its students submit into it) and otherwise says it
# changes the mode itself, with a warning, at the first release_assignment.
if not os.path.isdir(c.Exchange.root):
    os.makedirs(c.Exchange.root, exist_ok=True)
    os.chmod(c.Exchange.root, 0o777)

from grader.course.nbgrader_setup import configure  # noqa: E402

configure(c)
