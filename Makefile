# The two commands a new user needs (see README): `make run` and `make test`.
# Both create .venv with the exact versions of constraints.txt on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: run serve test screenshots install lint check lock messages bench clean

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(INSTALLED)

install: $(INSTALLED)

## make run: the demo shop on http://127.0.0.1:$(PORT) (SQLite, demo data, logins printed),
## with the task worker (delivers e-mails; the console backend prints them) and the outbox
## sweep running beside the web server, and stopped with it (Ctrl+C).
## The worker and the sweep are started again if they exit (bin/keep-running). Links in
## e-mails follow PORT (settings.SITE_URL) unless SITE_URL is set.
run: export DEBUG ?= true
run: export PORT := $(PORT)
run: $(INSTALLED)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@bin/keep-running $(MANAGE) db_worker --no-reload --interval 1 & worker=$$!; \
	bin/keep-running $(MANAGE) outbox_sweep --loop 60 & sweep=$$!; \
	trap 'kill $$worker $$sweep 2>/dev/null; wait' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## make serve: production-like on http://127.0.0.1:$(PORT): gunicorn (DEBUG off, 2 workers),
## the task worker and the outbox sweep, on DATABASE_URL (and Redis with TASKS_BACKEND=rq).
## Load data first (e.g. `DEBUG=true .venv/bin/python manage.py seed_demo`).
serve: $(INSTALLED)
	PORT=$(PORT) bash scripts/serve.sh

## make test: the whole suite (SQLite unless DATABASE_URL says otherwise)
test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make screenshots: refresh the README's pictures (docs/screenshots/) with the browser tests
screenshots: $(INSTALLED)
	DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_accessibility.py -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(MANAGE) check_translations

check: $(INSTALLED)
	DEBUG=true $(MANAGE) check
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

## make lock: refresh constraints.txt from a clean resolve of pyproject.toml
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade pip
	.lockenv/bin/pip install --quiet -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt
	rm -rf .lockenv

## make messages: collect translatable strings into every catalog of LOCALES (then translate, commit)
LOCALES := nl de fr
messages: $(INSTALLED)
	DEBUG=true $(MANAGE) makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete --add-location file --ignore ".venv/*" --ignore "tests/*"
	DEBUG=true $(MANAGE) compilemessages $(addprefix -l ,$(LOCALES)) --ignore ".venv"

## make bench: a 1,000,000-return shop in PostgreSQL, page timings and a load run (see docs/benchmarks.md)
bench: $(INSTALLED)
	bash bench/run.sh

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
