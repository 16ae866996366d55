"""The staged project the wheel is built from: its ``setup.cfg``, ``pyproject.toml`` and README,
with the version and the ``student`` extra of the course's ``setup.cfg``."""
from __future__ import annotations

import configparser
import os
import re
import shutil
from pathlib import Path

from grader.core import words
from grader.core.course import STUDENT_EXTRA, declared_requirements
from grader.course.student_wheel.layout import DIST_NAME, EPOCH, ROOT, WEEKS

# Requirements students get under another name: Colab already has `tensorflow` (tensorflow-cpu
# there would be a second copy of it), and tensorflow-cpu is not published for every platform
# students use (e.g. Apple silicon).
RENAMED = {"tensorflow-cpu": "tensorflow"}


def metadata(setup_cfg: Path = ROOT / "setup.cfg") -> tuple[str, str, list[str]]:
    """(version, python_requires, the wheel's requirements: the ``student`` extra) from the
    project's setup.cfg."""
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")
    requires = []
    for line in declared_requirements(STUDENT_EXTRA, setup_cfg):
        name = re.match(r"[A-Za-z0-9_.\-]+", line).group(0)
        requires.append(RENAMED.get(name.lower(), name) + line[len(name):])
    return config["metadata"]["version"], config["options"].get("python_requires", ">=3.10"), requires


SETUP_CFG = """\
[metadata]
name = {name}
version = {version}
description = Self-check for the deep-learning notebooks of {weeks}: the grader command and the public checks
long_description = file: README.md
long_description_content_type = text/markdown
license = MIT

[options]
python_requires = {python_requires}
packages =
{packages}
install_requires =
{requires}

[options.package_data]
* = hidden_points.json

[options.entry_points]
console_scripts =
    grader = grader.student.cli:main
pytest11 =
    grader-notebooks = grader.student.pytest_notebooks
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"
"""

STUDENT_README = """\
# {name}

The `grader` command and the public checks of the deep-learning notebooks of {weeks}.

```bash
pip install {wheel}
pytest                                # in the folder of your notebooks: each check is a test
grader check 01_perceptron.ipynb      # last line: {score}: X / Y
```

Exit code 0: every check passes; 1: some fail; 2: the file is not a readable notebook.
The test cells in the notebooks (`from grader import check`) use the same checks.
"""


def wheel_filename(version: str) -> str:
    return f"{DIST_NAME.replace('-', '_')}-{version}-py3-none-any.whl"


def stage(directory: Path, files: list[Path], version: str, python_requires: str, requires: list[str]) -> None:
    """A buildable project in ``directory`` holding only ``files`` (paths relative to ROOT)."""
    for file in files:
        target = directory / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / file, target)
        os.chmod(target, 0o644)
    packages = sorted({file.parent.as_posix().replace("/", ".") for file in files if file.name == "__init__.py"})
    (directory / "setup.cfg").write_text(SETUP_CFG.format(
        name=DIST_NAME, weeks=", ".join(WEEKS), version=version, python_requires=python_requires,
        packages="\n".join(f"    {p}" for p in packages),
        requires="\n".join(f"    {r}" for r in requires)), encoding="utf-8")
    (directory / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (directory / "README.md").write_text(STUDENT_README.format(name=DIST_NAME, weeks=', '.join(WEEKS), wheel=wheel_filename(version),
                                                                     score=words.label(words.SCORE)), encoding="utf-8")
    for path in directory.rglob("*"):
        os.utime(path, (EPOCH, EPOCH))
