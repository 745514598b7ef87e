# Suchi — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test worker beat lint format bench migrate clean messages screenshots lock audit security

# Installs the versions in requirements.lock (what CI tested) within pyproject.toml's ranges.
$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Suchi needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -c requirements.lock
	@touch $@

# The Hindi catalogue is compiled here, not committed: Django's compilemessages (GNU msgfmt),
# or polib where gettext is not installed.
MO := locale/hi/LC_MESSAGES/django.mo
$(MO): locale/hi/LC_MESSAGES/django.po $(BIN)/.installed
	@if command -v msgfmt >/dev/null; then \
	  $(BIN)/python manage.py compilemessages --locale hi --ignore '.venv' --ignore 'var' -v0; \
	else \
	  $(BIN)/python -c 'import polib; polib.pofile("$<").save_as_mofile("$@")'; \
	fi

install: $(BIN)/.installed $(MO)

## Refresh locale/hi/LC_MESSAGES/django.po from the templates and code (then translate the new entries)
messages: install
	$(BIN)/python manage.py makemessages --locale hi --no-obsolete --ignore '.venv' --ignore 'var' --ignore 'tests'

## docs/screenshots/*.png: the main pages at 1280 and 390 px wide (needs Debian's chromium)
screenshots: install
	$(BIN)/python -m tests.web.screenshots docs/screenshots

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Serve the embedded default (SQLite, in-process tasks) with demo data on http://$(HOST):$(PORT)
# The demo data is seeded for the same address (its links and signed artefacts name it), quietly:
# its per-dataset log lines would bury what the server prints (a sign-in code, say).
run: migrate
	SUCHI_SITE_URL=$${SUCHI_SITE_URL:-http://$(HOST):$(PORT)} LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(BIN)/python manage.py seed_demo
	SUCHI_SITE_URL=$${SUCHI_SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole test suite (PostgreSQL + Redis + a real worker when DATABASE_URL/REDIS_URL are set)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	@mkdir -p var
	$(BIN)/celery -A config beat --loglevel=INFO

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(BIN)/python -m pytest tests/benchmarks -m benchmark -s -q -p no:randomly $(PYTEST_ARGS)

## requirements.lock: the newest versions pyproject.toml allows, resolved in a fresh venv
lock:
	rm -rf var/lock-venv build
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install --quiet --upgrade pip
	var/lock-venv/bin/python -m pip install --quiet '.[dev]'
	{ echo "# Every package of Suchi and its dev tools, as CI installs them. Refresh: make lock"; \
	  var/lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^suchi @'; } > requirements.lock
	rm -rf var/lock-venv build

## Static security analysis of Suchi's own code (bandit; medium and high findings fail)
security: install
	$(BIN)/bandit -c pyproject.toml -r core registry catalog consent harvest exchange identity web config -ll -q

## Known vulnerabilities in the locked versions (pip-audit; needs pypi.org or osv.dev)
audit: install
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict \
	  --progress-spinner off $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) var *.egg-info
