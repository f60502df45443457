"""The Spark code location (orchestration/definitions_spark.py, issue 14): it loads without
starting Spark, its job is the nightly ingest then the one Spark step, and `cchc run
--spark` refuses what it cannot do with one clear line. The Spark step itself runs in
tests/test_spark_equals_duckdb.py."""

from __future__ import annotations

import sys
from pathlib import Path

from orchestration.definitions import defs as nightly_defs
from orchestration.definitions_spark import defs
from orchestration.defs.ingest import LEDGER_KEY, RAW_KEYS_BY_SOURCE
from orchestration.defs.spark import (
    SPARK_ANALYTICS_KEY,
    SPARK_JOB,
    SPARK_MARTS_KEY,
    SPARK_RAW_KEY,
)
from orchestration.settings import SAMPLE_LANDING_DIR
from tests.support.cli_user import open_dir, run_cchc

SPARK_KEYS = {SPARK_RAW_KEY, SPARK_MARTS_KEY, SPARK_ANALYTICS_KEY}
# Resolved at collection, as a code location resolves its definitions when it loads: a run
# executed earlier in the same worker (the Spark equality test's `materialize`) leaves
# Dagster's definitions-load context holding an instance that is gone, and resolving a
# not-yet-resolved Definitions after it fails on that dead reference.
SPARK_JOB_DEF = defs.resolve_job_def(SPARK_JOB)
SPARK_GRAPH = defs.resolve_asset_graph()
NIGHTLY_GRAPH = nightly_defs.resolve_asset_graph()


def test_the_spark_job_is_the_ingest_then_one_spark_step() -> None:
    assert {node.name for node in SPARK_JOB_DEF.graph.node_defs} == {
        "ingest_landing",
        "spark_pipeline",
    }
    graph = SPARK_GRAPH
    raw_keys = {key for keys in RAW_KEYS_BY_SOURCE.values() for key in keys}
    assert raw_keys <= graph.get(SPARK_RAW_KEY).parent_keys
    assert graph.get(SPARK_MARTS_KEY).parent_keys == {SPARK_RAW_KEY}
    assert graph.get(SPARK_ANALYTICS_KEY).parent_keys == {SPARK_MARTS_KEY}
    assert LEDGER_KEY in graph.get_all_asset_keys()


def test_the_nightly_location_holds_no_spark_asset() -> None:
    """A Spark run beside the nightly job would make the next night see nothing new and
    skip the DuckDB build (orchestration/defs/spark.py): the two stay apart."""
    assert not SPARK_KEYS & set(NIGHTLY_GRAPH.get_all_asset_keys())


def test_spark_refuses_a_range_of_quarters() -> None:
    with open_dir("cchc-spark-") as root:
        data_dir: Path = root / "data"
        outcome = run_cchc(
            ["run", "--spark", "--from", "2024-Q1", "--to", "2024-Q2"], data_dir, SAMPLE_LANDING_DIR
        )
        assert outcome.returncode == 2, outcome
        assert "Traceback" not in outcome.stderr
        assert "--spark always rebuilds everything" in outcome.stderr
        assert not (data_dir / "warehouse.duckdb").exists()


def test_spark_without_java_is_one_clear_line() -> None:
    with open_dir("cchc-spark-") as root:
        data_dir = root / "data"
        # No java on PATH and no JAVA_HOME: stopped before Dagster or a JVM starts.
        outcome = run_cchc(
            ["run", "--spark"],
            data_dir,
            SAMPLE_LANDING_DIR,
            env={"PATH": str(Path(sys.executable).parent), "JAVA_HOME": ""},
        )
        assert outcome.returncode == 2, outcome
        assert "Traceback" not in outcome.stderr
        assert "Java is missing" in outcome.stderr
        assert not (data_dir / "warehouse.duckdb").exists()
