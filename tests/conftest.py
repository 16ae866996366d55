"""Fixtures shared by the package's own tests."""
import os

import pytest


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (:class:`grader.bench.browser.Browser`), launched once per test module.

    Skips when Chromium or Playwright is missing, unless ``GRADER_REQUIRE_BROWSER=1`` (set by
    ``.ci/run`` once it has installed Chromium): then it fails.
    """
    from grader.bench.browser import BrowserError, chromium
    try:
        with chromium() as running:
            yield running
            return
    except BrowserError as error:
        reason = str(error)
    if os.environ.get("GRADER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and GRADER_REQUIRE_BROWSER=1")
    pytest.skip(reason)


# The longest work units (an xdist group, or one test), longest first, as measured by
# ``pytest -n 2 --dist loadgroup --durations=80`` (seconds on a loaded 2-core machine, 2026-12-07).
# With --dist loadgroup they are handed out first, so that no minutes-long unit starts last and
# keeps one worker busy while the other is idle (longest-processing-time-first scheduling).
# pytest-xdist alone orders units by their number of tests, which put trusted_limits (4 tests,
# 7 minutes) behind every other group. Units not named here follow in collection order.
SLOWEST_FIRST = (
    "corpus_nbgrader",                                                          # 620 s
    "trusted_limits",                                                           # 405 s
    "same-paths-demo-class",                                                    # 380 s
    "corpus",                                                                   # 260 s
    "course_server",                                                            # 250 s (term, hub, exchange)
    "install_modes",                                                            # 240 s
    "postgres",                                                                 # 200 s
    "tests/test_notebooks.py::test_sandboxed_batch_path[06_mnist_homework]",    # 184 s
    "tests/test_notebooks.py::test_sandboxed_batch_path[02_xor_mlp]",           # 164 s
    "second_week",                                                              # 150 s
    "privilege",                                                                # 130 s
    "browser",                                                                  # 130 s
    "batch",                                                                    # 100 s
    "tests/test_nbgrader_first_run.py::test_the_readme_steps_work_on_a_fresh_clone",      # 93 s
    "tests/test_nbgrader_e2e.py::test_autograde_records_partial_credit_in_the_gradebook",  # 81 s
    "tests/test_same_on_every_path.py::test_corpus_kind_same_in_process_and_sandboxed[enormous_notebook]",
    "tests/test_notebooks.py::test_sandboxed_batch_path[05_sign_language_mnist]",
    "tests/test_notebooks.py::test_notebook_path_solution_full_marks[02_xor_mlp]",
    "tests/test_notebooks.py::test_notebook_path_solution_full_marks[06_mnist_homework]",
)


def pytest_configure(config):
    """With --dist loadgroup, xdist hands out work units in collection order (see
    :func:`pytest_collection_modifyitems`), not sorted by their number of tests."""
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False


def _groups(item) -> list[str]:
    return sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                   for mark in item.iter_markers("xdist_group")})


def _rank(item) -> int:
    """Where ``item``'s work unit goes: its place in SLOWEST_FIRST; then the other groups; then
    the other tests."""
    groups = _groups(item)
    unit = "_".join(groups) if groups else item.nodeid
    if unit in SLOWEST_FIRST:
        return SLOWEST_FIRST.index(unit)
    return len(SLOWEST_FIRST) + (0 if groups else 1)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep ``xdist_group`` working under pytest 9.2: pytest-xdist (3.8) sends a group's tests to one
    worker by appending ``@<group>`` to each item's ``_nodeid``, an attribute pytest 9.2 no longer
    reads (a node's id is ``_id``), so every group was silently split over the workers and each
    worker built the group's minutes-long module fixtures again (pytest-dev/pytest-xdist#1386,
    open; its fix, #1388, does what this does). Where xdist's suffix did not take, put it where
    pytest reads it. This relies on pytest internals (``_pytest.nodeid.NodeId``, ``Item._id``):
    ``setup.cfg``'s ``test`` extra pins pytest and pytest-xdist to the versions checked, and
    ``tests/test_xdist_groups.py`` tests the pins and the behaviour."""
    if not getattr(config.option, "loadgroup", False):
        return
    items.sort(key=_rank)     # stable: a group's tests, and a module's, keep their order
    try:
        from _pytest.nodeid import NodeId
    except ImportError:   # pytest 8: xdist's own suffix works
        return
    for item in items:
        groups = _groups(item)
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
