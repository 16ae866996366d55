"""nbgrader ``zip_collect`` plugins: an upload is filed under its uploader, and under no one else.

How an LMS names the uploads decides who the uploader is. The LMS (not the student) names
each uploaded file, e.g. ``week3_<student>_attempt_<timestamp>_<file>``, and the course's
``FileNameCollectorPlugin.named_regexp`` (``nbgrader_config.py``) reads the student from that
name. A student can name the files *inside* an upload as they like, so:

- :class:`BoundedExtractor` unpacks the LMS download entry by entry with the bounds of
  :mod:`grader.grading.archive` (a damaged, oversized or oddly named entry is skipped with a
  warning, the rest is collected) and refuses archives inside it: a student's uploaded zip is
  not unpacked, so nothing in it is filed at all;
- :class:`UploaderCollector` attributes each extracted file to the *outermost* name the
  pattern matches (the uploader's own upload): a file below a folder that the pattern already
  matched (an upload someone unpacked by hand) belongs to that folder's student, with that
  folder's timestamp; if it names another student, it is skipped.

``nbgrader_config.py`` selects both (``ZipCollectApp.extractor_plugin`` and
``ZipCollectApp.collector_plugin``).
"""
from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin

from grader.grading.archive import NESTED_ARCHIVES, extract_zip


class BoundedExtractor(ExtractorPlugin):
    """nbgrader's extractor, with bounded entry-by-entry unpacking and no nested archives."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        archive, extracted = Path(archive_path), Path(extracted_path)
        for path in sorted(archive.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            target = extracted / path.relative_to(archive).parent
            target.mkdir(parents=True, exist_ok=True)
            if path.suffix in self.zip_ext and zipfile.is_zipfile(path):
                self.log.info("Extracting from: %s", path)
                for refused in extract_zip(path, target / path.stem):
                    self.log.warning("Skipped %s in %s: %s", refused.name, path.name, refused.reason)
            elif path.name.lower().endswith(NESTED_ARCHIVES):
                self.log.warning("Skipped %s: an archive that is not a readable zip is not unpacked", path)
            else:
                shutil.copyfile(path, target / path.name, follow_symlinks=False)


class UploaderCollector(FileNameCollectorPlugin):
    """nbgrader's collector, reading the student from the outermost name the pattern matches."""

    def _name_match(self, path: str) -> dict | None:
        """What the pattern reads from the last name of ``path`` (None: it matches only above it)."""
        match = re.match(self.named_regexp, path) if self.named_regexp else None
        if not match or not match.groupdict().get("student_id") or match.end() <= path.rfind(os.sep):
            return None
        return match.groupdict()

    def collect(self, submitted_file: str) -> dict | None:
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            return None
        own = self._name_match(submitted_file)
        parts = Path(os.path.relpath(submitted_file, self._extracted_root(submitted_file))).parts
        root = self._extracted_root(submitted_file)
        for depth in range(1, len(parts)):                  # the folders above the file, outermost first
            uploader = self._name_match(os.path.join(root, *parts[:depth]))
            if not uploader:
                continue
            if own and own["student_id"] != uploader["student_id"]:
                self.log.warning("Skipped %s: it is inside %s's upload but names %s", submitted_file,
                                 uploader["student_id"], own["student_id"])
                return None
            file_id = own["file_id"] if own else Path(submitted_file).stem
            return {**uploader, "file_id": file_id, "timestamp": uploader.get("timestamp")}
        if own is None:
            self.log.warning("Skipped %s: the pattern names no student in its name", submitted_file)
        return own

    def _extracted_root(self, submitted_file: str) -> str:
        """The zip_collect app's extracted folder (the parent app), else the file's own folder."""
        app = self.parent
        if app is not None and hasattr(app, "_format_collect_path"):
            return app._format_collect_path(app.extracted_directory)
        return os.path.dirname(submitted_file)
