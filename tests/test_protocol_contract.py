"""The written contract between the engine, a submission and the sandbox's protocol.

- the protocol and the child import nothing of the grader but its public core, and the child's
  folder holds the protocol package, importable on its own;
- the machinery's exceptions are one family (``MachineryError``), the student's are not;
- every submission has the same interface (``time_limit``, ``replace_for_test``, ``namespace``,
  ``shared_folder``), in this process and in a sandbox;
- an error reply carries the student's frame as data, checked when it arrives.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.core.plugin import StudentInterrupt
from grader.core.submission import MachineryError, Submission, TestTimeout, error_frame, explain_error
from grader.sandbox import launcher
from grader.sandbox.protocol import DeadlineExceeded, PeerGone, ProtocolError, RemoteError, TooLarge
from grader.sandbox.protocol.errors import error_reply, raised_remotely
from grader.sandbox.session import SandboxedSubmission, SandboxFailure

SANDBOX = Path(launcher.__file__).parent
CHILD_SIDE = [SANDBOX / "child.py", SANDBOX / "zygote.py", *sorted((SANDBOX / "protocol").glob("*.py"))]
ALLOWED_ROOTS = set(sys.stdlib_module_names) | {"numpy", "keras", "tensorflow", "protocol", "zygote"}


def test_the_child_side_imports_only_the_standard_library_numpy_and_the_public_core():
    wrong = []
    for path in CHILD_SIDE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            wrong += [f"{path.name}: {name}" for name in names
                      if name.split(".")[0] not in ALLOWED_ROOTS and name.split(".")[:2] != ["grader", "core"]]
    assert wrong == []


def test_the_childs_folder_holds_the_protocol_package_importable_on_its_own():
    folder = Path(launcher.child_code())
    assert {"child.py", "zygote.py", "protocol"} <= {p.name for p in folder.iterdir()}
    assert not list(folder.rglob("__pycache__")) and not (folder / "grader" / "sandbox").exists()
    probe = ("import sys, protocol, child\n"
             "from protocol.errors import MachineryError, ProtocolError\n"
             "assert issubclass(ProtocolError, MachineryError)\n"
             "print(sorted(m for m in sys.modules if m.startswith('grader.')\n"
             "             and m.split('.')[1] not in ('core', 'student', 'weeks')))")
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.')\n{probe}"],
                          cwd=folder, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"      # nothing of the trusted grader, only what a student installs


@pytest.mark.parametrize("kind", [TestTimeout, StudentInterrupt, SandboxFailure, ProtocolError, PeerGone, TooLarge,
                                  DeadlineExceeded])
def test_the_machinerys_errors_are_one_family(kind):
    assert issubclass(kind, MachineryError)


def test_the_students_errors_are_not_the_machinerys():
    remote = raised_remotely({"type": "ValueError", "message": "bad", "mro": ["ValueError", "Exception"]})
    assert isinstance(remote, ValueError) and isinstance(remote, RemoteError)
    assert not isinstance(remote, MachineryError)
    assert issubclass(SandboxFailure, AssertionError)      # its message is the test's, as before


def test_a_local_submission_replaces_a_name_for_one_test_only():
    names = {"helper": "student's"}
    sub = Submission(names)
    with pytest.MonkeyPatch.context() as monkeypatch:
        sub.replace_for_test(monkeypatch, "helper", "reference's")
        assert sub.helper == "reference's"
    assert sub.helper == "student's" and sub.namespace() is names and sub.shared_folder() is None


def test_a_local_submissions_time_limit_stops_the_test():
    started = time.monotonic()
    with pytest.raises(TestTimeout), Submission({}).time_limit(0.2):
        while time.monotonic() - started < 5:
            pass
    assert time.monotonic() - started < 2


def test_every_submission_has_the_same_interface():
    for name in ("time_limit", "replace_for_test", "namespace", "shared_folder"):
        assert callable(getattr(SandboxedSubmission, name)) and callable(getattr(Submission, name))
    assert issubclass(SandboxedSubmission, Submission)


def test_an_error_reply_carries_the_students_frame_as_data():
    source = "def step(z):\n    return 1 / z\n"
    namespace = {}
    exec(compile(source, "<cell 4>", "exec"), namespace)
    try:
        namespace["step"](0)
    except ZeroDivisionError as error:
        reply = error_reply(7, error)
    assert reply["reply"] == 7 and reply["error"]["frame"] == ["step", 2, ""]   # (no source in linecache)
    remote = raised_remotely(reply["error"])
    assert isinstance(remote, ZeroDivisionError) and remote.frame == ("step", 2, "")
    assert error_frame(remote) == ("step", 2, "") and "(step, 2번째 줄 (line 2))" in explain_error(remote)


@pytest.mark.parametrize("frame", ["in step, line 3", ["step"], [1, "x", 2, 3], {"name": "step"}, 12])
def test_a_frame_that_is_not_one_is_dropped(frame):
    remote = raised_remotely({"type": "ValueError", "message": "bad", "frame": frame})
    assert remote.frame is None or (isinstance(remote.frame[1], int) and len(remote.frame) == 3)
    assert isinstance(explain_error(remote), str)
