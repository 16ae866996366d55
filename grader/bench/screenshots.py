"""Screenshots of a feedback page, a class report and a test cell in JupyterLab, for the README.

    python -m grader.bench.screenshots OUT_DIR --feedback results/alice/01_perceptron/feedback.html \\
                                         --report results/report.html [--full-page] [--scale 2]
    python -m grader.bench.screenshots docs/images --jupyterlab

writes ``OUT_DIR/feedback.png``, ``OUT_DIR/class-report.png`` and, with ``--jupyterlab``,
``OUT_DIR/test-cell-jupyterlab.png`` (the perceptron's ``step`` test cell after a wrong ``step``,
run in JupyterLab: :mod:`grader.bench.jupyterlab_shot`) with headless Chromium
(:mod:`grader.bench.browser`: Debian's ``chromium`` and Playwright, ``pip install -e '.[test]'``).
By default only the first screen of each page is kept. A page that logs an error, needs the
network or has a picture that does not load is reported, and the exit code is 1, so a broken
page does not end up in the README.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.bench.browser import BrowserError, chromium
from grader.bench.jupyter_server import ServerError
from grader.bench.jupyterlab_shot import shoot_test_cell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.bench.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="folder for the PNG files")
    parser.add_argument("--feedback", type=Path, help="a feedback.html (from grader grade)")
    parser.add_argument("--report", type=Path, help="a class report HTML file")
    parser.add_argument("--jupyterlab", action="store_true",
                        help="the step test cell of 01_perceptron run in JupyterLab (test-cell-jupyterlab.png)")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only its first screen")
    parser.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (default 1; 2 is sharper)")
    args = parser.parse_args(argv)
    pages = [(path, name) for path, name in ((args.feedback, "feedback"), (args.report, "class-report")) if path]
    if not pages and not args.jupyterlab:
        parser.error("give --feedback, --report and/or --jupyterlab")
    for path, _ in pages:
        if not path.is_file():
            parser.error(f"no such file: {path}")
    broken = False
    try:
        with chromium() as browser:
            for path, name in pages:
                shot = browser.render(path, args.out / f"{name}.png", scale=args.scale, full_page=args.full_page)
                bad_images = [i.alt for i in shot.images if not (i.complete and i.width > 0)]
                problems = shot.problems + [f"picture did not load: {alt!r}" for alt in bad_images]
                if not shot.korean_fonts and shot.hangul_fonts:
                    problems.append("Korean text drawn without a Korean font (install fonts-nanum)")
                for problem in problems:
                    print(f"{path}: {problem}", file=sys.stderr)
                broken = broken or bool(problems)
                print(shot.screenshot)
            if args.jupyterlab:
                broken = _jupyterlab(browser, args.out / "test-cell-jupyterlab.png", args.scale) or broken
    except (BrowserError, ServerError) as error:
        print(f"grader.bench.screenshots: {error}", file=sys.stderr)
        return 2
    return 1 if broken else 0


def _jupyterlab(browser, out: Path, scale: float) -> bool:
    """The JupyterLab test cell's screenshot; True when JupyterLab logged a problem."""
    problems = shoot_test_cell(browser, out, scale=scale)
    for problem in problems:
        print(f"JupyterLab: {problem}", file=sys.stderr)
    print(out)
    return bool(problems)


if __name__ == "__main__":
    sys.exit(main())
