# Two commands on a fresh clone: `make demo` and `make test`. Both create .venv from setup.cfg.
VENV   := .venv
PYTHON := $(VENV)/bin/python
COURSE := deploy/course.toml
# nbgrader shells out to alembic: the venv's bin must be on PATH for every nbgrader call.
export PATH := $(abspath $(VENV))/bin:$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 3
export MPLBACKEND := Agg

.PHONY: install lint release test demo bench bench-1000 mutation student-dist hub hub-down clean

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(PYTHON) -m pip install --quiet -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
	$(PYTHON) -c "import grader, nbgrader, tensorflow" 2>/dev/null
	touch $@

install: $(VENV)/.installed

release: install  ## regenerate assignments/ (nbgrader) and solutions/ from source/
	$(PYTHON) -m grader.course.release

test: export GRADER_MNIST_QUICK = 1
lint: install  ## ruff's lint over grader/ and tests/ (configuration: pyproject.toml)
	$(VENV)/bin/ruff check grader tests

test: install lint  ## the lint, then the whole test suite (MNIST grading in quick mode: small budgets)
	$(PYTHON) -m pytest -n 2 --dist loadgroup

# otter-grader (the bench's comparison) in a venv of its own: never in the project's .venv.
# If PyPI cannot be reached, `make bench` goes on and says otter was not measured, and why.
.venv-otter/.installed:
	test -x .venv-otter/bin/python || python3 -m venv .venv-otter
	.venv-otter/bin/python -m pip install --quiet otter-grader ipykernel numpy matplotlib pytest pytest-timeout 2>&1 | grep -v '^WARNING: Location' || true
	.venv-otter/bin/otter --version >/dev/null
	touch $@

bench: install  ## homework model vs a dense baseline; grader grade vs nbgrader autograde and otter run (speed, CPU, memory), beside issue 23's targets
	-$(MAKE) --no-print-directory .venv-otter/.installed
	$(PYTHON) -m grader.bench.models
	$(PYTHON) -m grader.bench.grading

SUBMISSIONS := 1000
bench-1000: install  ## grader grade --workers 2 alone on 1000 numpy submissions: total time, CPU, memory flatness (SUBMISSIONS=1000)
	$(PYTHON) -m grader.bench.grading --only-grader --submissions $(SUBMISSIONS) --workers 2

mutation: install  ## mechanical mutants of the numpy notebooks' solutions: score per function, each survivor
	$(PYTHON) -m tests.mutation

# The demo exports solutions/ itself and releases into its own course folder (no second release here).
demo: install  ## release, a simulated class, autograde beside grader grade, feedback, gradebook, where the minutes went
	$(PYTHON) -m grader.course.demo --cell-timeout 300

student-dist: install  ## what students install: a wheel (engine + public specs) and the assignments zip
	$(PYTHON) -m grader.course.student_dist --out dist/student

hub: install  ## the course server of deploy/course.toml, as root: users, environment, database, folders, JupyterHub (COURSE=deploy/course.toml)
	@test "$$(id -u)" = 0 || { echo "make hub must run as root: it makes the course's Unix users, and the hub starts each user's server as that user (sudo make hub)" >&2; exit 2; }
	$(PYTHON) -m grader.server up --config $(COURSE)

hub-down:  ## stop the course server's hub and database (users and files stay)
	@test "$$(id -u)" = 0 || { echo "make hub-down must run as root (sudo make hub-down)" >&2; exit 2; }
	$(PYTHON) -m grader.server down --config $(COURSE)

clean:
	rm -rf demo-course gradebook.db submitted autograded feedback dist
