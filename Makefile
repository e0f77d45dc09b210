# Outcome Pulse: `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: install translations migrate seed run worker web test test-quick test-sqlite test-postgres browser lint format bench clean

$(STAMP): requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@$(BIN)/pybabel compile -d translations >/dev/null

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo seed

# The web server and a worker beside it; Ctrl-C stops both.
run: seed
	@echo "Outcome Pulse on http://$(HOST):$(PORT)  (mailbox: http://$(HOST):$(PORT)/dev/mailbox/)"
	@$(BIN)/huey_consumer saas.worker.huey --workers 2 --worker-type thread --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - wsgi:app

# Debian's chromium for the browser tests (Playwright drives it with executable_path), and
# HarfBuzz's subsetter, which WeasyPrint uses to embed fonts in the PDFs.
SYSTEM_PACKAGES := chromium libharfbuzz-subset0
browser:
	@if [ ! -x $(CHROMIUM) ] || ! ldconfig -p | grep -q libharfbuzz-subset; then \
	  echo "Installing $(SYSTEM_PACKAGES) for the browser and PDF tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null) \
	    || (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null) \
	    || echo "Could not install chromium: browser tests will be skipped (or fail under CI=true)"; \
	fi

# Everything on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set (that pass runs
# only the tests that use the shared database: tests/conftest.py deselects the rest).
test: install browser
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  TEST_ON_POSTGRES=1 $(BIN)/python -m pytest -m "not browser"; \
	fi

# A developer's quick run: SQLite only, without the slow tests and the browser.
test-quick: install
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) instance

# A new migration from the models: make migration m="what changed"
migration: install
	rm -f /tmp/op-migration.db && DATABASE_URL=sqlite:////tmp/op-migration.db $(FLASK) db upgrade && \
	  DATABASE_URL=sqlite:////tmp/op-migration.db $(FLASK) db migrate -m "$(m)"

# While nothing has landed yet: rebuild the single initial migration from the models (locked, so
# two people doing it at once do not collide).
migration-reset: install
	flock /tmp/op-migration.lock bash -c 'rm -f migrations/versions/*.py && rm -f /tmp/op-migration.db && \
	  DATABASE_URL=sqlite:////tmp/op-migration.db $(FLASK) db migrate -m "initial schema" >/dev/null'
