"""Unpack a zip of submissions entry by entry: a damaged or odd entry costs that entry only.

:func:`extract_zip` writes each regular file of the archive under a fresh folder and returns
what it refused, one :class:`Refused` per entry, with the reason in Korean and English:
absolute paths, ``..``, links, names too long for a file system, a file and a folder of one
name (or one name twice), encrypted or damaged entries (bad CRC, a compression method zipfile
cannot read), archives inside the archive, and sizes beyond the bounds. Sizes are counted as
the bytes are written, never taken from the entry's declared size, so a zip bomb or a lying
header stops at the bound. Nothing is followed: every file is created new, without links.
"""
from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from grader.core import words

MAX_ENTRY_BYTES = 256 << 20         # one file (a notebook with saved outputs stays far below)
MAX_ZIP_BYTES = 4 << 30             # every file of the archive together
MAX_ZIP_MEMBERS = 100_000
MAX_NAME_BYTES = 255                # one path component (NAME_MAX of Linux and macOS file systems)
MAX_PATH_BYTES = 1024
NESTED_ARCHIVES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")
JUNK = ("__MACOSX",)                # Finder's resource forks: skipped without a word
CHUNK = 1 << 20


@dataclass(frozen=True)
class Refused:
    """An entry of the archive that was not unpacked, and why (a student reads ``reason``)."""

    name: str
    reason: str


class _TooLarge(Exception):
    pass


def _why_not(name: str, member: zipfile.ZipInfo) -> str | None:
    """Why the entry's name or kind is refused before any byte is read (None: it is fine)."""
    parts = name.split("/")
    if name.startswith("/") or ".." in parts or (len(parts[0]) == 2 and parts[0][1] == ":"):
        return words.ZIP_OUTSIDE
    if stat.S_ISLNK(member.external_attr >> 16):
        return words.ZIP_LINK
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in parts) \
            or len(name.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES:
        return words.ZIP_NAME_TOO_LONG
    if member.flag_bits & 0x1:
        return words.ZIP_ENCRYPTED
    if name.lower().endswith(NESTED_ARCHIVES):
        return words.ZIP_NESTED
    if member.file_size > MAX_ENTRY_BYTES:
        return words.ZIP_DECLARED_TOO_LARGE.format(size=member.file_size, limit=MAX_ENTRY_BYTES)
    return None


def _clash(name: str, files: set[str], folders: set[str]) -> str | None:
    """A file where a folder of the same name is (or the other way round), or one name twice."""
    parents = ["/".join(name.split("/")[:i]) for i in range(1, name.count("/") + 1)]
    if name in files:
        return words.ZIP_SAME_NAME
    if name in folders or any(p in files for p in parents):
        return words.ZIP_FILE_AND_FOLDER
    return None


def _copy(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Write the entry to ``target`` (created new, no link followed); return the bytes written."""
    written = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(target, flags, 0o600), "wb") as sink:
        try:
            with zipped.open(member) as source:
                while block := source.read(CHUNK):
                    written += len(block)
                    if written > min(budget, MAX_ENTRY_BYTES):
                        raise _TooLarge(written)
                    sink.write(block)
        except BaseException:
            target.unlink()     # the part written so far: ours (created above), never another entry's
            raise
    return written


def extract_zip(archive: Path, into: Path) -> list[Refused]:
    """Unpack ``archive`` under ``into`` (created); return the entries that were not unpacked."""
    into.mkdir(parents=True, exist_ok=True)
    refused: list[Refused] = []
    files: set[str] = set()
    folders: set[str] = set()
    total = 0
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        for index, member in enumerate(members):
            name = member.filename.replace("\\", "/").rstrip("/") if member.is_dir() else \
                member.filename.replace("\\", "/")
            if not name or any(part in JUNK for part in name.split("/")):
                continue
            if index >= MAX_ZIP_MEMBERS:
                refused.append(Refused(name, words.ZIP_TOO_MANY.format(limit=MAX_ZIP_MEMBERS)))
                continue
            reason = _why_not(name, member) or _clash(name, files, folders)
            if reason is None and member.is_dir():
                folders.add(name)
                continue
            if reason is None:
                reason = _unpack(zipped, member, into / name, MAX_ZIP_BYTES - total)
            if isinstance(reason, int):
                total += reason
                files.add(name)
                folders.update("/".join(name.split("/")[:i]) for i in range(1, name.count("/") + 1))
            else:
                refused.append(Refused(name, reason))
    return refused


def _unpack(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int | str:
    """The bytes written, or why the entry could not be unpacked (nothing of it is left on disk)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return _copy(zipped, member, target, budget)
    except _TooLarge:
        reason = (words.ZIP_ENTRY_TOO_LARGE.format(limit=MAX_ENTRY_BYTES) if budget > MAX_ENTRY_BYTES else
                  words.ZIP_TOO_LARGE.format(limit=MAX_ZIP_BYTES))
    except zipfile.BadZipFile as error:
        reason = words.ZIP_DAMAGED.format(error=error)
    except (zlib.error, EOFError) as error:
        reason = words.ZIP_DAMAGED.format(error=f"{type(error).__name__}: {error}")
    except NotImplementedError as error:
        reason = words.ZIP_COMPRESSION.format(error=error)
    except (RuntimeError, ValueError, OSError) as error:
        reason = words.ZIP_CANNOT_UNPACK.format(error=f"{type(error).__name__}: {error}")
    return reason
