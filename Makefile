# Nghe Dân: `make run` starts the bot, `make test` runs every check, `make bench` measures it
# (BENCHMARKS.md). All set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium; Playwright downloads no browser of its own. A bare
# Debian has no colour emoji font, so the pages' emoji (📷, ✅, 📍) would show as empty boxes.
CHROMIUM := /usr/bin/chromium
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
# The PostgreSQL tests and benchmarks start a throw-away server of their own (localapi/postgres.py)
# from Debian 12's PostgreSQL 15 programs; the package's own cluster is not used.
POSTGRES := /usr/lib/postgresql/15/bin/initdb
# Each file above and the package that brings it (postgresql brings postgresql-client too).
MISSING_PACKAGES = $(if $(wildcard $(CHROMIUM)),,chromium) \
	$(if $(wildcard $(EMOJI_FONT)),,fonts-noto-color-emoji) $(if $(wildcard $(POSTGRES)),,postgresql)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench lint format clean lock

# Every install takes the exact versions of constraints.txt; `make run` gets the runtime packages
# only, the checks add the dev tools on top.
$(RUNTIME): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(STAMP): $(RUNTIME)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Without config.toml or without a token, `nghe-dan` says so and runs the local demo instead, on
# config.toml's own settings when there is one; a config.toml with problems lists them and stops.
run: $(RUNTIME)
	$(BIN)/nghe-dan run --config config.toml --demo-without-token

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The Debian packages the tests need, in one recipe (&:) run once when any file is missing: one
# `apt-get update`, one `apt-get install` of the packages whose file is missing.
$(CHROMIUM) $(EMOJI_FONT) $(POSTGRES) &:
	@echo "Cài gói Debian cho kiểm thử / installing Debian packages for the tests: $(MISSING_PACKAGES)"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(MISSING_PACKAGES)

# Everything on SQLite (the service tests on both backends), then again on PostgreSQL every fast
# test that opens the database, but the service tests (tests/conftest.py leaves out the rest).
# Four workers on two cores: the slow tests mostly wait (for a bot process to take over, for a
# reminder's minute), so they overlap; each worker starts its own PostgreSQL server.
XDIST := -n 4 --dist worksteal --durations=15
test: lint $(CHROMIUM) $(EMOJI_FONT) $(POSTGRES)
	$(BIN)/pytest $(XDIST)
	NGHE_DAN_TEST_BACKEND=postgresql $(BIN)/pytest $(XDIST) -m "not slow" --ignore=tests/services

# About 10 minutes: 1,000,000 cases are generated, 10,000 notices delivered at 30 a second; the
# floor and the ingest run on SQLite and on a throw-away PostgreSQL server.
bench: $(STAMP) $(POSTGRES)
	$(BIN)/python -m bench --out bench/results.json

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Newest versions within pyproject's ranges, resolved in a throw-away venv, written to constraints.txt.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
