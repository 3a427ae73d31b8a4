# Xinfeng: `make run` serves the app, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
TRANSLATIONS := planner/translations
CHROMIUM ?= /usr/bin/chromium
# make run serves here; both come from the environment when set (PORT=8000 make run).
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: deploy-check run test install install-test translations extract-messages update-translations compile-translations chromium screenshots lint clean wrk bench bench-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

compile-translations: install
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS)

extract-messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
		--project Xinfeng -o $(TRANSLATIONS)/messages.pot .

update-translations: extract-messages
	$(BIN)/pybabel -q update -N --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

translations: update-translations compile-translations

run: install instance/secret_key compile-translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) analyze
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - app:app

# What the tests drive besides Python: Chromium (browser tests), LibreOffice Calc (export tests),
# khal and libical (independent calendar parsers), CJK and emoji fonts; installed with apt when
# root, else those tests are skipped with a notice. ical.js and gift-pegjs (npm, independent
# calendar and GIFT parsers) go into tests/calendar_js and tests/gift_pegjs.
TEST_PACKAGES := chromium libreoffice-calc-nogui fonts-noto-cjk fonts-noto-color-emoji khal libical-dev pkg-config
chromium:
	@if [ ! -x $(CHROMIUM) ] || ! command -v soffice >/dev/null || ! command -v khal >/dev/null || ! pkg-config --exists libical 2>/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing what the tests drive (apt-get install $(TEST_PACKAGES))"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES) >/dev/null; \
		else \
			echo "NOTICE: not root, so $(TEST_PACKAGES) cannot be installed; the tests that drive them are skipped where they are missing."; \
		fi; \
	fi
	@if command -v npm >/dev/null; then \
		[ -d tests/calendar_js/node_modules/ical.js ] || npm ci --prefix tests/calendar_js --no-audit --no-fund --silent; \
		[ -d tests/gift_pegjs/node_modules/gift-pegjs ] || npm ci --prefix tests/gift_pegjs --no-audit --no-fund --silent; \
	else \
		echo "NOTICE: npm is missing, so ical.js and gift-pegjs cannot be installed; their tests are skipped."; \
	fi

# One pytest worker per core; a test file stays on one worker (its module fixtures start once).
PYTEST_WORKERS ?= auto

test: lint compile-translations chromium
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check planner tests scripts bench
	$(BIN)/ruff format --check planner tests scripts bench

clean:
	rm -rf $(VENV) .pytest_cache

screenshots: install-test compile-translations chromium
	$(BIN)/python scripts/screenshots.py

# Load runs against the app's own /healthz ceiling (bench/README.md). BENCH_ARGS e.g. --scale city.
wrk:
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; else echo "wrk is missing: apt-get install wrk"; exit 1; fi; }

bench: install compile-translations wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A few seconds at small scale in a throw-away folder: proves the harness works, asserts no speed.
bench-smoke: install compile-translations wrk
	PLANNER_BENCH_INSTANCE=$$(mktemp -d) $(BIN)/python bench/run.py --scale small --seconds 1 --out -

# nginx (deploy/nginx) in front of gunicorn on loopback, over https, and a sign-up walked through
# it (scripts/deploy_check.py). Installs nginx and openssl with apt when root.
deploy-check: install compile-translations
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing nginx and openssl (apt-get install nginx openssl)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null; \
		else \
			echo "nginx and openssl are needed: apt-get install nginx openssl"; exit 1; \
		fi; \
	fi
	$(BIN)/python scripts/deploy_check.py
