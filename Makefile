# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run password test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python scripts/private_redis.py -- sh -c '\
		$(BIN)/python manage.py migrate --noinput && \
		$(BIN)/python manage.py first_operator && \
		exec $(BIN)/python scripts/run_all.py'

# A new password for an operator (make password OPERATOR=admin); asks for it twice.
password: $(VENV)/.installed
	@test -n "$(OPERATOR)" || { echo "Say whose: make password OPERATOR=<user name>"; exit 2; }
	$(BIN)/python manage.py changepassword "$(OPERATOR)"

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python scripts/private_redis.py -- $(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python scripts/private_redis.py -- $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
