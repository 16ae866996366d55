"""``nbgrader autograde`` for a course with several graders: bad input stops one submission, not the class.

:class:`CourseAutograde` is nbgrader's ``Autograde`` converter with three guards, each taken
before nbgrader touches a submission (its ``init_destination`` removes the old autograded
notebooks under ``--force``; whatever fails after that is removed again by nbgrader):

- **the gradebook is down**: checked before anything (one clear line naming the URL, password
  masked; nothing graded, removed or written) and again per submission (the lock below needs the
  database): the submissions left are not touched and are listed;
- **a submission cannot be read** (its folder or a notebook: wrong owner or mode for this grader):
  one line naming the student and the path; that student's submission is not touched, the others
  are graded;
- **another grader is grading the same submission** (:class:`~grader.grading.gradebook_access.SubmissionLock`):
  this one says who and skips it, so there is one result and no database conflict; the submission
  is not waited for (a notebook may take minutes; two graders running the whole class then share it).

Every submission not graded is listed at the end and the command exits 1. ``nbgrader_config.py``
calls :func:`install`: nbgrader's ``autograde`` command and its formgrader's autograde button
build the converter by name, so the name is bound to this class.
"""
from __future__ import annotations

import glob
import os
from contextlib import contextmanager

from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException

from grader.grading.gradebook_access import SubmissionLock, database_down, masked, scrubbed, unreachable
from grader.grading.submissions import unreadable


class DatabaseWentAway(KeyboardInterrupt):
    """The gradebook's database stopped answering in the middle of a submission.

    A ``KeyboardInterrupt`` because that is the one exception nbgrader's loop cleans up after
    (it removes the submission's autograded folder) and stops on without a traceback; nbgrader's
    own answer to a database error is a traceback and advice to run ``nbgrader db upgrade``."""


@contextmanager
def _stop_if_database_went_away():
    try:
        yield
    except Exception as error:
        if database_down(error):
            raise DatabaseWentAway(str(error).splitlines()[0]) from error
        raise


class CourseAutograde(Autograde):
    """nbgrader's Autograde with the guards of the module."""

    def start(self) -> None:
        self._not_graded: dict[tuple[str, str], str] = {}
        self._lock: SubmissionLock | None = None
        self._down: str | None = unreachable(self.coursedir.db_url)
        if self._down:
            self.log.error("the gradebook database %s cannot be reached: %s. Nothing was graded, removed or "
                           "written; start it (or fix CourseDirectory.db_url) and run autograde again.",
                           masked(self.coursedir.db_url), self._down)
            raise NbGraderException("the gradebook database cannot be reached")
        try:
            super().start()
        finally:
            self._release()
            self._say_not_graded()
        if self._not_graded:
            raise NbGraderException(f"{len(self._not_graded)} submission(s) not graded")

    # ---- unreadable submissions ---------------------------------------------------------------------

    def init_notebooks(self) -> None:
        """nbgrader's (it skips an unlistable folder, saying "No notebooks were matched"), and a
        line for each submission folder this grader cannot list."""
        pattern = self._format_source(self.coursedir.assignment_id, self.coursedir.student_id)
        for student_folder in sorted(glob.glob(os.path.dirname(pattern))):
            student = os.path.basename(student_folder)
            folders = [student_folder] if unreadable(student_folder, folder=True) else \
                sorted(glob.glob(os.path.join(student_folder, os.path.basename(pattern))))
            for folder in folders:
                reason = unreadable(folder, folder=True)
                if reason:
                    self._skip(student, os.path.basename(folder) if folder != student_folder
                               else self.coursedir.assignment_id, f"cannot read {self._shown(folder)} ({reason})")
        try:
            super().init_notebooks()
        except NbGraderException:
            if not self._not_graded:
                raise
            self.assignments = {}       # nothing readable to grade: said above and at the end

    def init_destination(self, assignment_id: str, student_id: str) -> bool:
        """Before nbgrader touches the submission: the database, the files, the lock."""
        self._release()
        if self._down:
            self._skip(student_id, assignment_id, "not started: the gradebook database is down", log=False)
            return False
        source = self._format_source(assignment_id, student_id)
        for path, folder in [(source, True), *((n, False) for n in self.notebooks)]:
            reason = unreadable(path, folder)
            if reason:
                self._skip(student_id, assignment_id, f"cannot read {self._shown(path)} ({reason})")
                return False
        lock = SubmissionLock(self.coursedir.db_url, self.coursedir.root, self.coursedir.course_id,
                              assignment_id, student_id)
        try:
            holder = lock.acquire()
        except Exception as error:      # noqa: BLE001
            if not database_down(error):
                raise
            self._down = unreachable(self.coursedir.db_url) or str(error).splitlines()[0]
            self.log.error("the gradebook database %s went away: %s. %s/%s and the submissions after it were "
                           "not touched.", masked(self.coursedir.db_url), self._down, student_id, assignment_id)
            self._skip(student_id, assignment_id, "not started: the gradebook database is down", log=False)
            return False
        if holder:
            self._skip(student_id, assignment_id, f"being graded by {holder}; not graded by this run "
                       "(its result will be the one recorded; run again afterwards to regrade)")
            return False
        self._lock = lock
        return super().init_destination(assignment_id, student_id)

    def convert_notebooks(self) -> None:
        """nbgrader's; when it stops because the database went away mid-submission, say so plainly."""
        try:
            super().convert_notebooks()
        except (NbGraderException, DatabaseWentAway) as error:
            reason = unreachable(self.coursedir.db_url)
            if not reason and isinstance(error, DatabaseWentAway):     # it answers again: a dropped connection
                reason = scrubbed(str(error), self.coursedir.db_url)
            if not reason:
                raise
            self.log.error("the gradebook database %s went away while grading (%s): the submission being "
                           "graded was removed from autograded/ (its gradebook rows may hold the grades of "
                           "its notebooks graded before), later submissions were not touched. Run autograde "
                           "again once the database is back (with --force for that student).",
                           masked(self.coursedir.db_url), reason)
            raise NbGraderException("the gradebook database went away") from None

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        with _stop_if_database_went_away():
            super().init_assignment(assignment_id, student_id)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        with _stop_if_database_went_away():
            super().convert_single_notebook(notebook_filename)

    # ---- bookkeeping --------------------------------------------------------------------------------

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _skip(self, student: str, assignment: str, why: str, log: bool = True) -> None:
        self._not_graded.setdefault((student, assignment), why)
        if log:
            self.log.error("%s/%s: %s", student, assignment, why)

    def _say_not_graded(self) -> None:
        if self._not_graded:
            self.log.error("not graded by this run: %s", "; ".join(
                f"{student}/{assignment} ({why.split(' (')[0].split(';')[0]})"
                for (student, assignment), why in sorted(self._not_graded.items())))

    def _shown(self, path: str) -> str:
        return os.path.relpath(path, self.coursedir.root)


def install() -> None:
    """Make ``nbgrader autograde`` (and the formgrader's autograde button) use :class:`CourseAutograde`."""
    from nbgrader.apps import api, autogradeapp

    autogradeapp.Autograde = CourseAutograde
    api.Autograde = CourseAutograde
