# Two commands matter: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-core lint bench clean

install: $(STAMP)

# Reinstall only when the dependency list changes; pip is idempotent anyway.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/scrutiny demo -o demo-bundle.json
	$(BIN)/scrutiny evaluate demo-bundle.json

test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: install
	$(BIN)/python bench/bench_evaluate.py

clean:
	rm -rf $(VENV) demo-bundle.json
