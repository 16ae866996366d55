"""No points for no work: submissions generated from the references' signatures earn 0."""
import pytest

from grader.core.engine import available_specs, run_specs
from grader.core.results import total
from tests.helpers import namespace_with
from tests.no_work import KINDS, graded_names, no_work_code


def test_every_graded_name_is_replaced():
    for spec in available_specs():
        namespace = namespace_with(spec, no_work_code(spec, "returns None"))
        reference = namespace_with(spec)
        for name in graded_names(spec):
            assert namespace[name] is not reference[name], (spec, name)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("spec", available_specs())
def test_no_work_earns_nothing(spec, kind):
    results = run_specs(spec, namespace_with(spec, no_work_code(spec, kind)), scope="all")
    earned, possible = total(results)
    assert possible > 0
    paid = [f"{r.target}/{r.name} ({r.points:g})" for r in results if r.points > 0]
    assert earned == 0, f"{kind} earns {earned:g} of {possible:g}: {paid}"
