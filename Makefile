# Two commands matter: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# requirements/*.txt lock every package with its hashes (`make lock` writes them from pyproject.toml).
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cksum $(LOCK) | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address printed in e-mail links; set it to the address a phone on your network uses.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-postgres lint typecheck format bench install lock browser-deps messages clean

# Installs exactly the locked versions, each checked against its hash; nothing is resolved here.
$(STAMP): $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is required (found %s); pyenv reads .python-version" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip check
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
	$(BIN)/python manage.py seed_demo_activity
	$(BIN)/python manage.py seed_shop
	$(BIN)/python manage.py seed_shareholders
	$(BIN)/python manage.py seed_events
	$(BIN)/python manage.py seed_news
	@echo "Serving on http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	@echo "通知由后台任务发送并打印在这里 Notifications are sent by the task worker and printed here"
	# The task worker (notifications, calendar sync) runs beside the site and stops with it.
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py db_worker --no-startup-delay & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# What the browser tests (tests/e2e) need from the system, on Debian or Ubuntu: Chromium's headless shell
# (about a third less CPU than the whole browser; where the system has no such package, Chromium itself),
# and CJK fonts so their pages and screenshots show Chinese. Asks for sudo when not run as root; does
# nothing when present.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
browser-deps:
	@if command -v chromium-headless-shell >/dev/null && fc-list :lang=zh | grep -q .; then \
	  echo "Chromium's headless shell and CJK fonts are installed"; \
	else \
	  $(APT_INSTALL) chromium-headless-shell fonts-noto-cjk \
	  || { $(SUDO) apt-get update -q && $(APT_INSTALL) chromium-headless-shell fonts-noto-cjk; } \
	  || $(APT_INSTALL) chromium fonts-noto-cjk; \
	fi

# The whole suite, in parallel: pytest-xdist starts JOBS workers (two more than the cores by default: a
# third of a serial run's time is spent waiting on sockets, fake servers' timeouts and Chromium, which
# extra workers fill; docs/benchmarks.md), each with its own test database. `make test JOBS=0` runs it
# serially in one process. SQLite by default; set
# DATABASE_URL=postgres://... to run it on PostgreSQL.
# PYTHONDONTWRITEBYTECODE (set on some machines, this one included) would make every test process rewrite the
# assertions of all test modules again: about 5 s of each worker's start, and of a serial run's.
JOBS ?= $(shell echo $$(( $$(nproc) + 2 )))
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest
test: install
	$(PYTEST) -n $(JOBS) --dist worksteal

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lishi} $(PYTEST) -n $(JOBS) --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs over the apps, tests, bench and manage.py; configured in pyproject.toml.
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmarks' reference solvers and locust come from their own lockfile (a superset of the dev one).
bench: install
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/bench.txt
	$(BIN)/python bench/run.py

# Re-resolve the lockfiles after a change to pyproject.toml: pins already in them are kept where the
# ranges allow. `make lock UPGRADE=1` moves every package to the newest version its range admits.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.12 \
  --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: $(STAMP)
	$(UV_COMPILE) --extra native -o requirements/prod.txt
	$(UV_COMPILE) --extra dev --extra native --extra types -c requirements/prod.txt -o requirements/dev.txt
	$(UV_COMPILE) --extra dev --extra native --extra types --extra bench -c requirements/dev.txt -o requirements/bench.txt

# Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=staticfiles

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache build/mypyc
	rm -f tourism/planner/*.so $(NATIVE)
