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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep ``xdist_group`` working under pytest 9: pytest-xdist (3.8) sends a group's tests to one
    worker by appending ``@<group>`` to each item's ``_nodeid``, an attribute pytest 9 no longer
    reads (a node's id is ``_id``), so every group was silently split over the workers and each
    worker built the group's minutes-long module fixtures again. Where xdist's suffix did not
    take, put it where pytest 9 reads it."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:   # pytest 8: xdist's own suffix works
        return
    for item in items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
