"""Build the dbt project against a small hand-made raw dataset, for tests.

Each call gets its own DuckDB file and its own dbt target/log directories, so tests can
run in parallel (pytest-xdist) without sharing dbt's state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd
from dbt.cli.main import dbtRunner

from orchestration.load.ddl import column_names, create_statements
from orchestration.settings import DBT_PROJECT_DIR

os.environ.setdefault("DO_NOT_TRACK", "1")


def create_raw_warehouse(path: Path, raw: Mapping[str, pd.DataFrame]) -> None:
    """Create raw.* (all tables, empty) and insert the given frames.

    Frames may omit nullable columns; missing columns are inserted as NULL.
    """
    con = duckdb.connect(str(path))
    try:
        for statement in create_statements():
            con.execute(statement)
        for table, frame in raw.items():
            columns = [c for c in column_names(table) if c in frame.columns]
            con.register("incoming", frame[columns])
            con.execute(
                f"insert into raw.{table} ({', '.join(columns)}) "
                f"select {', '.join(columns)} from incoming"
            )
            con.unregister("incoming")
    finally:
        con.close()


def run_dbt(
    warehouse: Path,
    args: Sequence[str],
    work_dir: Path,
    dbt_vars: Mapping[str, object] | None = None,
) -> None:
    """Run a dbt command (e.g. ["build", "--select", "+period_accounting"]); fail loudly."""
    os.environ["CCHC_WAREHOUSE_PATH"] = str(warehouse)
    cli_args = [
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--quiet",
    ]
    if dbt_vars:
        import json

        cli_args += ["--vars", json.dumps(dict(dbt_vars))]
    result = dbtRunner().invoke(cli_args)
    if not result.success:
        detail = result.exception or result.result
        raise AssertionError(f"dbt {' '.join(args)} failed: {detail}")


def build_warehouse(
    tmp_path: Path,
    raw: Mapping[str, pd.DataFrame],
    select: str | None = None,
    dbt_vars: Mapping[str, object] | None = None,
    command: str = "build",
) -> Path:
    """Raw fixture → `dbt seed` + `dbt <command>` → path of the built DuckDB file."""
    warehouse = tmp_path / "warehouse.duckdb"
    create_raw_warehouse(warehouse, raw)
    run_dbt(warehouse, ["seed"], tmp_path, dbt_vars)
    args = [command] + (["--select", select] if select else [])
    if command == "build":
        # Unit tests run in their own pytest; here we build and run data tests.
        args += ["--exclude-resource-type", "unit_test"]
    run_dbt(warehouse, args, tmp_path, dbt_vars)
    return warehouse


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    # Not read_only: dbt-duckdb keeps its read-write connection open in this process, and
    # DuckDB refuses a read-only connection to a file the same process has open read-write.
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).df()
    finally:
        con.close()
