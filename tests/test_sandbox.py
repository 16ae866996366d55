"""The sandbox wire: values keep their meaning across processes, and the child gets no further.

Each test starts a real sandboxed child (bwrap when installed) with a few cells of code.
"""
import textwrap

import numpy as np
import pytest

from grader.sandbox.launcher import Limits
from grader.sandbox.protocol import RemoteError
from grader.sandbox.session import SandboxedSubmission, SandboxFailure
from grader.submission import MissingDefinition, explain_error

CODE = textwrap.dedent('''
    import numpy as np

    def same(x):
        return x

    def bump(a, d):
        a += 1
        d["new"] = 1
        return None

    def draw(rng):
        return rng.integers(0, 100, size=3)

    def batches(n):
        for i in range(n):
            yield i, i * i

    def train(net, steps):
        for _ in range(steps):
            loss, grads = net.loss(np.ones(2))
            params = net.params
            params["W"] -= 0.5 * grads["W"]      # item assignment
            for value in net.params.values():    # in place, through .values()
                value *= 1.0
        net.params["b"] += 1                     # in place on a fetched array
        return loss

    class Counter:
        def __init__(self):
            self.params = {"W": np.zeros(2)}
        def add(self, k):
            self.params["W"] += k
            return self.params["W"].sum()

    def numeric(f, x):
        return f(x) + f(x + 1)

    def spin():
        while True:
            pass

    def die():
        import os
        os._exit(7)

    def crash():
        import ctypes
        ctypes.string_at(0)

    def unfinished():
        raise NotImplementedError()

    def divide():
        return 1 / 0

    def escape(obj, what):
        try:
            return repr(eval(what, {"obj": obj}))
        except Exception as error:
            return "refused: " + type(error).__name__ + str(error)
''')


class Net:
    """A grader-side object handed to student code."""

    def __init__(self):
        self.params = {"W": np.ones(2), "b": np.zeros(2)}
        self._secret = "reference internals"

    def loss(self, x):
        return float(self.params["W"] @ x), {"W": np.full(2, 0.5)}


@pytest.fixture(scope="module")
def sub():
    with SandboxedSubmission([(1, CODE)], Limits(), cell_timeout=30, deadline_seconds=300) as submission:
        yield submission


