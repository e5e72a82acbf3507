.PHONY: help install demo test test-postgres lint format typecheck bench messages

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install:  ## install Python packages into .venv
	./dev install

demo:  ## demo shop, web and worker on SQLite (Ctrl-C stops)
	./dev demo

test:  ## lint, type-check and run the whole suite on SQLite
	./dev test

test-postgres:  ## the suite against the local PostgreSQL
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/kundsvar .venv/bin/pytest

lint:  ## ruff
	.venv/bin/ruff check .

format:  ## ruff format
	.venv/bin/ruff format .

typecheck:  ## mypy with django-stubs on the services modules ([tool.mypy] in pyproject.toml)
	.venv/bin/mypy

bench:  ## every benchmark at its --quick size
	for b in bench/[!_]*.py; do .venv/bin/python $$b --quick || exit 1; done

messages:  ## update and compile the translations
	cd kundsvar && ../.venv/bin/python ../manage.py makemessages -l sv -l en && ../.venv/bin/python ../manage.py compilemessages
