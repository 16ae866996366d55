"""Every plausible wrong implementation loses points; the reference loses none."""
import importlib

import pytest

from grader.core.engine import available_specs, run_specs
from grader.core.results import total
from tests.helpers import namespace_with


def _mutants():
    for spec in available_specs():
        try:
            module = importlib.import_module(f"tests.mutants.{spec}")
        except ModuleNotFoundError:
            continue
        for mutant in module.MUTANTS:
            yield pytest.param(spec, mutant, id=f"{spec}-{mutant.target}-{mutant.mistake}")


def mutants() -> list:
    return list(_mutants())


def test_every_spec_has_mutants():
    for spec in available_specs():
        module = importlib.import_module(f"tests.mutants.{spec}")
        targets = {m.target for m in module.MUTANTS}
        graded = {r.target for r in run_specs(spec, {}, scope="all", collect_only=True)}
        assert graded <= targets, f"{spec}: no wrong implementation for {sorted(graded - targets)}"


@pytest.mark.parametrize("spec", available_specs())
def test_reference_gets_full_marks(spec):
    results = run_specs(spec, namespace_with(spec), scope="all")
    failed = [f"{r.target}/{r.name}: {r.message}" for r in results if not r.passed]
    assert not failed, failed
    earned, possible = total(results)
    assert earned == possible > 0


@pytest.mark.parametrize("spec, mutant", mutants())
def test_mutant_loses_points(spec, mutant):
    results = run_specs(spec, namespace_with(spec, mutant.code), target=mutant.target, scope="all")
    earned, possible = total(results)
    assert possible > 0, f"no checks for {mutant.target}"
    assert earned < possible, f"{mutant} kept all {possible:g} points"
