# The two commands: `make demo` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Extras installed into the environment; CI adds `enhanced` so that the hybrid engine is tested.
EXTRAS ?= dev
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=backoffice.settings_test

.PHONY: demo test venv lint format check-migrations clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[$(EXTRAS)]'
	@! $(BIN)/python -m pip show --quiet django-fsm 2>/dev/null || \
		(echo "django-fsm (archived) is installed beside django-fsm-2: remove it" && exit 1)
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	./scripts/demo.sh

test: venv lint check-migrations
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: venv
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

# The demo's .env goes too; one written by hand stays.
clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var staticfiles
	@if head -n 1 .env 2>/dev/null | grep -q '^# Written by `make demo`'; then rm -f .env; fi
