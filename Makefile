# Nghe Dân: `make run` starts the bot, `make test` runs every check, `make bench` measures it
# (BENCHMARKS.md). All set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium; Playwright downloads no browser of its own. A bare
# Debian has no colour emoji font, so the pages' emoji (📷, ✅, 📍) would show as empty boxes.
CHROMIUM := /usr/bin/chromium
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench lint typecheck format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Without config.toml or without a token, `nghe-dan` says so and runs the local demo instead, on
# config.toml's own settings when there is one; a config.toml with problems lists them and stops.
run: $(STAMP)
	$(BIN)/nghe-dan run --config config.toml --demo-without-token

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# One recipe for both (&:), run once when either is missing.
$(CHROMIUM) $(EMOJI_FONT) &:
	@echo "Cài Chromium và phông emoji cho kiểm thử trình duyệt / installing Chromium and an emoji font for the browser tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji

test: lint $(CHROMIUM) $(EMOJI_FONT)
	$(BIN)/pytest

# About 10 minutes: 1,000,000 cases are generated, 10,000 notices delivered at 30 a second.
bench: $(STAMP)
	$(BIN)/python -m bench --out bench/results.json

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
