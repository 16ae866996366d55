"""nbgrader settings of this package, for any course folder: ``configure(c)`` in its nbgrader_config.py.

The project's own ``nbgrader_config.py`` and the course folder ``make hub`` writes both call it;
they add only what is the course's own (its id, folders, exchange, gradebook).
Preprocessors are named by their import paths, not given as classes: the formgrader shows
this configuration as JSON, and a class is not serializable.
"""
import warnings

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute, OverwriteCells
from sqlalchemy.exc import SAWarning

from grader.grading.course_autograde import install as use_course_autograde
from grader.pages.nbgrader_pages import configure as configure_feedback


def import_path(cls: type) -> str:
    """``module.Class``: how nbconvert imports a preprocessor named by a string."""
    return f"{cls.__module__}.{cls.__qualname__}"


def configure(c) -> None:
    """This package's steps in nbgrader's pipelines, its timeouts, zip_collect and feedback pages."""
    # nbgrader's gradebook relies on SQLAlchemy 1's backref cascade, and SQLAlchemy 2 warns for each new
    # submission ("Object of type <SubmittedAssignment> not in session, add operation along ... will not
    # proceed"); nbgrader adds those objects itself just after, so the warning is noise that would
    # bury real ones. Only that warning, only from nbgrader's gradebook, is silenced.
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", category=SAWarning,
                            module=r"nbgrader\.api")

    # `nbgrader generate_assignment week3` always regenerates the release from source/ and records the
    # week in the gradebook. Without this, a fresh clone (the release is committed, the gradebook is
    # not) printed "Skipping existing assignment", left the gradebook empty, and `nbgrader autograde`
    # then failed: "No assignment with ID 'week3' exists in the database". The release is generated,
    # never edited by hand (`make release` does the same, and writes solutions/ too).
    c.GenerateAssignment.force = True

    # zip_collect (an LMS download in downloaded/<week>/archive/): the LMS names each upload
    # "<week>_<student>_attempt_<YYYYmmddTHHMMSS>_<file>", and that outer name, which the LMS writes,
    # says who uploaded it. The archive is unpacked entry by entry within bounds (a damaged entry
    # is skipped, not the class) and archives inside it are not unpacked; a file is filed under the
    # outermost name the pattern matches, so nothing inside one student's upload is filed as
    # another's (grader/grading/zip_collect.py). An LMS that names uploads otherwise: change the pattern.
    c.ZipCollectApp.extractor_plugin = "grader.grading.zip_collect.BoundedExtractor"
    c.ZipCollectApp.collector_plugin = "grader.grading.zip_collect.UploaderCollector"
    c.FileNameCollectorPlugin.named_regexp = (
        r".*/[^/_]+_(?P<student_id>[a-z0-9]+)_attempt_(?P<timestamp>[0-9]{8}T[0-9]{6})_(?P<file_id>[\w\-]+)")

    # Students see this stub where the solution was.
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

    # autograde runs the student's code in the grader's sandbox, not in a Jupyter kernel: the first
    # step of nbgrader's pipeline (Execute) is replaced by grader.grading.nbgrader_executor.SandboxedExecute,
    # which grades exactly as `grader grade` does and writes each test cell's report and points.
    # The rest of the pipeline is nbgrader's own.
    # OverwriteCells (which puts back the instructor's test cells) is replaced by a quiet one: nbgrader
    # warns "Attribute 'checksum' ... has changed!" for every test cell with hidden tests (nbgrader
    # issue #1961); this one warns only for a test cell the student edited, naming the student.
    our_steps = {Execute: "grader.grading.nbgrader_executor.SandboxedExecute",
                 OverwriteCells: "grader.grading.overwrite_cells.QuietOverwriteCells"}
    for pipeline in ("sanitize_preprocessors", "autograde_preprocessors"):
        c.Autograde[pipeline] = [our_steps.get(step, import_path(step))
                                 for step in Autograde.class_traits()[pipeline].default()]
    # Several graders, one gradebook: autograde checks the gradebook is up before it touches anything,
    # reports a submission this grader cannot read (and grades the rest), and lets one grader at a time
    # grade a submission (a PostgreSQL advisory lock, or a lock file for SQLite); see
    # grader/grading/course_autograde.py. nbgrader builds its converter by name, so the name is rebound.
    use_course_autograde()
    c.SandboxedExecute.cell_timeout = 120        # seconds per notebook cell (a runaway loop is stopped)
    c.SandboxedExecute.test_timeout = 10         # seconds per check, unless its spec allows more
    c.SandboxedExecute.submission_timeout = 600  # seconds per notebook, everything included
    # A test cell a student deleted is put back (from the gradebook) and graded.
    c.OverwriteCells.add_missing_cells = True

    # Feedback keeps each test cell's output (the engine's report and the points) but not its
    # hidden tests: autograde puts them back, and nbgrader renders them by default. nbgrader's own
    # ClearHiddenTests (the one generate_assignment uses) strips them again, after GetGrades. The page
    # is this course's (grader.pages.nbgrader_pages.py): formulas as MathML (no CDN), long lines
    # wrapped, each test cell named by its graded item in the contents list.
    configure_feedback(c)
