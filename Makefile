# The two commands of the README: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
export DJANGO_ENV ?= dev
export DATABASE_URL ?= postgis:///chaleur_urbaine
export PORT ?= 8000
VENV := .venv/bin

.PHONY: run test setup setup-browser demo-data lint format serve

run: setup demo-data
	@echo ""
	@echo "France Chaleur Urbaine est servi sur http://localhost:$(PORT) (Ctrl+C pour arrêter)"
	@echo ""
	@# The task worker (emails) runs in the background, started again if it stops (a database
	@# restart), and stops with gunicorn.
	@scripts/worker.sh --no-reload --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/gunicorn -c gunicorn.conf.py --bind 0.0.0.0:$(PORT) chauffage.wsgi

test: setup-browser
	$(VENV)/ruff check .
	$(VENV)/pytest

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh --browser

demo-data:
	$(VENV)/python manage.py load_demo_data --if-empty
	$(VENV)/python manage.py create_demo_accounts
	$(VENV)/python manage.py create_demo_ambassadors
	$(VENV)/python manage.py load_library_content

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

format:
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .
