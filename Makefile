# Living Well: the two commands a new developer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SEED_PEOPLE ?= 2000
SEED_YEARS ?= 3

.PHONY: run test install frontend migrate seed serve lint format bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

frontend/build/livingwell.css: node_modules/.installed frontend/livingwell.scss frontend/livingwell.js frontend/build.mjs
	node frontend/build.mjs

install: $(VENV)/.installed frontend/build/livingwell.css

frontend: frontend/build/livingwell.css

migrate: install
	$(BIN)/livingwell migrate --no-input

# Seeds a demo site only when the database has no people yet.
seed: migrate
	$(BIN)/livingwell seed --people $(SEED_PEOPLE) --years $(SEED_YEARS) --seed 1 --if-empty

# The background worker (messages, the dashboard's scheduled recalculation, alerts) runs beside
# the server and stops with it.
run: seed
	@echo ""
	@$(BIN)/livingwell demo_logins
	export LIVINGWELL_DEMO_MODE=true LIVINGWELL_PUBLIC_URL=http://127.0.0.1:$(PORT); \
	$(BIN)/livingwell worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/livingwell runserver 127.0.0.1:$(PORT)

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: install
	$(BIN)/python benchmarks/run.py

# Load with faults (ADR 0021): gunicorn on SQLite then PostgreSQL, a worker and then the master
# killed mid-load; fails if an acknowledged write is lost or anything is left half-written.
soak: install
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV) node_modules frontend/build var
