"""Fair to every correct answer: correct code in other styles keeps every point."""
import importlib

import pytest

from grader.core.engine import available_specs, run_specs
from grader.core.results import total
from tests.helpers import namespace_with


def _variants():
    for spec in available_specs():
        try:
            module = importlib.import_module(f"tests.variants.{spec}")
        except ModuleNotFoundError:
            continue
        for variant in module.VARIANTS:
            yield pytest.param(spec, variant, id=f"{spec}-{variant.target}-{variant.style}")


@pytest.mark.parametrize("spec, variant", list(_variants()))
def test_variant_keeps_full_marks(spec, variant):
    results = run_specs(spec, namespace_with(spec, variant.code), target=variant.target, scope="all")
    earned, possible = total(results)
    failed = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert possible > 0, f"no checks for {variant.target}"
    assert earned == possible, f"{variant} lost points: {failed}"
