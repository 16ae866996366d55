"""nbgrader's ``OverwriteCells``, quiet for untouched test cells (nbgrader issue #1961).

nbgrader records a test cell's checksum from the instructor's source, hidden tests included, and
hands students the cell without them. Its ``OverwriteCells`` then finds every test cell with
hidden tests "changed" and warns ``Attribute 'checksum' for cell ... has changed!`` for each one,
for every honest student: real tampering is lost in that noise.

:class:`QuietOverwriteCells` puts the instructor's source back first where the student's cell is
exactly the released one (the source without its hidden tests), so nbgrader finds nothing to
report; a test cell the student really edited is put back too, as before, with one warning that
names the student and the cell.
"""
from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells

from grader.core import words


class QuietOverwriteCells(OverwriteCells):
    """``OverwriteCells`` that does not report the hidden tests it restores (see the module)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        self._student = resources.get("nbgrader", {}).get("student", "?")
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, cell_index: int):
        if utils.is_grade(cell) and utils.is_locked(cell) and cell.cell_type == "code":
            source = self._instructor_source(cell.metadata.nbgrader.get("grade_id"))
            if source is not None and cell.source == released(source, ClearHiddenTests(config=self.config)):
                cell.source = source
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name: str, attr: str, old, new) -> None:
        if attr == "checksum":
            self.log.warning(words.TEST_CELL_EDITED, self._student, name)
        else:
            self.log.warning(words.CELL_CHANGED, self._student, name, attr, old, new)

    def _instructor_source(self, grade_id: str | None) -> str | None:
        try:
            return self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id).source
        except MissingEntry:
            return None


def released(source: str, clearer: ClearHiddenTests) -> str:
    """A test cell's source as students get it: without its hidden tests (nbgrader's own rule)."""
    cell = NotebookNode(source=source, cell_type="code", metadata=NotebookNode(nbgrader={"grade": True}))
    try:
        clearer._remove_hidden_test_region(cell)
    except RuntimeError:            # unbalanced markers: never equal to a student's cell
        return ""
    return cell.source
