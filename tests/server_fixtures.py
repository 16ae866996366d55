"""Fixtures for the course server's tests: a real PostgreSQL cluster on a free loopback port.

Use from a test module with ``from tests.server_fixtures import postgres, gradebook_url  # noqa: F401``.
The cluster lives in a folder of its own outside pytest's (0700) temporary folders, so the
``postgres`` user can reach it; it is stopped and removed afterwards, even when a test fails.
"""
from __future__ import annotations

import os
import shutil
import socket
import uuid

import pytest

from grader.server.database import BIN, SERVER_USER, Cluster
from tests.helpers import open_folder, skip_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_missing() -> str | None:
    import pwd
    if os.geteuid() != 0:
        return "needs root to run PostgreSQL as the postgres user"
    if not (BIN / "initdb").is_file():
        return f"PostgreSQL 15 is not installed ({BIN})"
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        return f"no {SERVER_USER} user"
    return None


@pytest.fixture(scope="module")
def postgres():
    """A running :class:`grader.server.database.Cluster` (module-wide); stopped and removed after."""
    skip_for(postgres_missing())
    base = open_folder("grader-postgres-")
    cluster = Cluster(base / "postgres", free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def gradebook_url(postgres) -> str:
    """A fresh course database (and its own role) in :func:`postgres`; its SQLAlchemy URL."""
    name = f"course_{uuid.uuid4().hex[:10]}"
    return postgres.create_course_database(name, name, uuid.uuid4().hex)
