# Insights API: build, check and run targets. `make` (or `make help`) lists them.
#
# Every tool runs from the project's virtualenv (.venv), which `make install` creates from the
# locked dependencies (uv.lock) with uv, itself bootstrapped into a separate tools venv (.tools).
# Settings (DATABASE_URL, PORT, HOST, ...) are read from the environment by the app itself.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# axe-core for the accessibility checks of the browser test, from the npm registry (its lock).
AXE := tests/browser/node_modules/axe-core/axe.min.js
PYTEST_ARGS ?=

.PHONY: help install migrate seed serve lint check-seeds typecheck test format clean loadtest bench drill

help: ## List the targets
	@echo "Usage: make <target>   (e.g. make test PYTEST_ARGS='-k quotes -x')"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(firstword $(MAKEFILE_LIST)) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The stamp is remade (uv sync re-run) only when the lock, the project metadata or uv change.
$(INSTALLED): uv.lock pyproject.toml | $(UV)
	UV_PYTHON=$(PYTHON) UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen
	touch $@

install: $(INSTALLED) ## Create .venv from uv.lock (project + dev tools); quick when up to date

migrate: install ## Upgrade the database (DATABASE_URL) to the latest migration
	$(BIN)/insights migrate

seed: migrate ## Load the seed files into the database (idempotent; migrates first)
	$(BIN)/insights seed

serve: install migrate seed ## Migrate, seed, then serve the API (honours HOST, PORT, DATABASE_URL)
	$(BIN)/insights serve

lint: install ## Check style: ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-seeds: install ## Validate seeds/ without a database (insights check): the curator's pre-commit check
	$(BIN)/insights check seeds

typecheck: install ## Type-check with mypy (strict)
	$(BIN)/mypy app tests bench

$(AXE): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

test: install $(AXE) lint typecheck check-seeds ## Lint, type-check, check the seeds, then run the tests (extra pytest args: PYTEST_ARGS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: install ## Reformat and autofix: ruff format, ruff check --fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## Requests/s and latency beside a ceiling app and Datasette (needs wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

loadtest: install ## Mixed traffic, 64 connections, 60 s, then 500 req/s, on PostgreSQL with 2 workers (needs wrk, hey)
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

drill: install ## Attack mix beside normal traffic, PostgreSQL, 100k quotes, 2 granian workers (needs wrk; not in make test)
	$(BIN)/python -m bench.drill $(DRILL_ARGS)

clean: ## Remove .venv, .tools, var/ (the local SQLite database) and the browser tests' node_modules
	rm -rf $(VENV) $(TOOLS) var/ tests/browser/node_modules
