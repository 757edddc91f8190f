# Clusterportal Thüringen. Needs nothing but Python 3.11 and make.
# DATABASE_URL selects the database (default: SQLite file db.sqlite3).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run serve test lint check bench bench-pages bench-load bench-faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## setup: virtualenv, dependencies, database, migrations and ThCM reference data (idempotent)
setup: $(STAMP)
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data

## run: setup, then serve at http://$(HOST):$(PORT)
run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

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
	rm -rf $(VENV) staticfiles .pytest_cache
