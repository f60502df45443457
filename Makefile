# Two commands on a fresh machine: `make demo` (whole pipeline on the bundled sample) and
# `make test`. Both create the virtual environment and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
# The deployment's settings (the Dagster resources read them with EnvVar): the sample's
# defaults. `make ui CCHC_DATA_DIR=...` then shows that data dir's runs, as `cchc` keeps its
# Dagster instance in <data dir>/dagster.
DATA_DIR := $(abspath $(or $(CCHC_DATA_DIR),$(CURDIR)/data))
export CCHC_DATA_DIR := $(DATA_DIR)
export CCHC_LANDING_DIR ?= $(CURDIR)/sources/sample/landing
export CCHC_OFFICIAL_CUTOFF_DAY ?= 15
export DAGSTER_HOME := $(DATA_DIR)/dagster

.PHONY: install manifest demo run test browser lint ui ui-check docs bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The dbt manifest is a build artefact: Dagster reads it, never builds it at import.
manifest: install
	$(BIN)/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project

demo: manifest
	$(BIN)/cchc run

run: demo

test: manifest browser
	$(BIN)/pytest -n 2 -q

# Headless Chromium for the page checks (tests/support/browser.py): Debian's package,
# installed as root where apt is there; otherwise a clear message and a stop.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Cài chromium cho kiểm thử trang / installing Debian's chromium for page tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Thiếu chromium / chromium is missing: as root, apt-get install -y chromium" \
	    "(the Data Docs page tests need it)." >&2; exit 1; \
	fi

lint: install
	$(BIN)/ruff check orchestration tests bench
	$(BIN)/ruff format --check orchestration tests bench
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/macros

# From a fresh shell (nothing activated): the venv's bin first on PATH, so that every tool
# the code location starts (dbt for its preparation, among others) is the venv's own.
UI_ENV := PATH="$(CURDIR)/$(BIN):$$PATH" CCHC_DATA_DIR="$(DATA_DIR)"

ui: manifest
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(UI_ENV) $(BIN)/dagster dev -m orchestration.definitions

# What `make ui` loads, loaded once as `dagster dev` would (its dev-only dbt preparation
# included) and checked, without starting the UI (tests/test_make_ui.py).
ui-check: manifest
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(UI_ENV) DAGSTER_IS_DEV_CLI=1 $(BIN)/dagster definitions validate -m orchestration.definitions

# dbt docs of the built warehouse (every mart and column described); builds it first if needed.
docs: manifest
	test -f data/warehouse.duckdb || $(BIN)/cchc run
	CCHC_WAREHOUSE_PATH=$(CURDIR)/data/warehouse.duckdb $(BIN)/dbt docs generate \
	  --project-dir dbt_project --profiles-dir dbt_project --target-path $(CURDIR)/data/dbt-docs --static
	@echo "dbt docs: data/dbt-docs/static_index.html (opens offline)"

bench: manifest
	$(BIN)/python -m bench.run

clean:
	rm -rf data dbt_project/target dbt_project/logs
