"""A quiet notebook (issue 22): TensorFlow's C++ start-up log reaches neither a student's cell nor
the stderr of a process that imports Keras the notebooks' way (what pytest captured)."""
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from grader.core.cells import kind
from tests.helpers import RELEASE

KERAS_NOTEBOOKS = ("02_xor_mlp", "05_sign_language_mnist", "06_mnist_homework")


def without_tf_log_level() -> dict:
    """The environment of a student who never set TF_CPP_MIN_LOG_LEVEL."""
    return {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}


def test_the_keras_notebooks_import_keras_quietly():
    for name in KERAS_NOTEBOOKS:
        notebook = nbformat.read(RELEASE / f"{name}.ipynb", as_version=4)
        sources = [c.source for c in notebook.cells if kind(c) in ("setup", "solution")]
        assert any("keras = import_keras()" in s for s in sources), name
        assert not any(line.strip() == "import keras" for s in sources for line in s.splitlines()), name


def stderr_of(program: str) -> str:
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=without_tf_log_level(), timeout=300)
    assert done.returncode == 0 and done.stdout == "keras\n", done.stderr
    return done.stderr


def test_import_keras_writes_nothing_to_stderr():
    assert stderr_of("from grader import import_keras\nkeras = import_keras()\nprint(keras.__name__)") == ""


def test_the_old_setup_cell_was_noisy():
    """The control: the setup cell before import_keras, TF_CPP_MIN_LOG_LEVEL=3 and all. When
    TensorFlow stops writing this log, this fails, and import_keras can go."""
    old = 'import os\nos.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")\nimport keras\nprint(keras.__name__)'
    assert "absl::InitializeLog" in stderr_of(old) or "oneDNN" in stderr_of(old)


@pytest.mark.slow
def test_the_keras_setup_cell_shows_no_stderr(monkeypatch):
    """02's bootstrap and setup cells, as released, in a Jupyter kernel: no stderr box."""
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    notebook = nbformat.read(RELEASE / "02_xor_mlp.ipynb", as_version=4)
    notebook.cells = [c for c in notebook.cells if kind(c) in ("bootstrap", "setup")]
    # the kernel forwards what reaches file descriptor 2 from a thread: give it time to arrive
    notebook.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(2)"))
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=False).execute()
    stderr = [o.text for c in notebook.cells for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr
