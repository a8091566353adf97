# ZhenGai: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIZE ?= small
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhengai_ci
APT_PACKAGES := chromium fonts-noto-cjk gettext

.PHONY: demo test test-postgres install install-test assets system-deps serve migrate seed clean bench-seed messages compilemessages xapi-conformance

demo: install assets migrate seed serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Debian packages the browser tests and PDF reports need; installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: install
	$(BIN)/zhengai migrate --noinput -v 0

seed: migrate
	$(BIN)/zhengai seed_demo --size $(SIZE)

serve:
	$(BIN)/zhengai serve --port $(PORT)

# The layers first (pyproject [tool.importlinter]: an app imports only the apps below it), then the suite.
test: install-test assets system-deps
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n 2 --dist loadfile --create-db

# The same suite on PostgreSQL (CI runs both); the test database is created and dropped by pytest.
test-postgres: install-test assets system-deps
	DATABASE_URL=$(PG_URL) ZHENGAI_REQUIRE_POSTGRES=1 $(BIN)/pytest -n 2 --dist loadfile --create-db

# Translations (README: Translations). `messages` adds new source strings to the English catalogue
# (translate them in zhengai/locale/en/LC_MESSAGES/django.po), `compilemessages` builds the .mo
# that is committed beside it. Both need GNU gettext, which system-deps installs.
messages: install system-deps
	$(BIN)/zhengai makemessages -l en --no-location --no-obsolete --no-wrap -i node_modules -i data -i staticfiles -i bench

compilemessages: install system-deps
	$(BIN)/zhengai compilemessages

bench-seed: install
	$(BIN)/python bench/seed_large.py

# The ADL LRS conformance suite (xAPI 1.0.3) against `zhengai serve` on a throwaway PostgreSQL
# database; the first run clones the suite and npm-installs it under /tmp (needs the network, so
# not in CI). README: "Source systems and xAPI".
xapi-conformance: install
	$(BIN)/python bench/xapi_conformance.py

clean:
	rm -rf $(VENV) node_modules staticfiles data/zhengai.sqlite3
