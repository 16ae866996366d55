"""The sandbox wire: values keep their meaning across processes, and the child gets no further.

Each test starts a real sandboxed child (bwrap when installed) with a few cells of code. Tests
parametrized with ``ns`` run the same code in-process too: both paths must agree.
"""
import textwrap
import types
import warnings

import numpy as np
import pytest

from grader.sandbox.launcher import Limits
from grader.core.compare import Mismatch
from grader.sandbox.protocol import ProtocolError, RemoteError
from grader.sandbox.session import SandboxedSubmission, SandboxFailure
from grader.core.submission import MissingDefinition, explain_error

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

    def rebind(params, lr):
        for key in params:
            params[key] = params[key] - lr

    def in_place(params, lr):
        for key in params:
            params[key] -= lr

    def copy_entries(params):
        for key in params:
            params[key] = params[key].copy()

    def rebind_first(arrays):
        arrays[0] = arrays[0] * 2
        arrays[1] *= 2

    def swap(params):
        params["W"], params["b"] = params["b"], params["W"]

    def alias(params, grads):
        params["g"] = grads["W"]

    def nested(state):
        state["layers"][0]["W"] *= 2
        state["layers"][1]["W"] = state["layers"][1]["W"] + 1
        state["history"].append(1.0)
        state["layers"].append({"W": np.zeros(1)})
        state["short"].pop()
        del state["gone"]
        state["seen"].add(5)
        state["rng"].random()

    def bump_and_return(x):
        x += 1
        return x

    def touch_cache(dout, cache):
        x, W, b = cache
        x *= 0
        return dout

    def grader_rebinds(f):
        params = {"W": np.zeros(2), "b": np.zeros(2)}
        W, b = params["W"], params["b"]
        f(params)
        return params["W"] is W, params["b"] is b, float(W[0]), float(b[0])

    def naive_sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def overflowing():
        yield np.exp(np.array([1000.0]))

    class StudentWarning(RuntimeWarning):
        pass

    def warns():
        import warnings
        warnings.warn("careful", UserWarning)
        warnings.warn("own kind", StudentWarning)
        return 1
