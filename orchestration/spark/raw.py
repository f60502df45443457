"""raw.* for Spark: the DuckDB ingest's tables (what dbt's sources read) as Parquet,
registered as tables of a `raw` database, so that `source()` resolves on both engines."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.settings import duckdb_config

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

RAW_SCHEMA = "raw"


def export_raw(warehouse_path: Path, parquet_dir: Path) -> dict[str, Path]:
    """Every table of the warehouse's raw schema → `parquet_dir/<table>/data.parquet`.

    Read-only: the warehouse may be another pipeline's (the tests reuse `cchc run`'s).
    """
    if parquet_dir.exists():
        shutil.rmtree(parquet_dir)
    parquet_dir.mkdir(parents=True)
    con = duckdb.connect(str(warehouse_path), read_only=True, config=duckdb_config())
    try:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? order by 1",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        exported = {}
        for table in tables:
            # One directory per table: a Spark table's location is a directory.
            path = parquet_dir / table
            path.mkdir()
            target = path / "data.parquet"
            con.execute(f"copy {RAW_SCHEMA}.{table} to '{target}' (format parquet)")
            exported[table] = path
        return exported
    finally:
        con.close()


def register_raw(spark: SparkSession, exported: dict[str, Path]) -> None:
    """raw.<table> over each Parquet file (external tables: nothing is copied)."""
    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    for table, path in exported.items():
        spark.sql(f"drop table if exists {RAW_SCHEMA}.{table}")
        spark.sql(f"create table {RAW_SCHEMA}.{table} using parquet location '{path}'")
