# Hiroba developer commands. `make help` lists them; README.md explains `make demo` and `make test`.
#
# Needs only python3 (>= 3.11), git and make: when uv is not on PATH, scripts/bootstrap_uv.py
# fetches a pinned uv from PyPI into .tools/bin/uv. Dependencies come from the committed uv.lock.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
TOOLS_UV := .tools/bin/uv
# An explicit UV=/path/to/uv wins, then uv on PATH, then the bootstrapped copy.
ifndef UV
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS_UV))
endif
UV_DEP := $(if $(filter $(TOOLS_UV),$(UV)),$(TOOLS_UV))

# uv uses a Python already on the machine (>= 3.11) and never downloads one.
export UV_PYTHON_DOWNLOADS ?= never

RUN := $(UV) run --no-sync
MANAGE := $(RUN) python manage.py
ADDR ?= 127.0.0.1:8000
ARGS ?=
# The suites run on every core (pytest-xdist); TEST_WORKERS=0 runs them in one process.
# worksteal hands each worker runs of neighbouring tests, which keeps module-scoped fixtures
# (the visits demo seeds once per module) from being set up again and again.
TEST_WORKERS ?= auto
PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/hiroba
# Each checkout tests in its own PostgreSQL database, so two checkouts can share one server.
PG_TEST_DB ?= test_hiroba_$(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1)
SQLITE_DB := $(or $(HIROBA_SQLITE_PATH),$(or $(HIROBA_VAR_DIR),var)/hiroba.sqlite3)
MESSAGES_IGNORE := .venv .tools .git var staticfiles node_modules test-results

.PHONY: help install sync translations demo demo-reset serve test test-postgres test-browser \
	lint format check check-long messages bench

help: ## list the commands
	@echo "Usage: make <command> [ARGS='extra pytest arguments']"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

$(TOOLS_UV):
	$(PYTHON) scripts/bootstrap_uv.py --dest $@

sync: $(UV_DEP)
	$(UV) sync --frozen
	@mkdir -p "$(dir $(SQLITE_DB))"

translations: sync ## compile locale/*/LC_MESSAGES/*.po into .mo files (Babel, no gettext needed)
	$(MANAGE) compiletranslations

install: translations ## install the locked dependencies into .venv and compile translations

demo: install ## create var/hiroba.sqlite3 with demo data and serve http://127.0.0.1:8000
	HIROBA_DEMO=1 $(MANAGE) migrate --noinput
	HIROBA_DEMO=1 $(MANAGE) seed_demo --if-empty
	@echo
	@echo "Serving the demo on http://$(ADDR)/ (Ctrl-C stops; make demo-reset starts afresh)"
	HIROBA_DEMO=1 $(MANAGE) runserver $(ADDR)

demo-reset: ## delete the demo database, then make demo
	@if [ -n "$${DATABASE_URL:-}" ]; then \
		echo "demo-reset only deletes the SQLite database; unset DATABASE_URL first." >&2; \
		exit 1; fi
	rm -f "$(SQLITE_DB)" "$(SQLITE_DB)-wal" "$(SQLITE_DB)-shm"
	$(MAKE) demo

serve: install ## migrate and serve the existing database (no seeding; HIROBA_DEMO=0 for real MFA)
	$(MANAGE) migrate --noinput
	HIROBA_DEMO=$(or $(HIROBA_DEMO),1) $(MANAGE) runserver $(ADDR)

# Browser tests run after the rest, in one process, on a SQLite file rather than in memory: the
# live server answers from several threads while the test thread queries, and an in-memory
# database's shared-cache table locks fail at once where a file waits (busy_timeout).
BROWSER_SQLITE = HIROBA_TEST_DATABASE_NAME="$(CURDIR)/var/test-browser.sqlite3"

test: install ## run the whole test suite on SQLite
	@status=0; \
	env -u DATABASE_URL $(RUN) pytest -m "not browser" $(PARALLEL) $(ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then status=0; fi; \
	if [ "$${HIROBA_BROWSER_TESTS:-}" != 0 ]; then \
		mkdir -p var; env -u DATABASE_URL $(BROWSER_SQLITE) $(RUN) pytest -m browser $(ARGS) || browser=$$?; \
		if [ "$${browser:-0}" -ne 0 ] && [ "$${browser:-0}" -ne 5 ]; then status=$$browser; fi; \
	fi; \
	exit $$status

test-postgres: install ## the suite without browser tests on PostgreSQL (POSTGRES_URL=...)
	@if $(PYTHON) scripts/tcp_probe.py "$(POSTGRES_URL)"; then \
		echo 'DATABASE_URL=$(POSTGRES_URL) $(RUN) pytest -m "not browser" $(PARALLEL) $(ARGS)'; \
		DATABASE_URL="$(POSTGRES_URL)" HIROBA_TEST_DATABASE_NAME="$(PG_TEST_DB)" \
			$(RUN) pytest -m "not browser" $(PARALLEL) $(ARGS); \
	else \
		echo "make test-postgres: SKIPPED, no PostgreSQL server to test against."; \
		echo "  Start one (user postgres, trust auth) or set POSTGRES_URL=postgres://..."; \
	fi

test-browser: install ## browser tests through Playwright and Debian's chromium package
	@status=0; \
	if [ -z "$${DATABASE_URL:-}" ]; then mkdir -p var; export $(BROWSER_SQLITE); fi; \
	HIROBA_BROWSER_TESTS=1 $(RUN) pytest -m browser $(ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test-browser: no browser tests collected."; status=0; fi; \
	exit $$status

lint: sync ## ruff check and ruff format --check
	@status=0; \
	$(RUN) ruff check . || status=1; \
	$(RUN) ruff format --check . || status=1; \
	exit $$status

format: sync ## apply ruff's formatting and safe fixes
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

check: sync ## makemigrations --check, manage.py check, and check --deploy on production settings
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check
	env -u HIROBA_DEMO -u HIROBA_SECRET_KEY_FILE -u HIROBA_FIELD_KEYS_FILE \
		DJANGO_SETTINGS_MODULE=hiroba.settings.production \
		HIROBA_SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(45))')" \
		HIROBA_FIELD_KEYS="$$($(MANAGE) generate_field_key --id check 2>/dev/null)" \
		HIROBA_ALLOWED_HOSTS=hiroba.example.jp \
		$(MANAGE) check --deploy --fail-level WARNING

messages: sync ## update locale/ja/LC_MESSAGES/django.po from the code (needs GNU gettext)
	@command -v xgettext >/dev/null || { \
		echo "make messages needs GNU gettext: sudo apt-get install gettext" >&2; exit 1; }
	$(MANAGE) makemessages -l ja --no-obsolete $(addprefix --ignore=,$(MESSAGES_IGNORE))

check-long: install ## long runs: the sign-up state machine and API fuzzing (pytest --long), the full crash drill
	env -u DATABASE_URL $(RUN) pytest --long -p no:randomly -p no:xdist \
		hiroba/programs/tests/test_state_machine.py hiroba/api/tests/test_schemathesis.py
	$(RUN) python bench/crash.py

bench: install ## run the benchmarks in bench/ (--quick; BENCH_ARGS=--full for the real sizes)
	$(RUN) python scripts/run_benchmarks.py $(BENCH_ARGS)
