"""``make mutation``: how many mechanical mutants of the reference solutions the specs kill.

Each mutant (see :mod:`tests.mutation.mutate`) changes one thing in one graded function of
``solutions/week3/<spec>.py``; it is run after the reference in a fresh namespace, as a
student's cell would redefine the function, and graded with the public and hidden checks of
that function (``run_specs(..., target=function, scope="all")``). A mutant is killed when it
loses at least one point. Only the submission's copy is mutated: the hidden specs keep
comparing against the untouched reference module, which is why file-mutating tools (mutmut,
cosmic-ray, which rewrite the module on disk, the oracle included) do not fit here.

A survivor that no test may see (it changes nothing the notebook's contract lets a caller
observe) is listed in ``equivalent/<spec>.txt``, one per line: ``<mutant id> | <reason>``
(lines starting with ``#`` are comments). ``python -m tests.mutation [SPEC ...]`` prints the
score per function and every survivor; tests/test_mutation.py keeps the lists current.
"""
from __future__ import annotations

from pathlib import Path

from tests.helpers import SOLUTIONS, namespace_with
from tests.mutation.mutate import Mutation, mutants_of

EQUIVALENT_DIR = Path(__file__).resolve().parent / "equivalent"
TEST_TIMEOUT = 5.0        # seconds per check: a mutant that loops forever is killed by its timeout

# The numpy notebooks and their functions mutated (None: every graded function or class).
# 05's Keras model builder and 06 (a Keras model) are graded by training, not mutated here.
NOTEBOOKS: dict[str, list[str] | None] = {
    "perceptron": None,
    "xor_mlp": ["collapse_linear", "sigmoid", "mlp_forward"],
    "backprop": None,
    "training_skills": None,
    "sign_language_mnist": ["load_sign_mnist", "letter", "preprocess"],
}


def functions(spec: str) -> list[str]:
    """The definitions of ``spec`` that are mutated: graded functions and classes."""
    from tests.no_work import graded_names

    names = NOTEBOOKS[spec]
    if names is not None:
        return names
    reference = namespace_with(spec)
    return [name for name in graded_names(spec) if callable(reference[name])]


def mutations(spec: str) -> list[Mutation]:
    source = (SOLUTIONS / f"{spec}.py").read_text(encoding="utf-8")
    return [m for name in functions(spec) for m in mutants_of(source, name)]


def survives(spec: str, mutation: Mutation) -> bool:
    """Whether ``mutation`` keeps every point of its function's checks."""
    from grader.core.engine import run_specs
    from grader.core.results import total

    try:
        namespace = namespace_with(spec, mutation.code)
    except Exception:          # noqa: BLE001 - a mutant that cannot even be defined is killed
        return False
    earned, possible = total(run_specs(spec, namespace, target=mutation.function, scope="all",
                                       timeout=TEST_TIMEOUT))
    return possible > 0 and earned == possible


def equivalents(spec: str) -> dict[str, str]:
    """The committed equivalent survivors of ``spec``: mutant id -> why it is equivalent."""
    path = EQUIVALENT_DIR / f"{spec}.txt"
    listed = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                ident, _, reason = line.rpartition(" | ")
                listed[ident.strip()] = reason.strip()
    return listed
