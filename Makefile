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

.PHONY: install lock manifest demo demo-spark run test browser java lint ui ui-check docs bench bench-spark clean

# Everything installs from requirements.lock: exact versions, every file's sha256 checked.
# --no-deps: the lock is the whole resolution, so pip installs exactly its lines (and the
# pip that python3.11's venv ships trips over extras like dagster-dbt's `sqlglot[rs]` in
# hash mode); `pip check` then proves the installed set is consistent. Then the two local
# packages, editable and without resolving again: the warehouse (orchestration/) and the
# dev-only sample generator (sources/samplegen), built by the locked setuptools.
$(BIN)/.installed: requirements.lock pyproject.toml sources/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . -e ./sources
	$(BIN)/pip check
	touch $@

install: $(BIN)/.installed

# Re-resolve requirements.lock after editing pyproject.toml's dependencies (docs/
# dependencies.md). Keeps every pin that still fits; `make lock LOCK_ARGS=--upgrade` moves
# everything to the newest versions allowed, `LOCK_ARGS="--upgrade-package duckdb"` one.
LOCK_TOOLS := .venv-lock
lock:
	test -x $(LOCK_TOOLS)/bin/uv || ($(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet uv)
	$(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes $(LOCK_ARGS) -o requirements.lock

# The dbt manifest is a build artefact: Dagster reads it, never builds it at import.
manifest: install
	$(BIN)/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project

demo: manifest
	$(BIN)/cchc run

run: demo

# The same pipeline with the dbt models on Spark, local mode (docs/scale-out.md): the
# Dagster job cchc_spark (orchestration/defs/spark.py): DuckDB ingest -> raw.* as Parquet ->
# dbt build --target spark -> publish from Spark, into its own data dir. Its
# analytics.duckdb equals `make demo`'s (tests/test_spark_equals_duckdb.py).
SPARK_DATA_DIR := $(abspath $(or $(CCHC_SPARK_DATA_DIR),$(CURDIR)/data-spark))
demo-spark: manifest java
	CCHC_DATA_DIR=$(SPARK_DATA_DIR) DAGSTER_HOME=$(SPARK_DATA_DIR)/dagster $(BIN)/cchc run --spark
	@echo "analytics (Spark build): $(SPARK_DATA_DIR)/analytics.duckdb"

test: manifest browser java
	$(BIN)/pytest -n 2 -q

# Spark (pyspark, from requirements.lock) needs a Java runtime: the Spark tests and
# demo-spark. Installed as root where apt is there, as for chromium; otherwise a clear stop.
java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Cài Java 17 cho Spark / installing Debian's openjdk-17-jre-headless for Spark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	else \
	  echo "Thiếu Java / java is missing: Spark needs Java 17" \
	    "(as root: apt-get install -y openjdk-17-jre-headless); make demo-spark and the" \
	    "Spark tests (pytest -m spark) cannot run without it." >&2; exit 1; \
	fi

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
	$(BIN)/ruff check orchestration sources/samplegen tests bench
	$(BIN)/ruff format --check orchestration sources/samplegen tests bench
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/macros
	$(BIN)/lint-imports  # .importlinter: no module imports from a later stage

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

# DuckDB against Spark local mode, same dbt project, at 5M and 20M versions (bench/spark.py;
# BENCH_SPARK_VERSIONS="1000000" for a shorter run). Needs Java, as demo-spark.
bench-spark: manifest java
	$(BIN)/python -m bench.spark

clean:
	rm -rf data data-spark dbt_project/target dbt_project/logs
