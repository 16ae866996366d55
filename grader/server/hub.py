"""The course's JupyterHub: its proxy, its config, starting and stopping it.

nbgrader's "one class, multiple graders" setup (nbgrader's docs, ``jupyterhub_config.rst``):

- local Unix users log in with their own passwords (PAM); no shared default password;
- every user's server runs as that user (LocalProcessSpawner, the hub runs as root) from the
  course's shared environment, in the user's home;
- hub groups ``formgrade-<course_id>`` (instructors and graders) and ``nbgrader-<course_id>``
  (students), the names nbgrader's ``JupyterHubAuthPlugin`` looks for;
- the formgrader is a hub service named ``<course_id>`` (the name must be the course id),
  running as the course folder's owner in the course folder; only the formgrade group may open
  it (JupyterHub 5 scope ``access:services!service=<course_id>``). JupyterHub >= 4.1 forbids
  iframes, so graders open ``/services/<course_id>/formgrader`` directly, not inside Lab.

Everything the hub keeps (config, cookie secret, sqlite database, log, pid) is in
``course.hub_dir``, root only. The proxy (``configurable-http-proxy`` from npm) is installed once
into ``course.root/proxy``.
"""
from __future__ import annotations

import contextlib
import json
import os
import pprint
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from grader.server.layout import Course

PROJECT = Path(__file__).resolve().parents[2]
PROXY_PACKAGE = "configurable-http-proxy@5"
# An already installed proxy to copy instead of asking npm (the tests install it here once).
PROXY_CACHE = PROJECT / ".venv" / "proxy"
START_TIMEOUT = 90.0    # seconds: the hub starts its proxy and the formgrader service


class HubError(RuntimeError):
    """The hub would not start (the message ends with its log)."""


def formgrade_group(course: Course) -> str:
    return f"formgrade-{course.course_id}"


def students_group(course: Course) -> str:
    return f"nbgrader-{course.course_id}"


def internal_ports() -> dict[str, int]:
    """Three free loopback ports for what only this machine talks to: the hub's API, the proxy's
    API and the formgrader service (chosen afresh at each start; only ``hub_port`` is public)."""
    probes = [socket.socket() for _ in range(3)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return dict(zip(("hub", "proxy_api", "formgrader"), (probe.getsockname()[1] for probe in probes)))
    finally:
        for probe in probes:
            probe.close()


def formgrader_url(course: Course) -> str:
    """Where graders open the formgrader (directly: JupyterHub >= 4.1 forbids it in Lab's iframe)."""
    return f"{course.hub_url}/services/{course.course_id}/formgrader"


# -- the proxy ---------------------------------------------------------------------------------

def proxy_dir(course: Course) -> Path:
    return course.root / "proxy"


def _proxy_bin(prefix: Path) -> Path:
    return prefix / "node_modules" / ".bin" / "configurable-http-proxy"


def _npm_install(prefix: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise HubError("npm not found: install Node.js (Debian: apt-get install nodejs npm), "
                       "JupyterHub's proxy comes from the npm registry")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", PROXY_PACKAGE],
                          capture_output=True, text=True)
    if done.returncode or not _proxy_bin(prefix).exists():
        raise HubError(f"npm install {PROXY_PACKAGE} into {prefix} failed: {done.stderr.strip()[-2000:]}")


def ensure_proxy(course: Course, cache: Path | None = PROXY_CACHE) -> Path:
    """``configurable-http-proxy`` in ``course.root/proxy``: kept if there, else copied from
    ``cache`` (installed there first if missing), else installed by npm. Returns the program."""
    target = proxy_dir(course)
    if _proxy_bin(target).exists():
        return _proxy_bin(target)
    if cache is not None:
        if not _proxy_bin(cache).exists():
            _npm_install(cache)
        shutil.rmtree(target, ignore_errors=True)
        same_disk = os.stat(cache).st_dev == os.stat(course.root).st_dev
        subprocess.run(["cp", "-al" if same_disk else "-a", str(cache), str(target)], check=True)
    else:
        _npm_install(target)
    return _proxy_bin(target)


# -- what users' own servers load ----------------------------------------------------------------

# nbgrader's table for one class with several graders: users' own servers get the assignment list
# (and the course list), the formgrader service gets the formgrader and "Create Assignment".
OWN_SERVER_OFF = {"lab": ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"],
                  "server": ["nbgrader.server_extensions.formgrader"]}


def users_config_dir(course: Course) -> Path:
    return course.root / "users-jupyter-config"


def write_users_config(course: Course) -> Path:
    """A Jupyter config folder for users' own servers only (first on their ``JUPYTER_CONFIG_PATH``):
    the formgrader and "Create Assignment" off, as nbgrader's docs have it. Root's, readable by all."""
    folder = users_config_dir(course)
    lab_off = {"disabledExtensions": dict.fromkeys(OWN_SERVER_OFF["lab"], True)}
    server_off = {"ServerApp": {"jpserver_extensions": dict.fromkeys(OWN_SERVER_OFF["server"], False)}}
    files = {folder / "labconfig" / "page_config.json": lab_off, folder / "jupyter_server_config.json": server_off}
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=1), encoding="utf-8")
        os.chmod(path, 0o644)
    for path in (folder, folder / "labconfig"):
        os.chown(path, 0, 0)
        os.chmod(path, 0o755)
    return folder


