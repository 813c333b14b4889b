# Tianping: `make demo` serves the platform with demo data; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_VENV := .venv-bench
PORT ?= 8000

.PHONY: setup system-deps demo test test-sqlite test-postgres lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,postgres]'
	touch $@

system-deps:
	@scripts/system-deps.sh

setup: system-deps $(STAMP)

demo: setup
	$(BIN)/tianping demo --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python scripts/check-deploy
	$(BIN)/python -m django makemigrations --check --dry-run --settings=tianping.web.settings
	$(BIN)/python -m tianping.norms.validate

test-sqlite: setup
	$(BIN)/pytest -p no:cacheprovider

test-postgres: setup
	scripts/with-postgres -- $(BIN)/pytest -p no:cacheprovider -m "not e2e" tests/web

# The two databases' suites are separate processes with separate homes and databases: they
# run side by side (one per core), each line of their output shown whole as it comes.
test: lint
	scripts/side-by-side "sqlite=$(MAKE) --no-print-directory test-sqlite" \
		"postgres=$(MAKE) --no-print-directory test-postgres"

messages: setup
	cd src/tianping/web && ../../../$(BIN)/django-admin makemessages -l zh_Hans -l en --settings=tianping.web.settings --no-obsolete --no-location
	cd src/tianping/web && ../../../$(BIN)/django-admin compilemessages --settings=tianping.web.settings

# Every benchmark, on a fresh virtualenv with the bench extra (Presidio, spaCy) and the
# reference implementations; each prints its ratio against the reference and peak memory.
bench: system-deps
	rm -rf $(BENCH_VENV)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -e '.[dev,postgres,bench]'
	@set -e; for script in benchmarks/*.py; do echo "== $$script"; $(BENCH_VENV)/bin/python $$script; done
	@echo "== benchmarks/case_search_db.py --database postgresql"
	scripts/with-postgres -- $(BENCH_VENV)/bin/python benchmarks/case_search_db.py --database postgresql

clean:
	rm -rf $(VENV) $(BENCH_VENV) var .pytest_cache .mypy_cache .ruff_cache
