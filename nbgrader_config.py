"""nbgrader configuration of the week 3 course (used by `make release` and the instructor)."""
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "ml-week3"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "assignments"
# Where students' work is collected and graded (kept out of git).
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Students see this stub where the solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Training cells (Keras on CPU) need time; a runaway loop is still stopped.
c.ExecutePreprocessor.timeout = 600
c.ExecutePreprocessor.interrupt_on_timeout = True

# Feedback keeps each test cell's output (the engine's report and the points) but not its
# hidden tests: autograde puts them back, and nbgrader renders them by default. nbgrader's own
# ClearHiddenTests (the one generate_assignment uses) strips them again, after GetGrades.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
