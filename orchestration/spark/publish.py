"""Publishing from Spark: the marts written as Parquet, loaded into the DuckDB warehouse's
marts schema, then published by the DuckDB pipeline's own code (orchestration/publish.py:
history, restatements, atomic rename), so analysts and reports see no difference."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.publish import PUBLISHED_SCHEMAS, PublishResult, publish
from orchestration.settings import duckdb_config

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def write_marts(spark: SparkSession, parquet_dir: Path) -> dict[str, Path]:
    """Every table of Spark's published schemas → `parquet_dir/<schema>/<table>/`."""
    if parquet_dir.exists():
        shutil.rmtree(parquet_dir)
    written = {}
    for schema in PUBLISHED_SCHEMAS:
        for row in spark.sql(f"show tables in {schema}").collect():
            if row.isTemporary:
                continue
            path = parquet_dir / schema / row.tableName
            spark.table(f"{schema}.{row.tableName}").write.parquet(str(path))
            written[f"{schema}.{row.tableName}"] = path
    return written


def load_marts(warehouse_path: Path, written: dict[str, Path]) -> None:
    """Replace the warehouse's published schemas by the Parquet marts, in one transaction."""
    con = duckdb.connect(str(warehouse_path), config=duckdb_config())
    try:
        con.execute("begin")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"drop schema if exists {schema} cascade")
            con.execute(f"create schema {schema}")
        for name, path in sorted(written.items()):
            con.execute(f"create table {name} as select * from read_parquet('{path}/*.parquet')")
        con.execute("commit")
    finally:
        con.close()


def publish_from_spark(
    spark: SparkSession,
    parquet_dir: Path,
    warehouse_path: Path,
    analytics_path: Path,
    run_id: str = "spark",
    now: datetime | None = None,
) -> PublishResult:
    load_marts(warehouse_path, write_marts(spark, parquet_dir))
    return publish(warehouse_path, analytics_path, run_id=run_id, now=now)
