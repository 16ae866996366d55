"""A throwaway Jupyter server on localhost, for the browser tests and the screenshots.

    with jupyter_server(course, "server", "--FormgradeExtension.debug=True") as server:
        page.goto(server.url("formgrader/gradebook"))

starts ``jupyter server`` (or ``jupyter lab``) in ``root`` with this Python, on a free port of
127.0.0.1, with a random token and no browser; its configuration and runtime files go to a
temporary folder (the user's ``~/.jupyter`` is neither read nor written, the installed
extensions such as nbgrader's formgrader still load). The server is stopped on exit,
whatever happened.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

START_TIMEOUT = 60.0   # seconds; JupyterLab on a busy 2-core machine takes about 10


class ServerError(RuntimeError):
    """The Jupyter server did not start (the message ends with its log)."""


@dataclass
class JupyterServer:
    origin: str         # http://127.0.0.1:PORT
    token: str
    log_path: Path

    def url(self, path: str = "") -> str:
        """``origin/path`` with the token, so the browser is logged in."""
        joiner = "&" if "?" in path else "?"
        return f"{self.origin}/{path.lstrip('/')}{joiner}token={self.token}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(root: Path, app: str = "server", *options: str,
                   lab_settings: dict[str, dict] | None = None) -> Iterator[JupyterServer]:
    """Run ``jupyter <app>`` (``server`` or ``lab``) in ``root`` until the block ends.

    ``lab_settings`` are JupyterLab user settings, ``{"@jupyterlab/plugin-package:plugin": {...}}``.
    """
    with tempfile.TemporaryDirectory(prefix="grader-jupyter-") as scratch:
        _write_lab_settings(Path(scratch) / "config" / "lab" / "user-settings", lab_settings or {})
        server = JupyterServer(f"http://127.0.0.1:{free_port()}", secrets.token_hex(16), Path(scratch) / "server.log")
        command = [sys.executable, "-m", "jupyter", app, "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={server.origin.rsplit(':', 1)[1]}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={server.token}", f"--ServerApp.root_dir={Path(root).resolve()}",
                   *(["--allow-root"] if os.geteuid() == 0 else []), *options]
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(Path(scratch) / "config"),
               "JUPYTER_RUNTIME_DIR": str(Path(scratch) / "runtime")}
        with open(server.log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        try:
            _wait_until_up(server, process)
            yield server
        finally:
            _stop(process)


def _write_lab_settings(folder: Path, settings: dict[str, dict]) -> None:
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.split(":")
        path = folder / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def _wait_until_up(server: JupyterServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"jupyter exited with {process.returncode}:\n{server.log()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url("api/status"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise ServerError(f"jupyter did not answer within {START_TIMEOUT:.0f} s:\n{server.log()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (its kernels too), SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
