# Guide du territoire — the two commands: `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INI ?= development.ini
PGDIR ?= /tmp/guide-pg-$(shell id -u)-$(notdir $(CURDIR))
STAMP := $(VENV)/.installed
# Bytecode is cached (__pycache__, git-ignored) even where the environment says not to (this CI sets
# PYTHONDONTWRITEBYTECODE=1): otherwise every test worker and every process a test starts compiles the app from
# source again, and pytest rewrites the assertions of every test module (10-14 s per worker, instead of 6)
unexport PYTHONDONTWRITEBYTECODE
# pytest-xdist workers (one per core on the 2-core CI machine); WORKERS=0 runs in one process. worksteal: an idle
# worker takes tests queued for the other, so that a few long tests (PDF layouts) at the end keep both busy
WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(WORKERS) --dist worksteal

.PHONY: coverage-audit catalogues bench messages serve test test-sqlite test-postgres coverage lint format migrate demo clean browser-deps

# uv (PyPI) downloads and installs the ~130 packages in parallel: 10 s on a fresh machine, where pip took
# 50-80 s (1 December); pip does it if uv cannot be installed or fails (uv reads no pip.conf)
$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	{ $(BIN)/pip install -q uv && $(BIN)/uv pip install -q --python $(BIN)/python -e '.[test]'; } \
	  || $(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) catalogues

## The compiled translations (guide/locale/*/LC_MESSAGES/*.mo, git-ignored), built from the .po catalogues
catalogues: $(STAMP)
	$(BIN)/python -c 'from guide.i18n import compile_main; compile_main()'

migrate: $(STAMP) catalogues
	$(BIN)/guide-migrate $(INI)

demo: migrate
	$(BIN)/guide-demo $(INI)

## Sets everything up (venv, install, migrations, demo data on first run) and serves the ini's [server:main] listen,
## with guide-worker (PDFs, editions, mail) started beside it and stopped with it
serve: demo
	@echo "Le guide est servi sur $$($(BIN)/python -m guide.scripts.address $(INI)) (Ctrl+C pour arrêter)."
	@$(BIN)/guide-worker $(INI) & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/pserve $(INI)

## Chromium for the browser tests (Debian's packages; browsers cannot be downloaded here). The tests drive its
## headless shell, lighter (tests/live.py), or the full browser where the shell cannot be installed
apt_install = { if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); }
browser-deps:
	@command -v chromium >/dev/null 2>&1 || $(call apt_install,chromium)
	@command -v chromium-headless-shell >/dev/null 2>&1 || $(call apt_install,chromium-headless-shell) \
	  || echo "chromium-headless-shell manque : les tests pilotent /usr/bin/chromium (plus lent)" >&2

## Sets up and runs every test: lint, the whole suite (browser tests included) on SQLite, the tests that use a
## database again on PostgreSQL, then prints the branch coverage measured on the SQLite run
test: $(STAMP) browser-deps lint test-sqlite test-postgres coverage

# branch coverage (pyproject.toml [tool.coverage]) on the SQLite run only: on Python 3.11 the tracer slows all
# Python code 2-3x (3 min 35 s without it, 6 min 33 s with it on 1 December), and the PostgreSQL run goes
# through the same code but for a few dialect branches; Chromium tests and those `make coverage-audit` listed
# in tests/untraced.txt run untraced (tests/conftest.py)
# (--cov-fail-under=0: the total and its floor are `make coverage`'s, once the subprocesses' data is combined;
# pytest-cov would otherwise analyse every measured file a first time for the same figure)
test-sqlite: $(STAMP) catalogues
	$(PYTEST) --cov --cov-report= --cov-fail-under=0

# tests/unit use no database (tests that do live in functional/, security/ and browser/): run once, above
test-postgres: $(STAMP) catalogues
	@url=$$(.ci/pg.sh start $(PGDIR)) && \
	  trap '.ci/pg.sh stop $(PGDIR)' EXIT && \
	  GUIDE_TEST_DATABASE_URL="$$url" $(PYTEST) --ignore=tests/unit

## Branch coverage of guide/ schemas/ views/ search_index/ measured by the last test-sqlite (and its subprocesses)
coverage: $(STAMP)
	@$(BIN)/coverage combine --append --quiet 2>/dev/null || true
	$(BIN)/coverage report

## Which tests the tracer may skip (tests/untraced.txt): the SQLite run traced whole, one context per test (~6 min)
coverage-audit: $(STAMP) catalogues
	$(BIN)/python -m tests.coverage_audit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var *.egg-info .pytest_cache .ruff_cache .coverage .coverage.*

## Extract translatable strings (UI text is written in French, marked for gettext)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -o guide/locale/guide.pot --project="Guide du territoire" guide views schemas search_index templates

## Benchmarks (tables printed; see bench/*.py): search at 1 000 / 10 000 / 50 000 fiches, then the print edition
bench: $(STAMP)
	$(BIN)/python bench/bench_search.py
	@if [ -f bench/bench_print.py ]; then $(BIN)/python bench/bench_print.py; fi