# -- the config --------------------------------------------------------------------------------

def config_path(course: Course) -> Path:
    return course.hub_dir / "jupyterhub_config.py"


def log_path(course: Course) -> Path:
    return course.hub_dir / "hub.log"


def pid_path(course: Course) -> Path:
    return course.hub_dir / "hub.pid"


def settings(course: Course, ports: dict[str, int]) -> dict:
    """The values of ``jupyterhub_config.py``, as plain data (what :func:`write_config` writes)."""
    singleuser = str(course.venv / "bin" / "jupyterhub-singleuser")
    path = f"{course.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    return {
        "ip": course.hub_ip, "port": course.hub_port, "hub_port": ports["hub"],
        "proxy_api_url": f"http://127.0.0.1:{ports['proxy_api']}",
        "proxy_command": [str(_proxy_bin(proxy_dir(course)))],
        "allowed_users": sorted({*course.staff, *course.learners}),
        "admin_users": sorted(course.user(name) for name in course.instructors),
        "groups": {formgrade_group(course): {"users": list(course.staff)},
                   students_group(course): {"users": list(course.learners)}},
        "roles": [{"name": f"formgrade-{course.course_id}", "groups": [formgrade_group(course)],
                   "scopes": [f"access:services!service={course.course_id}",
                              # nbgrader's JupyterHubAuthPlugin reads the course's groups
                              f"read:groups!group={formgrade_group(course)}",
                              f"read:groups!group={students_group(course)}"]}],
        "services": [{"name": course.course_id, "url": f"http://127.0.0.1:{ports['formgrader']}",
                      "command": [singleuser, f"--ServerApp.root_dir={course.course_dir}"],
                      "user": course.owner, "cwd": str(course.course_dir), "oauth_no_confirm": True,
                      "environment": {"PATH": path}}],
        "spawner_cmd": [singleuser],
        "spawner_environment": {"PATH": path, "JUPYTER_CONFIG_PATH": str(users_config_dir(course))},
        "notebook_dir": "~",      # the home in the passwd entry (course.home(user), or an existing user's own)
        "cookie_secret_file": str(course.hub_dir / "jupyterhub_cookie_secret"),
        "db_url": f"sqlite:///{course.hub_dir / 'jupyterhub.sqlite'}",
        "pid_file": str(pid_path(course)),
    }


