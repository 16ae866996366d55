"""The privilege kinds graded by a NON-root grader (a course's grader account).

Made by root for the test: a user (``useradd``, removed afterwards) and a mount namespace in
which ``/root`` (0700 here) is an empty tmpfs holding only ``/root/.pyenv`` (the venv's Python
links there), so that user can start the project's Python. In it, as that user (``setpriv``,
no capability), ``grader grade`` grades the privilege kinds of :mod:`tests.hostile.privilege`
with two controls: bwrap then runs unprivileged (a user namespace, every capability dropped,
no nested user namespace). Expected as for root: exact scores, nothing worked inside (but
the working folder, on the host's disk: a tmpfs of its own needs root), the environment and a
canary file unchanged, the host process alive.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import uuid
from pathlib import Path

import pytest

from tests.helpers import GraderAccount, built_once, give_to, grader_account, nonroot_missing, skip_for
from tests.hostile import Context, build_corpus, privilege
from tests.test_hostile_corpus import GRADE_OPTIONS, require_isolation
from tests.test_privilege import KINDS, _canaries, _clean_up, changed, environment_digest

pytestmark = [pytest.mark.xdist_group("privilege"), pytest.mark.slow]


def _run(account: GraderAccount) -> dict:
    base = account.folder
    ctx = Context(submissions=base / "submitted", results=base / "results", outside=base / "outside",
                  token=uuid.uuid4().hex[:12], port=0, course=base)
    ctx.outside.mkdir(parents=True)
    canary = ctx.outside / "canary.txt"
    canary.write_text("the host's file\n")
    before = environment_digest(canary)
    atexit.register(_clean_up, ctx)
    build_corpus(ctx, KINDS)
    give_to(base, account.uid, account.gid, keep=lambda path: path.name.startswith("canary"))
    done = account.run("-c", "from grader.student.cli import main; main()", "grade",
                       str(ctx.submissions), "--out", str(ctx.results), *GRADE_OPTIONS)
    scores, shown = {}, []
    for path in ctx.results.glob("**/results.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        scores[document["extra_data"]["student"]] = document["score"]
        shown.append(json.dumps(document, ensure_ascii=False))
    return {"ctx": ctx, "scores": scores, "output": f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
            "shown": "\n".join(shown), "before": before, "after": environment_digest(canary)}


@pytest.fixture(scope="module")
def nonroot():
    skip_for(nonroot_missing())
    require_isolation("privilege as a non-root grader")

    def run() -> dict:
        stack = contextlib.ExitStack()       # the user and its folder: removed when the worker exits
        atexit.register(stack.close)
        return _run(stack.enter_context(grader_account("grader-nonroot")))
    return built_once("privilege-nonroot", run)


def test_every_kind_scores_exactly_as_a_non_root_grader(nonroot):
    for kind in KINDS:
        assert kind.folder in nonroot["scores"], f"{kind.name} not graded:\n{nonroot['output']}"
        assert nonroot["scores"][kind.folder] == pytest.approx(kind.score()), kind.name


# What a non-root grader cannot bound: its sandboxes' working folders are on the host's disk
# (a tmpfs of their own needs root), limited per file only. Known and said in the README.
NOT_BOUNDED = privilege.WORKED + ": working folder"


def test_nothing_worked_inside_as_a_non_root_grader(nonroot):
    text = nonroot["shown"].replace(NOT_BOUNDED, "(known: the working folder is on disk)")
    at = text.find(privilege.WORKED)
    assert at < 0, text[max(0, at - 300):at + 700]


def test_environment_unchanged_and_host_process_alive_as_a_non_root_grader(nonroot):
    assert not changed(nonroot["before"], nonroot["after"]), changed(nonroot["before"], nonroot["after"])
    assert not list(nonroot["ctx"].outside.glob("pth-ran-*"))
    for pid in _canaries(nonroot["ctx"]):
        status = Path(f"/proc/{pid}/status").read_text()
        assert "State:\tS" in status or "State:\tR" in status, status[:200]
        assert "TracerPid:\t0" in status
