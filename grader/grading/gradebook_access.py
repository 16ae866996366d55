"""Reaching nbgrader's gradebook safely: is it up, and who is grading which submission.

- :func:`masked`: a database URL with its password replaced by ``***`` (every message uses it).
- :func:`unreachable`: why the gradebook cannot be used right now (None when it can), in one line.
- :class:`SubmissionLock`: one grader at a time per (course, assignment, student).
  On PostgreSQL it is a session-level advisory lock (``pg_try_advisory_lock``) held on a
  connection of its own: its scope is every process that uses that gradebook database, on any
  machine, and PostgreSQL drops it when the holder's connection ends (a killed grader frees it).
  On any other database (SQLite) it is an ``flock`` on a file in the course folder
  (``.autograde-locks/``): its scope is the processes that share that folder; the kernel drops it
  when the holder exits.
"""
from __future__ import annotations

import fcntl
import getpass
import hashlib
import os
import re
import socket
import time
from pathlib import Path

CONNECT_SECONDS = 5


def masked(url: str) -> str:
    """``url`` with its password replaced by ``***`` (``postgresql+psycopg://ml:***@127.0.0.1/ml``)."""
    return re.sub(r"^([\w+.-]+://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def _password(url: str) -> str | None:
    found = re.match(r"^[\w+.-]+://[^:/@]*:([^@]*)@", str(url))
    return found.group(1) if found and found.group(1) else None


def scrubbed(text: str, url: str) -> str:
    """``text`` without the password of ``url`` (a driver's message may quote the URL)."""
    password = _password(url)
    text = str(text).replace(str(url), masked(url))
    return text.replace(password, "***") if password else text


def _engine(url: str, application: str | None = None):
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    args = {}
    if url.startswith("postgresql"):
        args = {"connect_timeout": CONNECT_SECONDS}
        if application:
            args["application_name"] = application[:63]
    return sqlalchemy.create_engine(url, poolclass=NullPool, connect_args=args)


def unreachable(url: str) -> str | None:
    """None when the gradebook at ``url`` answers a query; else the reason, one line, no password."""
    import sqlalchemy

    try:
        engine = _engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as error:      # noqa: BLE001  (any failure to reach it is the answer)
        reason = getattr(error, "orig", None) or error
        lines = [line.strip() for line in str(reason).splitlines() if line.strip()]
        return scrubbed(" ".join(lines[:2]) or type(reason).__name__, url)
    return None


def database_down(error: BaseException) -> bool:
    """Whether ``error`` is the database going away (not a bug, not bad data)."""
    import sqlalchemy.exc

    return isinstance(error, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError))


def who_am_i() -> str:
    return f"{getpass.getuser()} (pid {os.getpid()} on {socket.gethostname()})"


class SubmissionLock:
    """A non-blocking lock on one submission (see the module). :meth:`acquire` returns None when
    this process now holds it, else a line saying who does; :meth:`release` frees it."""

    def __init__(self, url: str, course_root: Path, course_id: str, assignment: str, student: str):
        self.url = url
        self.name = "\0".join(("nbgrader-autograde", course_id, assignment, student))
        digest = hashlib.blake2b(self.name.encode("utf-8", "surrogateescape"), digest_size=8).digest()
        self.key = int.from_bytes(digest, "big", signed=True)
        self.path = Path(course_root) / ".autograde-locks" / f"{digest.hex()}.lock"
        self._held = None

    def acquire(self) -> str | None:
        """Raises the driver's error when the database cannot be reached (PostgreSQL)."""
        if self.url.startswith("postgresql"):
            return self._acquire_advisory()
        return self._acquire_flock()

    def release(self) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        if isinstance(held, int):
            os.close(held)      # closing the descriptor drops the flock
            return
        connection, engine = held
        try:
            connection.close()  # the session ends: PostgreSQL drops its advisory locks
        except Exception:       # noqa: BLE001  (a server already gone has dropped them too)
            pass
        engine.dispose()

    # ---- PostgreSQL ---------------------------------------------------------------------------------

    def _acquire_advisory(self) -> str | None:
        import sqlalchemy

        engine = _engine(self.url, application=f"nbgrader autograde by {who_am_i()}")
        try:
            connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception:
            engine.dispose()
            raise
        got = connection.execute(sqlalchemy.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
        if got:
            self._held = (connection, engine)
            return None
        holder = connection.execute(sqlalchemy.text(
            "SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :high AND l.objid = :low "
            "AND l.objsubid = 1 LIMIT 1"),
            {"high": (self.key >> 32) & 0xFFFFFFFF, "low": self.key & 0xFFFFFFFF}).first()
        connection.close()
        engine.dispose()
        if holder is None:
            return "another grader (it has just finished)"
        since = holder[1].astimezone().strftime("%H:%M:%S") if holder[1] else "?"
        return f"{holder[0] or 'another grader'}, since {since}"

    # ---- a lock file --------------------------------------------------------------------------------

    def _acquire_flock(self) -> str | None:
        self.path.parent.mkdir(mode=0o2770, exist_ok=True)
        try:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o660)
        except PermissionError:         # another grader's file, not writable by us: reading is enough
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.pread(descriptor, 300, 0).decode("utf-8", "replace").strip()
            finally:
                os.close(descriptor)
            return holder or "another grader"
        try:
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, f"nbgrader autograde by {who_am_i()}, since {time.strftime('%H:%M:%S')}\n"
                      .encode(), 0)
        except OSError:                 # opened read-only: the lock holds, without a name
            pass
        self._held = descriptor
        return None