CONFIG = '''\
# JupyterHub for the course {course_id!r}: written by `python -m grader.server up`
# (grader/server/hub.py); edit deploy/course.toml and run `make hub` again instead of this file.
#
# Safe to leave running as it is: users log in with their own Unix passwords (PAM), nobody has a
# shared default password, and the hub listens on {ip} (loopback unless course.toml says otherwise).
# Before serving it to other machines (hub_ip = "0.0.0.0" in course.toml), put a TLS reverse proxy
# in front of it (nginx or Caddy with a certificate, https only), or give JupyterHub a certificate
# here (c.JupyterHub.ssl_cert / ssl_key): passwords must never cross the network in clear text.

# The values (grader/server/hub.py: settings), then what JupyterHub does with them.
S = {data}
c = get_config()  # noqa: F821

c.JupyterHub.ip = S["ip"]
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.api_url = S["proxy_api_url"]
c.ConfigurableHTTPProxy.command = S["proxy_command"]
c.JupyterHub.cookie_secret_file = S["cookie_secret_file"]
c.JupyterHub.db_url = S["db_url"]
c.JupyterHub.pid_file = S["pid_file"]

# Local Unix users and their own passwords; instructors are the hub's admins.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(S["allowed_users"])
c.Authenticator.admin_users = set(S["admin_users"])

# nbgrader's groups: formgrade-<course> for graders, nbgrader-<course> for students; the graders'
# role opens the formgrader service.
c.JupyterHub.load_groups = S["groups"]
c.JupyterHub.load_roles = S["roles"]

# The formgrader: a service named after the course, run as the course folder's owner.
c.JupyterHub.services = S["services"]

# Each user's own server, as that user, from the course's shared environment, in their home.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = S["spawner_cmd"]
c.Spawner.environment = S["spawner_environment"]
c.Spawner.notebook_dir = S["notebook_dir"]
c.Spawner.default_url = "/lab"
'''


def write_config(course: Course, ports: dict[str, int] | None = None) -> Path:
    """``course.hub_dir/jupyterhub_config.py`` (root only, 0600), from :func:`settings`
    (``ports``: :func:`internal_ports`, free ones by default)."""
    course.hub_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(course.hub_dir, 0o700)
    path = config_path(course)
    data = pprint.pformat(settings(course, ports or internal_ports()), indent=1, width=110, sort_dicts=False)
    text = CONFIG.format(course_id=course.course_id, ip=course.hub_ip, data=data)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)
    return path


# -- running it --------------------------------------------------------------------------------

def answers(course: Course, timeout: float = 2.0) -> bool:
    """The hub's REST API answers at ``course.hub_url/hub/api`` (through the proxy)."""
    try:
        with urllib.request.urlopen(f"{course.hub_url}/hub/api", timeout=timeout) as response:
            return response.status == 200 and "version" in json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


def _port_in_use(ip: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((ip if ip not in ("0.0.0.0", "") else "127.0.0.1", port)) == 0


def start(course: Course) -> subprocess.Popen:
    """Write the config, start JupyterHub as root (it starts users' servers as themselves), log to
    ``course.hub_dir/hub.log``, and wait until ``/hub/api`` answers. Stops a hub of this course
    that is still running first."""
    if os.geteuid() != 0:
        raise HubError("the hub must run as root: it starts each user's server as that user")
    stop(course)
    ensure_proxy(course)
    write_users_config(course)
    write_config(course)
    if _port_in_use(course.hub_ip, course.hub_port):
        raise HubError(f"port {course.hub_port} is in use on this machine: "
                       f"choose another hub_port in the course's toml")
    jupyterhub = course.venv / "bin" / "jupyterhub"
    env = {**os.environ, "PATH": f"{course.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    with open(log_path(course), "ab") as log:
        process = subprocess.Popen([str(jupyterhub), "--config", str(config_path(course))], cwd=course.hub_dir,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"jupyterhub exited with {process.returncode}:\n{_tail(course)}")
        if answers(course):
            return process
        time.sleep(0.3)
    _stop_pid(process.pid)
    raise HubError(f"jupyterhub did not answer at {course.hub_url}/hub/api within {START_TIMEOUT:.0f} s:\n"
                   f"{_tail(course)}")


def _tail(course: Course, chars: int = 4000) -> str:
    with contextlib.suppress(OSError):
        return log_path(course).read_text(encoding="utf-8", errors="replace")[-chars:]
    return "(no log)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _stop_pid(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM (the hub then stops the users' servers, the service and the proxy), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        time.sleep(0.2)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def stop(course: Course) -> bool:
    """Stop this course's hub if it runs (its pid file); True if one was stopped."""
    try:
        pid = int(pid_path(course).read_text().strip())
    except (OSError, ValueError):
        return False
    stopped = False
    if _alive(pid) and _is_jupyterhub(pid):
        _stop_pid(pid)
        stopped = True
    pid_path(course).unlink(missing_ok=True)
    return stopped


def _is_jupyterhub(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return b"jupyterhub" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False
