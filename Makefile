# The two commands a newcomer needs: `make run` and `make test`. Everything else builds on them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_CANDIDATES := python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) $(wildcard /usr/local/bin/python3.1[2-9]) $(wildcard /usr/bin/python3.1[2-9])
# The first candidate that really runs and is at least 3.12 (pyenv shims may exist yet fail).
PYTHON ?= $(shell for c in $(PYTHON_CANDIDATES); do "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$c"; break; }; done)

export DJANGO_SETTINGS_MODULE := insightboard.settings

.PHONY: run test check lint format typecheck templates migrations-check a11y restore-check faulttest bench loadtest worker clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "InsightBoard needs Python 3.12 or newer; none was found." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

$(VENV)/.runtime: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --constraint requirements.lock --group runtime
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install --quiet --constraint requirements.lock --group dev
	@touch $@

# `make run PORT=8001` serves on another port, and the links in emails follow it.
PORT ?= 8000
run: export DJANGO_DEBUG ?= true
run: export INSIGHTBOARD_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "InsightBoard is running at $$INSIGHTBOARD_SITE_URL (Ctrl-C to stop)."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: export DJANGO_DEBUG ?= true
test: $(VENV)/.dev
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	find templates -name '*.html' -print0 | xargs -0 $(BIN)/djade --target-version 6.1

typecheck: export DJANGO_DEBUG ?= true
typecheck: $(VENV)/.dev
	$(BIN)/mypy

templates: $(VENV)/.dev
	find templates -name '*.html' -print0 | xargs -0 $(BIN)/djade --check --target-version 6.1

migrations-check: export DJANGO_DEBUG ?= true
migrations-check: $(VENV)/.dev
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint typecheck templates migrations-check test

# Accessibility and validity: every main page and email through axe-core (in Chromium) and the
# Nu HTML checker (needs Java 17). Their npm packages go into .a11y/ (gitignored), once; the
# tests live in tests/a11y/, which `make test` does not collect (pyproject's norecursedirs).
A11Y_TOOLS := .a11y/node_modules
$(A11Y_TOOLS)/.installed:
	@command -v npm >/dev/null || { echo "make a11y needs npm (Debian: apt-get install npm)." >&2; exit 1; }
	@command -v java >/dev/null || { echo "make a11y needs Java 17 (Debian: apt-get install default-jre-headless)." >&2; exit 1; }
	npm install --prefix .a11y --no-save --no-audit --no-fund --ignore-scripts axe-core@4.14.1 vnu-jar@26.9.27
	@touch $@
a11y: export DJANGO_DEBUG ?= true
a11y: $(VENV)/.dev $(A11Y_TOOLS)/.installed
	$(BIN)/pytest tests/a11y

# Backup and restore as the README describes them (pg_dump -Fc, pg_restore into an empty database),
# proved on the PostgreSQL at DATABASE_URL in two scratch databases that it drops again.
restore-check: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/insightboard
restore-check: $(VENV)/.runtime
	PYTHON=$(BIN)/python bash .ci/restore-check

# Faults (tests/faults, which `make test` does not collect): PostgreSQL restarted under load and
# the mail server down under a real Celery worker. It makes a throwaway PostgreSQL cluster of its
# own (initdb on a free port, run as the postgres account when run as root), never touching the
# one at DATABASE_URL, and serves it with gunicorn and the production settings. About 2 minutes.
faulttest: export DJANGO_DEBUG ?= true
faulttest: $(VENV)/.dev
	$(BIN)/pytest tests/faults

# Benchmarks need PostgreSQL at production volume, in a database of their own that is created
# (migrated and seeded) by the command on first use and kept for the next run.
bench: export DJANGO_DEBUG ?= true
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/insightboard_bench
# Pulling openers is measured at 1,000,000 stories, in a database of its own.
BENCH_OPENERS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/insightboard_bench_openers
# The digest too (1,000,000 stories), and its sending against Postfix's smtp-sink, a C SMTP server
# that only counts: unpacked from Debian's postfix package into the venv, no mail server installed.
BENCH_DIGEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/insightboard_bench_digest
BENCH_SINK ?= 127.0.0.1:2526
# Under load: gunicorn with the production settings and wrk (apt-get install wrk) against every list
# page, at 200,000 stories and at 1,000,000 (a database of its own), the shared cache on Redis.
BENCH_MILLION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/insightboard_bench_million
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
SMTP_SINK := $(VENV)/postfix/usr/sbin/smtp-sink
$(SMTP_SINK):
	cd $(VENV) && apt-get download postfix && dpkg-deb -x postfix_*.deb postfix && rm postfix_*.deb
bench: $(VENV)/.dev $(SMTP_SINK)
	$(BIN)/python manage.py bench
	$(BIN)/python manage.py bench_import
	$(BIN)/python manage.py bench_under_load --redis-url $(BENCH_REDIS_URL)
	DATABASE_URL=$(BENCH_MILLION_DATABASE_URL) $(BIN)/python manage.py bench_under_load --stories 1000000 --redis-url $(BENCH_REDIS_URL)
	DATABASE_URL=$(BENCH_OPENERS_DATABASE_URL) $(BIN)/python manage.py bench_openers
	LD_LIBRARY_PATH=$(VENV)/postfix/usr/lib/postfix $(SMTP_SINK) $$([ "$$(id -u)" = 0 ] && echo -u nobody) $(BENCH_SINK) 1000 & sink=$$!; DATABASE_URL=$(BENCH_DIGEST_DATABASE_URL) $(BIN)/python manage.py bench_digest --sink $(BENCH_SINK); status=$$?; kill $$sink; exit $$status

# Load: 50 simulated staff (locust, the `load` dependency group) for 60 s against gunicorn with
# the production settings, a Celery worker with beat on Redis and PostgreSQL with 200,000 stories,
# all on loopback; it starts and stops everything itself. Not part of `make test` or CI.
loadtest: export DJANGO_DEBUG ?= true
loadtest: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/insightboard_load
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/0
LOADTEST_PORT ?= 8800
$(VENV)/.load: $(VENV)/.runtime
	$(BIN)/pip install --quiet --constraint requirements.lock --group load
	@touch $@
loadtest: $(VENV)/.load
	$(BIN)/python manage.py loadtest --redis-url $(LOADTEST_REDIS_URL) --port $(LOADTEST_PORT)

worker: $(VENV)/.runtime
	$(BIN)/celery -A insightboard worker --beat --loglevel INFO

clean:
	rm -rf $(VENV) .a11y db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
