"""One test's outcome, as the engine reports it (plain data, JSON-safe)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable


@dataclass
class TestResult:
    """The outcome of one spec test.

    ``message`` says what was expected and what came back; for a hidden test it is
    never shown to the student (only ``hint`` is).
    """

    target: str          # the graded item, e.g. "step"
    name: str            # the test function's name
    description: str     # first line of its docstring: what is checked
    points: float        # points earned
    max_points: float
    passed: bool
    hidden: bool
    message: str = ""
    hint: str = ""
    # where in the student's code the error of ``message`` came from: [name, line, code]
    # (grader.core.submission.error_frame), worded inside ``message`` by words.code_at
    frame: list | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TestResult":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data or k != "frame"})


def total(results: list[TestResult]) -> tuple[float, float]:
    """(points earned, points possible) over ``results``."""
    return (sum(r.points for r in results), sum(r.max_points for r in results))


def merge_results(expected: list[TestResult], found: dict[tuple, object],
                  outcome: Callable[[TestResult, object], TestResult] = lambda test, item: item or test,
                  ) -> list[TestResult]:
    """The trusted list of a spec's tests, ``expected``, each with what ``found`` holds for it
    (keyed by ``(target, name)``; nothing for a test that did not run): ``outcome(test, item)``
    makes its result (by default, what was found, or else the test as expected: failed)."""
    return [outcome(test, found.get((test.target, test.name))) for test in expected]
