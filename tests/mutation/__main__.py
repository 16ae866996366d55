"""Print the mutation score of the numpy notebooks' specs: ``python -m tests.mutation [SPEC ...]``.

Exit status 1 when a survivor is not listed as equivalent (or a listed one was killed).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

from tqdm import tqdm

from tests.mutation import NOTEBOOKS, equivalents, mutations, survives


def _graded(job):
    spec, mutation = job
    return spec, mutation, survives(spec, mutation)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", metavar="SPEC",
                        help=f"notebooks (default: all numpy notebooks: {', '.join(NOTEBOOKS)})")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    specs = args.specs or list(NOTEBOOKS)
    unknown = sorted(set(specs) - set(NOTEBOOKS))
    if unknown:
        parser.error(f"not a numpy notebook: {', '.join(unknown)} (choose from {', '.join(NOTEBOOKS)})")
    jobs = [(spec, m) for spec in specs for m in mutations(spec)]
    outcome = defaultdict(list)           # (spec, function) -> [(mutation, survived)]
    with ProcessPoolExecutor(args.workers) as pool:
        for spec, mutation, survived in tqdm(pool.map(_graded, jobs, chunksize=4), total=len(jobs),
                                             desc="mutants", file=sys.stderr):
            outcome[spec, mutation.function].append((mutation, survived))

    problems = 0
    print(f"{'notebook':<22}{'function':<26}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'score':>9}")
    totals = defaultdict(lambda: [0, 0, 0])
    for spec in specs:
        listed = equivalents(spec)
        for (s, function), results in outcome.items():
            if s != spec:
                continue
            killed = sum(not survived for _, survived in results)
            equivalent = sum(survived and m.id in listed for m, survived in results)
            counted = len(results) - equivalent
            for i, value in enumerate((len(results), killed, equivalent)):
                totals[spec][i] += value
            print(f"{spec:<22}{function:<26}{len(results):>8}{killed:>8}{equivalent:>8}"
                  f"{100 * killed / counted if counted else 100:>8.1f}%")
    print()
    for spec in specs:
        made, killed, equivalent = totals[spec]
        counted = made - equivalent
        print(f"{spec:<22}{'(all)':<26}{made:>8}{killed:>8}{equivalent:>8}"
              f"{100 * killed / counted if counted else 100:>8.1f}%")
    made, killed, equivalent = (sum(t[i] for t in totals.values()) for i in range(3))
    print(f"{'all':<22}{'':<26}{made:>8}{killed:>8}{equivalent:>8}"
          f"{100 * killed / (made - equivalent) if made > equivalent else 100:>8.1f}%\n")

    for spec in specs:
        listed = equivalents(spec)
        results = [r for (s, _), rs in outcome.items() if s == spec for r in rs]
        for mutation, survived in results:
            if survived and mutation.id not in listed:
                problems += 1
                print(f"SURVIVED  {spec}: {mutation.id}")
            elif not survived and mutation.id in listed:
                problems += 1
                print(f"KILLED, BUT LISTED AS EQUIVALENT  {spec}: {mutation.id}")
        made = {m.id for m, _ in results}
        for ident in sorted(set(listed) - made):
            problems += 1
            print(f"LISTED, BUT NO LONGER MADE  {spec}: {ident}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
