# Account Team Portal: `make run` serves the demo, `make test` lints and runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := --disable-pip-version-check --quiet

.PHONY: run test lint migrate seed clean check-deploy messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@bash bin/run-dev

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# Two processes (pytest-xdist); against a Redis cache each process has its own database
# (tests/conftest.py), so their rate-limit counters and FLUSHDB never meet.
PYTEST_ARGS ?= -n 2 --dist loadgroup

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Merge the code's messages into locale/ (needs GNU gettext: apt install gettext) and compile them.
# The compiled files are committed: make run needs no gettext.
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py translations update

check-deploy: $(VENV)/.installed
	APP_ENV=production SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	ALLOWED_HOSTS=portal.example $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/*.sqlite3 var/mail var/staticfiles
