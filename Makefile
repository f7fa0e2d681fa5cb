# CivicPath — `make run` serves the app, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Local settings for `make run`; production sets its own environment (see README).
RUN_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo screenshots test lint migrations-check pytest ci clean bench load install-load
# bench / load: DB=sqlite|postgres; load also takes LOAD_SECONDS and LOAD_ARGS
DB ?= sqlite
LOAD_SECONDS ?= 60
LOAD_ARGS ?= --kill-workers --restart

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_seeds
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# `make run` plus a demo learner with a week of history and a demo educator (see README).
demo: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_seeds
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The README's screenshots (docs/screenshots/*.png) from a throw-away demo database.
screenshots: install
	$(PY) docs/screenshots/make_screenshots.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

migrations-check: install
	$(RUN_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: install
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint migrations-check pytest

LOAD_STAMP := $(VENV)/.installed-load-stamp
$(LOAD_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,load]'
	@touch $(LOAD_STAMP)

install-load: $(LOAD_STAMP)

# Dataset, gunicorn (DEBUG off, 2 workers), per page a wrk run on /healthz then one on the page
# (8 connections; the answer POST by tests/load/loopback.py); figures to bench-results/.
# Goals are reported, never a failure: bench is not part of `make test`.
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
		echo "wrk is missing: apt-get install -y wrk"; \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get install -y wrk || { $$SUDO apt-get update && $$SUDO apt-get install -y wrk; }; }
	$(PY) tests/load/run.py bench --db $(DB)

# 50 learners for LOAD_SECONDS with workers killed and a restart, then the integrity audit.
load: install-load
	$(PY) tests/load/run.py load --db $(DB) --seconds $(LOAD_SECONDS) $(LOAD_ARGS)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis *.egg-info
