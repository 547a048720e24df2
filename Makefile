# Grants: `make run` serves the demo (and runs its worker), `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run serve install dev browser migrate demo test test-sqlite test-postgres lint bench locales clean

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

# The browser tests' tools: Debian's chromium (installed when missing and we may use apt-get)
# and axe-core from the npm registry. Without them the browser tests are skipped with the
# reason, except in CI, where they fail.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	fi
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi

migrate: install
	$(BIN)/grants migrate

demo: migrate
	$(BIN)/grants demo

# The web server and `grants worker` (mail, reminders, clean-up) side by side; Ctrl-C stops both.
run: demo
	@$(BIN)/grants worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/grants serve --host 127.0.0.1 --port 8000

test: dev browser
	$(BIN)/python -m tests.run

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: dev
	$(BIN)/python -m bench

locales: dev
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --sort-output \
		--project=Grants --version=0.1.0 .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) var .pytest_cache
