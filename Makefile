# Two commands matter: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres lint typecheck format bench install messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is required (found %s); pyenv reads .python-version" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev,native]"
	rm -f $(VENV)/.installed-*
	touch $@

# The trip solver compiled with mypyc (tourism/planner/native.py). Without a C compiler the build fails
# and the solver runs from its sources: the same plans, slower.
NATIVE := tourism/planner/native.sha256
$(NATIVE): $(STAMP) $(addprefix tourism/planner/,model.py exact.py heuristic.py native.py)
	PLANNER_NATIVE=0 $(BIN)/python -c 'from tourism.planner.native import build; build()' \
	  || echo "行程规划未能编译，将以源代码运行（较慢）。 The trip solver was not compiled; it runs from its sources (slower)."

install: $(STAMP) $(NATIVE)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_revenue_rules
	@echo "Serving on http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	@echo "通知由后台任务发送并打印在这里 Notifications are sent by the task worker and printed here"
	# The task worker (notifications, calendar sync) runs beside the site and stops with it.
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py db_worker --no-startup-delay & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite. SQLite by default; set DATABASE_URL=postgres://... to run it on PostgreSQL.
test: install
	$(BIN)/python -m pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lishi} $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs over the apps, tests, bench and manage.py; configured in pyproject.toml.
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run.py

# Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=staticfiles

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache build/mypyc
	rm -f tourism/planner/*.so $(NATIVE)
