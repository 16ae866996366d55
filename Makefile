# Two commands on a fresh clone: `make demo` and `make test`. Both create .venv from setup.cfg.
VENV   := .venv
PYTHON := $(VENV)/bin/python
COURSE := deploy/course.toml
# nbgrader shells out to alembic: the venv's bin must be on PATH for every nbgrader call.
export PATH := $(abspath $(VENV))/bin:$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 3
export MPLBACKEND := Agg

.PHONY: install release test demo bench mutation student-dist hub hub-down clean

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
test: install  ## the whole test suite (MNIST grading in quick mode: small budgets)
	$(PYTHON) -m pytest -n 2 --dist loadgroup

bench: install  ## homework model vs a dense baseline; grader grade vs nbgrader autograde (speed, memory)
	$(PYTHON) -m grader.bench.models
	$(PYTHON) -m grader.bench.grading

mutation: install  ## mechanical mutants of the numpy notebooks' solutions: score per function, each survivor
	$(PYTHON) -m tests.mutation

demo: install release  ## release, a simulated class, autograde, feedback, gradebook
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
