# binhdang: `make run` serves the demo commune, `make test` runs every test CI runs.
SHELL := /bin/bash
# The first Python 3.11 or newer found (never capped: 3.12 and 3.13 work too); PYTHON=... picks one.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# 127.0.0.1: this computer only; HOST=0.0.0.0 make run: phones on the same Wi-Fi too (see README).
HOST ?= 127.0.0.1
export FLASK_APP := webapp

.PHONY: run test install translations assets browser test-sqlite test-postgres bench clean

$(BIN)/.installed: pyproject.toml
	@[ -n "$(PYTHON)" ] && command -v $(PYTHON) >/dev/null || { echo "Python 3.11 or newer is required (found: $(or $(PYTHON),none))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Third-party front-end code is installed from npm, never committed: copy what the pages load, and
# bundle every page's script and stylesheet, minified, into static/dist (esbuild; the list of what went
# in, dist/meta.json, keeps the inputs out of the service worker's precache).
assets: node_modules/.installed
	mkdir -p static/vendor/idb
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/idb/build/umd.js static/vendor/idb/
	rm -rf static/dist
	node_modules/.bin/esbuild static/js/main.js static/css/main.css --bundle --minify --splitting --format=esm \
		--target=es2020 --outdir=static/dist '--entry-names=[name]' '--chunk-names=chunks/[name]-[hash]' \
		--metafile=static/dist/meta.json --log-level=warning

translations: $(BIN)/.installed
	$(BIN)/python -m webapp.i18n_compile

install: $(BIN)/.installed assets translations

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-if-empty
	@echo "Serving on http://$(HOST):$(PORT) (demo users: canbo1, canbo2, duyet, tonghop, quantri; password thanhxa-demo)"
	@if [ "$(HOST)" = "0.0.0.0" ]; then echo "On the local network: http://$$(hostname -I 2>/dev/null | cut -d' ' -f1):$(PORT) (a phone needs HTTPS to install the app and work offline: see README)"; fi
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py 'webapp:create_app()'

# Debian's Chromium drives the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# Both databases run even when the first fails, so one run reports every failure; it fails if either did.
test: install browser
	@sqlite=0; postgres=0; \
	$(MAKE) --no-print-directory test-sqlite || sqlite=$$?; \
	$(MAKE) --no-print-directory test-postgres || postgres=$$?; \
	echo "=== SQLite: $$([ $$sqlite = 0 ] && echo passed || echo FAILED); PostgreSQL: $$([ $$postgres = 0 ] && echo passed || echo FAILED) ==="; \
	[ $$sqlite = 0 ] && [ $$postgres = 0 ]

test-sqlite:
	@echo "=== tests on SQLite ==="
	TEST_DATABASE=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres:
	@echo "=== tests on PostgreSQL ==="
	TEST_DATABASE="$$(bash .ci/postgres.sh)" $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules static/vendor static/dist .pytest_cache
