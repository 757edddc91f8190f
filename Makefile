# Clusterportal Thüringen. Needs Python 3.11, make and Node.js with npm (for the KERN design
# system's CSS and fonts, installed into node_modules; nothing is loaded from another host at run time).
# DATABASE_URL selects the database (default: SQLite file db.sqlite3).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM ?= npm
KERN := node_modules/@kern-ux/native/dist/kern.min.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run demo serve test lint check bench bench-pages bench-load bench-faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# KERN (@kern-ux/native, EUPL-1.2) from the npm registry, pinned by package-lock.json.
$(KERN): package.json package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { \
	  echo "make setup: npm was not found. The public pages use the KERN design system, which is" >&2; \
	  echo "installed with npm. Install Node.js with npm (e.g. 'apt-get install nodejs npm'), then run make again." >&2; \
	  exit 1; }
	$(NPM) ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(KERN)

## setup: virtualenv, dependencies, KERN, database, migrations and ThCM reference data (idempotent)
setup: $(STAMP) $(KERN)
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data

## run: setup, then serve at http://$(HOST):$(PORT); beside it the import worker for large
##      uploads, and the mail queue sent every $(MAIL_INTERVAL) s (printed here unless EMAIL_URL
##      names an SMTP server; docs/operations.md#mail). Ctrl-C stops all three.
MAIL_INTERVAL ?= 10
run: setup
	@echo "Mail: the queue is sent every $(MAIL_INTERVAL) s (manage.py send_queued_mail); without EMAIL_URL it is printed here."
	@( while :; do \
	    $(BIN)/python manage.py send_queued_mail --log-level 1 2>&1 | grep -Ev '^\[INFO\]| INFO post_office '; \
	    sleep $(MAIL_INTERVAL); \
	  done ) & mailer=$$!; \
	$(BIN)/python manage.py import_worker --interval 2 & worker=$$!; \
	trap 'kill $$mailer $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## demo: optional, after setup: a realistic sample (300 organisations from a synthetic LEG export,
##       fixtures/demo/leg-demo.csv) imported with import_leg; run again, it changes nothing
demo: setup
	$(BIN)/python manage.py import_leg fixtures/demo/leg-demo.csv

## serve: production-style: collectstatic, then gunicorn (gunicorn.conf.py) on $(HOST):$(PORT)
##        (needs SECRET_KEY and ALLOWED_HOSTS; SECURE_SSL_REDIRECT=False for plain HTTP locally)
serve: setup
	DJANGO_SETTINGS_MODULE=clusterportal.settings.production $(BIN)/python manage.py collectstatic --noinput
	DJANGO_SETTINGS_MODULE=clusterportal.settings.production HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn

## test: setup, then the whole test suite on the database DATABASE_URL names
test: setup
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: $(STAMP)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## bench: LEG import speed against the COPY floor (PostgreSQL and SQLite)
bench: setup
	$(BIN)/python bench/run.py

## bench-pages: server time and queries of the public pages with 100k organisations (PostgreSQL)
bench-pages: setup
	$(BIN)/python bench/pages.py

## bench-load: 32 visitors against gunicorn, idle and during a 100k import (PostgreSQL, Redis)
bench-load: setup
	$(BIN)/python bench/load.py

## bench-faults: database restarted while browsing, killed during an import, Redis down, export flood (private cluster; root)
bench-faults: setup
	$(BIN)/python bench/faults.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
