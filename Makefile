# The README's commands. Each target sets up what it needs, so a fresh clone can run any.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.installed
# Translations: each language's django.po is written by hand (`make messages` adds the new
# strings to it); the .mo files the site reads are compiled by `setup` and never committed:
# with Debian's msgfmt (package gettext) where it is installed, else with polib, a
# dependency, so that a machine with only Python builds them too.
MSGFMT := $(shell command -v msgfmt 2>/dev/null)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
MESSAGES_IGNORE := -i ".venv/*" -i "node_modules/*" -i "var/*" -i "tests/*" -i "test-artifacts/*" -i "docs/*" -i "*.egg-info/*"

HOST ?= 127.0.0.1
PORT ?= 8000

# The synthetic archive `make bench` measures (generate_archive's options): two million
# results by default, `make bench BENCH_SIZE=--small` for 200,000. An archive that already
# holds synthetic rows is reused as it is, whatever the size asked: delete var/bench.sqlite3
# (or run `generate_archive --delete` on PostgreSQL) to change it. BENCH_SECONDS: each wrk run.
BENCH_SIZE ?= --results 2000000 --athletes 200000
BENCH_SECONDS ?= 5
# Local commands run in debug mode unless told otherwise; `make serve` never does.
export DJANGO_DEBUG ?= 1

# The benchmark's own database; DATABASE_URL, when set, points it at PostgreSQL instead.
BENCH := SQLITE_PATH=var/bench.sqlite3 $(MANAGE)

.PHONY: run serve setup migrate fixtures test lint format bench check clean superuser backup reliability messages

run: migrate fixtures ## Set up, migrate, load the fixtures and serve on http://127.0.0.1:8000/
	$(MANAGE) runserver $(HOST):$(PORT)

# Production: DEBUG off, DJANGO_SECRET_KEY required. Workers and threads come from the
# machine (gunicorn.conf.py). On the local SQLite file, a fresh clone gets the shipped archive
# first (migrate and load the fixtures); gunicorn itself refuses to start on a missing file,
# so a wrong SQLITE_PATH on a real server is never served as a new, empty archive.
SQLITE_DB := $(or $(SQLITE_PATH),var/archive.sqlite3)
serve: export DJANGO_DEBUG = 0
serve: setup $(if $(DATABASE_URL),,$(SQLITE_DB)) ## Collect static files and serve with gunicorn, DEBUG off.
	$(MANAGE) collectstatic --noinput -v0
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py

$(SQLITE_DB): | setup
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) load_archive

reliability: setup ## The long reliability runs through gunicorn (minutes); writes docs/reliability.md.
	$(BIN)/python -m tests.reliability.report --long --output docs/reliability.md

backup: setup ## A consistent snapshot of the database and the media in var/backups/.
	$(MANAGE) backup

setup: $(STAMP) $(MO_FILES)

locale/%.mo: locale/%.po | $(STAMP)
ifdef MSGFMT
	$(MSGFMT) --check-format -o $@ $<
else
	$(BIN)/python -c "import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])" $< $@
endif

messages: setup ## Add the strings new in templates and Python to the .po files (needs gettext).
	$(MANAGE) makemessages -l es --no-obsolete $(MESSAGES_IGNORE)

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

# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process. Tests
# marked with one xdist_group run on one worker (the site crawl of tests/browser/test_quality.py).
PYTEST_WORKERS ?= auto
test: setup $(if $(NPM),$(NODE_STAMP)) ## Set up and pass every test (browser tests where Chromium is).
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--dist loadgroup)

# The Nu HTML Checker (vnu-jar) for the page-validity tests; it needs Java to run.
$(NODE_STAMP): package.json
	$(NPM) install --no-audit --no-fund --silent
	touch $(NODE_STAMP)

bench: setup ## Load every public page through gunicorn with wrk, on a synthetic archive (BENCH_SIZE).
	$(BENCH) migrate --noinput -v0
	$(BENCH) load_archive -v0
	$(BENCH) generate_archive $(BENCH_SIZE)
	$(BENCH) benchmark --duration $(BENCH_SECONDS) --output "docs/benchmarks/{vendor}.md"

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
	rm -rf $(VENV) var .pytest_cache .ruff_cache $(MO_FILES)
