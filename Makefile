# Grants: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run serve install dev migrate demo test test-sqlite test-postgres lint bench locales clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)
dev: $(DEV_STAMP)

migrate: install
	$(BIN)/grants migrate

demo: migrate
	$(BIN)/grants demo

run: demo
	$(BIN)/grants serve --host 127.0.0.1 --port 8000

test: dev
	$(BIN)/python -m tests.run

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: dev
	$(BIN)/python -m bench

locales: dev
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --sort-output \
		--project=Grants --version=0.1.0 .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) var .pytest_cache
