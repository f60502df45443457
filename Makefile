# Two commands on a fresh machine: `make demo` (whole pipeline on the bundled sample) and
# `make test`. Both create the virtual environment and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
# The deployment's settings (the Dagster resources read them with EnvVar): the sample's defaults.
export CCHC_DATA_DIR ?= $(CURDIR)/data
export CCHC_LANDING_DIR ?= $(CURDIR)/sources/sample/landing
export CCHC_OFFICIAL_CUTOFF_DAY ?= 15
export DAGSTER_HOME := $(CCHC_DATA_DIR)/dagster

.PHONY: install manifest demo run test lint ui docs bench clean

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

test: manifest
	$(BIN)/pytest -n 2 -q

lint: install
	$(BIN)/ruff check orchestration tests bench
	$(BIN)/ruff format --check orchestration tests bench
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/macros

ui: manifest
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m orchestration.definitions

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
