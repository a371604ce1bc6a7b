# studyhall: `make run` serves a demo community; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run install migrate demo serve test lint format check-deploy clean bench bench-templates

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# axe-core for the accessibility checks in browser tests (optional: skipped without npm).
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $(NODE_STAMP); \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py rebuild_search_index --if-empty

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins
	$(BIN)/uvicorn studyhall.asgi:application --app-dir src --host $(HOST) --port $(PORT) --ws auto --ws-per-message-deflate false --lifespan off

serve: $(STAMP)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m studyhall.serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest --cov --cov-report=term:skip-covered --cov-report=xml:var/coverage.xml -q $(PYTEST_ARGS)
	$(BIN)/coverage report --fail-under=100 --include='src/studyhall/policy.py,src/studyhall/core/markdown.py'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: $(STAMP)
	DEBUG=0 HTTPS=1 SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=studyhall.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: $(STAMP)
	$(PY) bench/thread_page.py

clean:
	rm -rf $(VENV) node_modules var/static

bench-templates: $(STAMP)
	$(PY) bench/template_engines.py