''')

LOCAL = {}
exec(compile(CODE, "<in-process>", "exec"), LOCAL)


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


@pytest.fixture(params=["in-process", "sandbox"])
def ns(request, sub):
    """The same code, called in-process or through the sandbox."""
    return types.SimpleNamespace(**LOCAL) if request.param == "in-process" else sub


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
    name, line, code = raised.value.frame         # the frame crosses as data, worded once by the grader
    assert (name, code) == ("divide", "return 1 / 0") and line > 0
    assert "ZeroDivisionError" in message and f"(divide, {line}번째 줄 (line {line}): return 1 / 0)" in message
    with pytest.raises(RemoteError) as raised:
        sub.unfinished()
    assert "not implemented yet" in explain_error(raised.value)


def test_a_missing_name_is_explained(sub):
    with pytest.raises(MissingDefinition, match=r"`no_such_function` 이\(가\) 정의되지 않았습니다"):
        sub.no_such_function  # noqa: B018 (the attribute's lookup is what raises)


@pytest.mark.parametrize("name, expected", [
    ("spin", r"1초 안에 끝나지 않아 멈췄습니다 \(took longer than 1 s"),
    ("die", r"파이썬 프로세스 \(Python process\)를 끝냈습니다 \(ended the process"),
    ("crash", r"세그멘테이션 오류 \(segmentation fault\)"),
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
    assert any("셀 (cell) 2: 1초 안에 끝나지 않아 멈췄습니다 (did not finish within 1 s" in note
               for note in submission.notes)


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
            submission.namespace()["f"] = submission.rebind
            assert submission.f() is None


# ---- one answer per check: identity and floating-point state as in-process ------------------

def test_rebinding_dict_entries_leaves_the_old_arrays_alone(ns):
    W, b = np.ones(2), np.zeros(2)
    params = {"W": W, "b": b}
    ns.rebind(params, 1.0)
    assert params["W"] is not W and params["b"] is not b
    np.testing.assert_array_equal(W, [1, 1])
    np.testing.assert_array_equal(params["W"], [0, 0])
    np.testing.assert_array_equal(params["b"], [-1, -1])


def test_changing_dict_entries_in_place_keeps_the_arrays(ns):
    W, b = np.ones(2), np.zeros(2)
    params = {"W": W, "b": b}
    ns.in_place(params, 1.0)
    assert params["W"] is W and params["b"] is b
    np.testing.assert_array_equal(W, [0, 0])


def test_an_equal_copy_is_a_rebinding(ns):
    W = np.ones(2)
    params = {"W": W}
    ns.copy_entries(params)
    assert params["W"] is not W
    np.testing.assert_array_equal(params["W"], W)


def test_rebinding_and_in_place_in_a_list(ns):
    first, second = np.ones(2), np.ones(2)
    arrays = [first, second]
    ns.rebind_first(arrays)
    assert arrays[0] is not first and arrays[1] is second
    np.testing.assert_array_equal(first, [1, 1])
    np.testing.assert_array_equal(arrays[0], [2, 2])
    np.testing.assert_array_equal(second, [2, 2])


def test_objects_moved_between_keys_and_arguments_stay_the_same_objects(ns):
    W, b, g = np.ones(2), np.zeros(2), np.full(2, 3.0)
    params, grads = {"W": W, "b": b}, {"W": g}
    ns.swap(params)
    assert params["W"] is b and params["b"] is W
    ns.alias(params, grads)
    assert params["g"] is g and grads["W"] is g


def test_nested_containers_keep_identity_at_every_depth(ns):
    W0, W1 = np.ones(2), np.ones(2)
    first, second = {"W": W0}, {"W": W1}
    layers, history, short, seen = [first, second], [], [1, 2, 3], {1}
    rng, local = np.random.default_rng(4), np.random.default_rng(4)
    state = {"layers": layers, "history": history, "short": short, "gone": 0, "seen": seen, "rng": rng}
    ns.nested(state)
    assert state["layers"] is layers and layers[0] is first and layers[1] is second and first["W"] is W0
    np.testing.assert_array_equal(W0, [2, 2])
    assert second["W"] is not W1
    np.testing.assert_array_equal(W1, [1, 1])
    np.testing.assert_array_equal(second["W"], [2, 2])
    assert len(layers) == 3 and state["history"] is history and history == [1.0]
    assert state["short"] is short and short == [1, 2] and "gone" not in state
    assert state["seen"] is seen and seen == {1, 5}
    assert state["rng"] is rng
    local.random()
    assert rng.random() == local.random()


def test_a_returned_argument_is_the_callers_object(ns):
    x = np.zeros(2)
    out = ns.bump_and_return(x)
    assert out is x
    np.testing.assert_array_equal(x, [1, 1])


def test_arrays_in_a_tuple_changed_in_place_are_written_back(ns):
    x, W, b = np.ones(2), np.ones(2), np.ones(2)
    ns.touch_cache(np.ones(2), (x, W, b))
    np.testing.assert_array_equal(x, [0, 0])


def test_a_grader_callback_that_rebinds_is_seen_by_student_code(ns):
    def callback(params):
        params["W"] = params["W"] + 1
        params["b"] += 1

    assert ns.grader_rebinds(callback) == (False, True, 0.0, 1.0)


def test_a_marker_outside_a_write_back_or_out_of_range_is_refused(sub):
    with pytest.raises(ProtocolError):
        sub.peer.decode({"__same__": ["0", 0], "value": 1})
    with pytest.raises(ProtocolError):
        sub.peer.decode({"__same__": ["0", 5], "value": 1}, originals={"0": [np.zeros(1)]})


BIG = np.array([-1000.0, 1000.0])


def test_overflow_raises_under_the_callers_errstate(ns):
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        ns.naive_sigmoid(BIG)
    steps = ns.overflowing()
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        next(steps)                               # a generator runs under the state of each step
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(ns.naive_sigmoid(BIG), [0, 1])


def test_the_xor_spec_rejects_a_naive_sigmoid(ns):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)   # (markers of the grader's plugin)
        from grader.weeks.week3.xor_mlp_public import guarded_sigmoid
    with pytest.raises(Mismatch, match=r"오버플로 \(overflow\)"):
        guarded_sigmoid(ns.naive_sigmoid, BIG)


def test_warnings_are_recorded_by_the_callers_filters(ns):
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn"):
        warnings.simplefilter("always")
        ns.naive_sigmoid(BIG)
        ns.warns()
    assert [w.category for w in caught[:2]] == [RuntimeWarning, UserWarning]
    assert "overflow" in str(caught[0].message) and str(caught[1].message) == "careful"
    assert issubclass(caught[2].category, RuntimeWarning) and str(caught[2].message) == "own kind"


def test_warnings_ignored_by_the_caller_are_ignored(ns):
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn"):
        warnings.simplefilter("ignore")
        assert ns.warns() == 1
        ns.naive_sigmoid(BIG)
    assert caught == []


def test_warnings_are_errors_when_the_caller_says_so(ns):
    with warnings.catch_warnings(), np.errstate(over="warn"):
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="overflow"):
            ns.naive_sigmoid(BIG)
        with pytest.raises(UserWarning, match="careful"):
            ns.warns()
