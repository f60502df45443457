"""The ingest step of the Spark job (orchestration/spark/extractors.py) fills the raw
tables and the ledger exactly as the DuckDB ingest does, on the whole bundled sample.

The ledger, duplicates, rejections and per-file transactions are the DuckDB ingest's own
code in both; what differs is the engine that reads and judges the rows of the sources
that have a Spark extractor. Compared with the baseline run's warehouse (the DuckDB
ingest of the same landing), table by table: every row of every raw table, the quarantined
rows (file, row number, reason, detail) and the ledger (status, layout, rows read /
loaded / quarantined, message), all but the ledger's clock columns.

Needs pyspark and Java 17 (like tests/test_spark_equals_duckdb.py).
"""

from __future__ import annotations

import duckdb
import pytest

from orchestration.extract.raw_schema import RAW_TABLES, column_names
from orchestration.load.sources import ledger_mismatches
from orchestration.load.warehouse import connect
from orchestration.settings import SAMPLE_LANDING_DIR

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

# When the file was seen or decided, and its stat: not what the file says.
CLOCK_COLUMNS = {"first_seen_at", "processed_at", "mtime_ns"}


@pytest.fixture(scope="module")
def warehouses(spark, shared_baseline, tmp_path_factory: pytest.TempPathFactory):
    from orchestration.spark.extractors import spark_ingest_steps

    path = tmp_path_factory.mktemp("spark-ingest-landing") / "warehouse.duckdb"
    con = connect(path)
    try:
        for _source, step in spark_ingest_steps(spark):
            step(con, SAMPLE_LANDING_DIR, None)
        mismatches = ledger_mismatches(con)
    finally:
        con.close()
    both = duckdb.connect()
    both.execute(f"attach '{path}' as spark_ingest (read_only)")
    both.execute(f"attach '{shared_baseline.get().warehouse}' as duckdb_ingest (read_only)")
    try:
        yield both, mismatches
    finally:
        both.close()


def test_every_file_reconciles(warehouses) -> None:
    _, mismatches = warehouses
    assert mismatches == []


@pytest.mark.parametrize("table", list(RAW_TABLES))
def test_raw_table_equals_the_duckdb_ingest(warehouses, table: str) -> None:
    con, _ = warehouses
    columns = ", ".join(c for c in column_names(table) if c not in CLOCK_COLUMNS)
    spark_rows = f"select {columns} from spark_ingest.raw.{table}"
    duckdb_rows = f"select {columns} from duckdb_ingest.raw.{table}"
    (rows,) = con.execute(f"select count(*) from ({duckdb_rows})").fetchone()
    (only_spark,) = con.execute(
        f"select count(*) from ({spark_rows} except all {duckdb_rows})"
    ).fetchone()
    (only_duckdb,) = con.execute(
        f"select count(*) from ({duckdb_rows} except all {spark_rows})"
    ).fetchone()
    assert rows > 0
    assert (only_spark, only_duckdb) == (0, 0), f"{table}: {rows} rows"


def test_other_jobs_ingest_with_duckdb() -> None:
    """The job name picks the engine: only the Spark job's ingest starts Spark."""
    from types import SimpleNamespace

    from orchestration.defs.ingest import _spark_steps
    from orchestration.defs.jobs import BACKFILL_JOB, NIGHTLY_JOB

    for job in (NIGHTLY_JOB, BACKFILL_JOB, "__ASSET_JOB"):
        context = SimpleNamespace(run=SimpleNamespace(job_name=job))
        with _spark_steps(context, warehouse=None) as steps:  # type: ignore[arg-type]
            assert steps == []
