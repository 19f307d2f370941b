# The README's commands. Each target sets up what it needs, so a fresh clone can run any.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

BENCH_RESULTS ?= 1000000
# The benchmark's own database; DATABASE_URL, when set, points it at PostgreSQL instead.
BENCH := SQLITE_PATH=var/bench.sqlite3 $(MANAGE)

.PHONY: run setup migrate fixtures test lint format bench check clean superuser

run: migrate fixtures ## Set up, migrate, load the fixtures and serve on http://127.0.0.1:8000/
	$(MANAGE) runserver $(HOST):$(PORT)

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	touch $(STAMP)

migrate: setup
	$(MANAGE) migrate --noinput

fixtures: setup ## Reference data first, then every athlete's file.
	$(MANAGE) load_archive

superuser: setup
	$(MANAGE) createsuperuser

test: setup $(if $(NPM),$(NODE_STAMP)) ## Set up and pass every test (browser tests where Chromium is).
	$(BIN)/python -m pytest

# The Nu HTML Checker (vnu-jar) for the page-validity tests; it needs Java to run.
$(NODE_STAMP): package.json
	$(NPM) install --no-audit --no-fund --silent
	touch $(NODE_STAMP)

bench: setup ## Time every public page on a synthetic archive of a million results.
	$(BENCH) migrate --noinput -v0
	$(BENCH) load_archive -v0
	$(BENCH) generate_archive --results $(BENCH_RESULTS)
	$(BENCH) benchmark --output "docs/benchmarks/{vendor}.md"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: setup
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check_archive

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