@pytest.mark.parametrize("value", [
    3, -2.5, float("nan"), 1 + 2j, "텍스트", b"\x00\xff", None, True, (1, (2, 3)), [1, [2]], {1: "a", (2, 3): [4]},
    {1, 2}, np.float32(1.5), np.int8(-3), np.bool_(True), np.array(2.0), np.arange(6).reshape(2, 3).T,
    np.array(["A", "B"]), np.zeros((600, 600)), np.array([np.nan, np.inf]), range(2, 9, 3),
], ids=repr)
def test_values_cross_unchanged(sub, value):
    back = sub.same(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    elif value == value:   # not NaN
        assert back == value


def test_arguments_changed_in_place_are_written_back(sub):
    a, d = np.zeros(3), {"old": 0}
    sub.bump(a, d)
    np.testing.assert_array_equal(a, [1, 1, 1])
    assert d == {"old": 0, "new": 1}


def test_a_random_generator_advances_as_it_would_locally(sub):
    rng, local = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(sub.draw(rng), local.integers(0, 100, size=3))
    np.testing.assert_array_equal(sub.draw(rng), local.integers(0, 100, size=3))


def test_a_generator_is_iterated_lazily(sub):
    assert list(sub.batches(3)) == [(0, 0), (1, 1), (2, 4)]


def test_student_code_drives_a_grader_object_through_callbacks(sub):
    net = Net()
    sub.train(net, 2)
    np.testing.assert_allclose(net.params["W"], [0.5, 0.5])
    np.testing.assert_allclose(net.params["b"], [1, 1])


def test_the_grader_drives_a_student_object(sub):
    counter = sub.Counter()
    counter.params["W"] = np.ones(2)
    assert counter.add(2) == 6.0
    np.testing.assert_array_equal(counter.params["W"], [3, 3])
    assert isinstance(counter.params, dict)


def test_callbacks_reach_grader_functions(sub):
    assert sub.numeric(lambda x: x * 10, 1) == 30


@pytest.mark.parametrize("attempt", [
    "obj._secret", "getattr(obj, '_secret')", "obj.__class__", "obj.__dict__", "vars(obj)",
    "obj.loss.__func__.__globals__", "obj.loss.__self__._secret", "obj.loss.__globals__",
    "obj.__getattribute__('_secret')", "obj.params.__class__.__init__.__globals__",
])
def test_the_child_reaches_nothing_private(sub, attempt):
    seen = sub.escape(Net(), attempt)
    assert "reference internals" not in seen and "test_sandbox" not in seen and "Net" not in seen, seen


def test_the_child_cannot_replace_grader_methods(sub):
    net = Net()
    assert "cannot set" in sub.escape(net, "setattr(obj, 'loss', lambda x: 0)")
    assert "not public" in sub.escape(net, "setattr(obj, '_secret', 1)")
    assert net.loss(np.ones(2))[0] == 2.0 and net._secret == "reference internals"


def test_student_errors_are_explained_with_their_line(sub):
    with pytest.raises(RemoteError) as raised:
        sub.divide()
    message = explain_error(raised.value)
    assert "ZeroDivisionError" in message and "in divide, line" in message and "1 / 0" in message
    with pytest.raises(RemoteError) as raised:
        sub.unfinished()
    assert "not implemented yet" in explain_error(raised.value)


def test_a_missing_name_is_explained(sub):
    with pytest.raises(MissingDefinition, match="`no_such_function` is not defined"):
        sub.no_such_function


@pytest.mark.parametrize("name, expected", [
    ("spin", "took longer than 1 s"),
    ("die", "ended the Python process"),
    ("crash", "segmentation fault"),
])
def test_timeouts_and_crashes_fail_one_test_then_the_child_restarts(sub, name, expected):
    with pytest.raises(SandboxFailure, match=expected):
        with sub.time_limit(1):
            getattr(sub, name)()
    with sub.time_limit(10):
        assert sub.same(4) == 4


def test_a_hanging_cell_is_stopped_and_skipped_and_the_rest_still_runs():
    cells = [(1, "x = 1"), (2, "while True:\n    pass"), (3, "def f():\n    return x + 1")]
    with SandboxedSubmission(cells, cell_timeout=1, deadline_seconds=60) as submission:
        assert submission.f() == 2
    assert any("cell 2 did not finish within 1 s" in note for note in submission.notes)


def test_memory_is_limited():
    cells = [(1, "import numpy as np\nblock = np.ones(2 * 1024 ** 3 // 8)")]
    with SandboxedSubmission(cells, Limits(memory_mb=1024), cell_timeout=30, deadline_seconds=60) as submission:
        pass
    assert any("MemoryError" in note for note in submission.notes)


def test_functions_are_looked_up_once_per_test_values_every_time_and_rebinding_is_seen():
    cells = [(1, "import numpy as np\nW = np.zeros(2)\ndef f():\n    return 1\n"
                 "def rebind():\n    global f\n    f = lambda: 2\n")]
    with SandboxedSubmission(cells, cell_timeout=30, deadline_seconds=120) as submission:
        lookups = []
        request = submission.peer.request
        submission.peer.request = lambda op, **fields: (lookups.append(fields.get("name")) if op == "lookup"
                                                        else None, request(op, **fields))[1]
        with submission.time_limit(10):
            assert [submission.f() for _ in range(5)] == [1] * 5
            submission.W[0] = 5.0                     # a spec's own copy: the next lookup is fresh
            assert submission.W[0] == 0.0
            submission.rebind()
        assert lookups.count("f") == 1 and lookups.count("W") == 2
        with submission.time_limit(10):               # the next test sees what a call rebound
            assert submission.f() == 2
        with submission.time_limit(10):               # and a spec's monkeypatching at once
            assert submission.f() == 2
            submission._namespace["f"] = submission.rebind
            assert submission.f() is None
