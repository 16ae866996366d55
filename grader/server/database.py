"""The course's gradebook on PostgreSQL: a cluster of its own, run by the ``postgres`` Unix user.

:class:`Cluster` is one PostgreSQL 15 cluster (Debian's binaries) in a folder of its own:
``data/`` (``PGDATA``), ``socket/`` (its Unix socket, reachable by ``postgres`` and root only)
and ``postgres.log``. It listens on 127.0.0.1 only, on the course's port; TCP logins need a
password (scram-sha-256), the socket admits ``postgres`` alone (peer), nothing is trusted.
:meth:`Cluster.create_course_database` makes a login role that owns the course's database and
nothing else (no superuser, no createdb, no createrole; others may not connect to it).

:func:`for_course` does all of it for a :class:`grader.server.layout.Course`, idempotently, and
returns the SQLAlchemy URL nbgrader takes (``c.CourseDirectory.db_url``); the password is kept
in ``course.secrets/database`` (root, 0600). :func:`masked` is that URL fit for a message.
"""
from __future__ import annotations

import os
import pwd
import re
import secrets
import subprocess
import time
from pathlib import Path

from grader.grading.gradebook_access import masked  # noqa: F401  (the URL fit for a message)

BIN = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class DatabaseError(RuntimeError):
    """The cluster could not be made, started or stopped; the message says why."""


def course_url(role: str, password: str, port: int, database: str, host: str = "127.0.0.1") -> str:
    return f"postgresql+psycopg://{role}:{password}@{host}:{port}/{database}"


class Cluster:
    """A PostgreSQL cluster in ``folder``, on ``127.0.0.1:port`` (see the module)."""

    def __init__(self, folder: Path, port: int, host: str = "127.0.0.1"):
        self.folder = Path(folder)
        self.port = int(port)
        self.host = host

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    # ---- making, starting, stopping ------------------------------------------------------------

    def init(self) -> None:
        """``initdb`` once (a second call does nothing): peer for the socket, scram-sha-256 for TCP."""
        if (self.data / "PG_VERSION").is_file():
            return
        owner = pwd.getpwnam(SERVER_USER)
        self.folder.mkdir(parents=True, exist_ok=True)
        for path, mode in ((self.folder, 0o750), (self.data, 0o700), (self.socket_dir, 0o700)):
            path.mkdir(exist_ok=True)
            os.chown(path, owner.pw_uid, owner.pw_gid)
            path.chmod(mode)
        self._as_server([str(BIN / "initdb"), "-D", str(self.data), "--auth-local=peer",
                         "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                         "--username", SERVER_USER])
        hba = self.data / "pg_hba.conf"       # no host line but loopback, no replication lines
        hba.write_text("# written by grader.server.database: the socket for postgres only, "
                       "loopback TCP with a password\n"
                       f"local all {SERVER_USER} peer\n"
                       "host all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8")
        os.chown(hba, owner.pw_uid, owner.pw_gid)
        hba.chmod(0o600)

    def start(self, timeout: float = 30.0) -> None:
        """Start the server (nothing to do when it runs) and wait until it takes connections."""
        if self.running():
            return
        if not (self.data / "PG_VERSION").is_file():
            raise DatabaseError(f"no cluster in {self.data}: call init() first")
        options = (f"-c listen_addresses={self.host} -p {self.port} "
                   f"-c unix_socket_directories={self.socket_dir} -c password_encryption=scram-sha-256")
        try:
            self._as_server([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                             "-w", "-t", str(int(timeout)), "start"])
        except DatabaseError as error:      # pg_ctl says "examine the log": say what the log says
            raise DatabaseError(f"{error}\n{self.log}:\n{self._log_tail()}") from None
        deadline = time.monotonic() + timeout
        while not self.running():
            if time.monotonic() > deadline:
                raise DatabaseError(f"PostgreSQL did not start on {self.host}:{self.port}; see {self.log}")
            time.sleep(0.2)

    def _log_tail(self, lines: int = 8) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server (fast shutdown: open sessions are ended); nothing to do when it is down."""
        if (self.data / "postmaster.pid").exists():
            self._as_server([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                            check=False)

    def running(self) -> bool:
        """Whether the server answers on its socket."""
        if not (self.data / "postmaster.pid").exists():
            return False
        done = subprocess.run([str(BIN / "pg_isready"), "-q", "-h", str(self.socket_dir), "-p", str(self.port)],
                              capture_output=True, check=False)
        return done.returncode == 0

    # ---- the course's role and database ---------------------------------------------------------

    def create_course_database(self, name: str, role: str, password: str) -> str:
        """The database ``name`` owned by the login role ``role`` (made, or its password set);
        return its SQLAlchemy URL. Idempotent."""
        for word in (name, role):
            if not NAME.fullmatch(word):
                raise DatabaseError(f"{word!r} is not a plain PostgreSQL name (lower case, digits, _)")
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,}", password):
            raise DatabaseError("the password must be 16+ letters, digits, - or _ (secrets.token_urlsafe)")
        # SQL on stdin, never on a command line (other users can read those in /proc)
        self.sql(f"""
            SELECT format('CREATE ROLE %I', '{role}') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}')
            \\gexec
            ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{password}';
            SELECT format('CREATE DATABASE %I OWNER %I', '{name}', '{role}')
             WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{name}')
            \\gexec
            ALTER DATABASE {name} OWNER TO {role};
            REVOKE ALL ON DATABASE {name} FROM PUBLIC;
            GRANT CONNECT, TEMPORARY ON DATABASE {name} TO {role};
            """)
        return course_url(role, password, self.port, name, self.host)

    def sql(self, script: str, database: str = "postgres") -> str:
        """Run ``script`` with ``psql`` as the ``postgres`` superuser over the socket; its output."""
        return self._as_server([str(BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                "-h", str(self.socket_dir), "-p", str(self.port), "-d", database],
                               stdin=script)

    def _as_server(self, command: list[str], stdin: str | None = None, check: bool = True) -> str:
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False,
                              cwd="/", timeout=120)
        if check and done.returncode != 0:
            raise DatabaseError(f"{Path(command[command.index('--') + 1] if '--' in command else command[0]).name}"
                                f" failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-1500:]}")
        return done.stdout


def for_course(course) -> str:
    """The course's gradebook, made and running: its cluster in ``course.database_dir`` on
    ``course.database_port``, a role and database named ``course.database_name``, the password in
    ``course.secrets/database`` (made once, root 0600). Returns the SQLAlchemy URL. Idempotent."""
    cluster = Cluster(course.database_dir, course.database_port)
    cluster.init()
    cluster.start()
    return cluster.create_course_database(course.database_name, course.database_name, _password(course))


def cluster_of(course) -> Cluster:
    return Cluster(course.database_dir, course.database_port)


def _password(course) -> str:
    path = Path(course.secrets) / "database"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    password = secrets.token_urlsafe(24)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password
