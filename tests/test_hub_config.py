"""The course's ``jupyterhub_config.py`` as JupyterHub reads it, without starting anything
(the running hub is tried in ``tests/test_course_hub.py``)."""
from __future__ import annotations

import stat
from pathlib import Path

from traitlets.config import Config

from grader.server import hub
from grader.server.layout import Course

PORTS = {"hub": 40001, "proxy_api": 40002, "formgrader": 40003}


def course(tmp_path: Path, **overrides) -> Course:
    return Course(course_id="ml-intro", root=tmp_path, instructors=("kim",), graders=("park",),
                  students=("s1", "s2"), prefix="tx-", **overrides)


def read_config(path: Path) -> Config:
    config = Config()
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"get_config": lambda: config})
    return config


def test_the_config_is_roots_and_listens_on_loopback(tmp_path):
    path = hub.write_config(course(tmp_path), PORTS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    c = read_config(path)
    assert (c.JupyterHub.ip, c.JupyterHub.port, c.JupyterHub.hub_ip) == ("127.0.0.1", 8000, "127.0.0.1")
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:40002"
    assert "TLS reverse proxy" in path.read_text()


def test_only_the_course_logs_in_with_its_own_passwords_and_instructors_are_admins(tmp_path):
    c = read_config(hub.write_config(course(tmp_path), PORTS))
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.Authenticator.allowed_users == {"tx-kim", "tx-park", "tx-s1", "tx-s2"}
    assert c.Authenticator.admin_users == {"tx-kim"}
    assert "DummyAuthenticator" not in c and "SharedPasswordAuthenticator" not in c    # no shared password


def test_only_the_formgrade_group_may_open_the_formgrader_service(tmp_path):
    c = read_config(hub.write_config(course(tmp_path), PORTS))
    assert c.JupyterHub.load_groups == {"formgrade-ml-intro": {"users": ["tx-kim", "tx-park"]},
                                        "nbgrader-ml-intro": {"users": ["tx-s1", "tx-s2"]}}
    granting = [role for role in c.JupyterHub.load_roles if "access:services!service=ml-intro" in role["scopes"]]
    assert [(role["groups"], role.get("users", [])) for role in granting] == [(["formgrade-ml-intro"], [])]
    [service] = c.JupyterHub.services
    assert (service["name"], service["user"], service["cwd"]) == ("ml-intro", "tx-kim", str(tmp_path / "course"))
    assert service["url"] == "http://127.0.0.1:40003"


def test_users_servers_run_the_course_environment_in_their_homes_without_the_formgrader(tmp_path):
    the_course = course(tmp_path)
    c = read_config(hub.write_config(the_course, PORTS))
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Spawner.cmd == [str(tmp_path / "venv" / "bin" / "jupyterhub-singleuser")]
    assert c.Spawner.notebook_dir == "~"
    assert c.Spawner.environment["PATH"].startswith(f"{tmp_path / 'venv' / 'bin'}:")
    users_config = Path(c.Spawner.environment["JUPYTER_CONFIG_PATH"])
    hub.write_users_config(the_course)
    assert "@jupyter/nbgrader:formgrader" in (users_config / "labconfig" / "page_config.json").read_text()
    assert "nbgrader.server_extensions.formgrader" in (users_config / "jupyter_server_config.json").read_text()
