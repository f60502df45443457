"""Two published analytics files, compared table by table inside DuckDB.

The late-files night must equal a full rebuild over the same files. At benchmark sizes the
marts hold millions of rows (the dossier drill-down), so the comparison is set-based in the
engine (`except all` both ways) instead of pulling rows into Python as the tests do on the
sample.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Rows legitimately differ between two data dirs built from the same files only in when a
# file was seen and in publication metadata (see tests/support/pipeline.py).
VOLATILE_COLUMNS = {"file_ledger": {"first_seen_at", "processed_at"}}
IGNORED_TABLES = {"publication", "restatements"}
DOUBLE_DIGITS = 6  # sums of doubles vary in their last bits between rebuilds


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = 'marts' and table_name = ? "
        "order by column_index",
        [database, table],
    ).fetchall()


def _select(database: str, table: str, columns: list[tuple[str, str]]) -> str:
    volatile = VOLATILE_COLUMNS.get(table, set())
    cells = [
        f'round("{name}", {DOUBLE_DIGITS})' if kind in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, kind in columns
        if name not in volatile
    ]
    return f'select {", ".join(cells)} from {database}.marts."{table}"'


def differing_tables(expected: Path, actual: Path) -> dict[str, int]:
    """Table → number of rows in one file and not the other (both ways); empty: equal."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{expected}' as expected (read_only)")
        con.execute(f"attach '{actual}' as actual (read_only)")
        tables = {
            database: {
                name
                for (name,) in con.execute(
                    "select table_name from duckdb_tables() "
                    "where database_name = ? and schema_name = 'marts'",
                    [database],
                ).fetchall()
            }
            - IGNORED_TABLES
            for database in ("expected", "actual")
        }
        differences: dict[str, int] = {
            name: -1 for name in tables["expected"] ^ tables["actual"]
        }  # -1: the table exists on one side only
        for table in sorted(tables["expected"] & tables["actual"]):
            columns = _columns(con, "expected", table)
            if columns != _columns(con, "actual", table):
                differences[table] = -1
                continue
            left, right = _select("expected", table, columns), _select("actual", table, columns)
            (count,) = con.execute(
                f"select (select count(*) from ({left} except all {right})) "
                f"+ (select count(*) from ({right} except all {left}))"
            ).fetchone()
            if count:
                differences[table] = int(count)
        return differences
    finally:
        con.close()
