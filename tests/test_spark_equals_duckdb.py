"""The same dbt models on Spark publish the same analytics.duckdb as the DuckDB build
(issue 14, docs/scale-out.md).

The DuckDB side is the suite's shared baseline: one `cchc run` over the bundled sample, as
`make demo`. The Spark side starts from that run's raw.* (the same ingest, copied) and
runs the Spark job's Dagster step (orchestration/defs/spark.py): `dbt build --target
spark` in local mode, then publish from Spark (orchestration/spark). Every published mart
must have the same columns, of the same types, and the same rows (doubles within 1e-9
relative); only the publication record differs.

Needs pyspark (in requirements.lock) and Java 17: without them this test fails and says so.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings
from tests.support.pipeline import diff_snapshots, snapshot_marts

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def column_types(database: Path) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' order by table_name, column_index"
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def copy_raw_tables(source: Path, target: Path) -> None:
    """The raw.* of an ingested warehouse into a new one: what the Spark step reads."""
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{source}' as ingested (read_only)")
        con.execute("create schema raw")
        tables = con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'ingested' and schema_name = 'raw'"
        ).fetchall()
        for (table,) in tables:
            con.execute(f"create table raw.{table} as select * from ingested.raw.{table}")
    finally:
        con.close()


@pytest.fixture(scope="module")
def spark_run(shared_baseline, scratch):
    from orchestration.spark.session import SparkUnavailable, check_requirements

    try:
        check_requirements()
    except SparkUnavailable as missing:
        pytest.fail(f"the Spark target cannot run here: {missing}")
    from dagster import DagsterInstance, materialize

    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.spark import SPARK_ANALYTICS_KEY, spark_pipeline

    baseline = shared_baseline.get()
    settings = Settings(baseline.landing, scratch.mktemp("spark") / "data")
    settings.data_dir.mkdir(parents=True)
    # The same ingest as the baseline, read from its raw.*: only the Spark step runs, as
    # the Dagster asset of the Spark job (orchestration/defs/spark.py) runs it.
    copy_raw_tables(baseline.warehouse, settings.warehouse_path)
    warehouse = WarehouseResource(
        landing_dir=str(settings.landing_dir), data_dir=str(settings.data_dir)
    )
    started = time.monotonic()
    # Seeds and models only: `make demo-spark` runs the data tests; here the tables are
    # compared whole, and each data test costs about a second in local mode.
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            [spark_pipeline],
            resources={"warehouse": warehouse},
            run_config={"ops": {"spark_pipeline": {"config": {"data_tests": False}}}},
            instance=instance,
        )
        assert result.success
        published = result.asset_materializations_for_node("spark_pipeline")
    print(f"Spark pipeline: {time.monotonic() - started:.0f} s")
    assert SPARK_ANALYTICS_KEY in {m.asset_key for m in published}
    return baseline, settings


def test_every_mart_equals_the_duckdb_build(spark_run) -> None:
    baseline, settings = spark_run
    expected = snapshot_marts(baseline.analytics, drop_columns={})
    actual = snapshot_marts(settings.analytics_path, drop_columns={})
    # Not a vacuous comparison: the sample fills every mart the contract names.
    assert {"period_accounting", "service_rates", "dossiers", "working_days"} <= set(actual)
    assert {"national_rates", "national_accounting", "province_ranking"} <= set(actual)
    assert all(expected[name] for name in ("period_accounting", "service_rates", "dossiers"))
    assert diff_snapshots(expected, actual) == []


def test_published_columns_and_types_are_the_same(spark_run) -> None:
    baseline, settings = spark_run
    assert column_types(settings.analytics_path) == column_types(baseline.analytics)
