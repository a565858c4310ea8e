# The two commands: `make demo` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Extras installed into the environment; CI adds `enhanced` so that the hybrid engine is tested.
EXTRAS ?= dev
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=backoffice.settings_test
# axe-core, the accessibility checker the browser tests inject into every page: the npm
# registry's tarball, pinned by version and SHA-512, unpacked into a gitignored folder (never
# committed, never from a CDN). `npm pack` where npm is installed; curl fetches the same file.
AXE_VERSION := 4.14.1
AXE_SHA512 := 1477dafa598d8d065f273d6af302aa203c02e83131707b7fa648cd41bd3d6b734f8c22a0dab86ee6a6f64b8afbe804b214d36db85a2826965edfb3a0b9d546b5
AXE_DIR := var/npm/axe-core-$(AXE_VERSION)
AXE_JS := $(AXE_DIR)/axe.min.js

.PHONY: demo test venv lint format check-migrations clean axe

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

test: venv lint check-migrations axe
	AXE_JS=$(AXE_JS) $(BIN)/python -m pytest

axe: $(AXE_JS)

$(AXE_JS):
	mkdir -p $(AXE_DIR)
	if command -v npm >/dev/null 2>&1; then \
		cd $(AXE_DIR) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null; \
	else \
		curl -fsSL -o $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz \
			https://registry.npmjs.org/axe-core/-/axe-core-$(AXE_VERSION).tgz; \
	fi
	echo "$(AXE_SHA512)  $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz" | sha512sum --check --quiet
	tar -xzf $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz -C $(AXE_DIR) --strip-components=1 \
		package/axe.min.js package/LICENSE
	rm $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz
	touch $(AXE_JS)

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
