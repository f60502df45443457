"""Connections to the working warehouse, the single-writer lock, and per-file loading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from orchestration.extract.raw_schema import RAW_SCHEMA, column_names, create_statements
from orchestration.extract.types import Extracted
from orchestration.failpoints import failpoint

# Re-exported: the lock lives in a module without pandas (the CLI takes it before it knows
# whether a run is needed).
from orchestration.load.lock import WarehouseBusy, writer_lock, writer_running  # noqa: F401
from orchestration.settings import duckdb_config

# Loading commits once per file (a few MB of WAL each); at DuckDB's default 16 MB threshold
# every few files paid a checkpoint, a fifth of the loader's time on a big landing tree.
# The WAL is fsynced at every commit either way, so what a crash keeps is unchanged; a
# bigger WAL only makes the next open replay more.
CHECKPOINT_THRESHOLD = "256MB"


def connect(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse_path), config=duckdb_config())
    con.execute(f"set checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    for statement in create_statements():
        con.execute(statement)
    return con


@dataclass(frozen=True)
class LedgerEntry:
    file_path: str
    source: str
    sha256: str
    status: str  # loaded | duplicate | rejected
    layout: str | None = None
    rows_read: int | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    message: str | None = None
    # The file's stat when it was hashed (discovery): a file seen again with the same
    # (path, size, mtime) is not hashed again (orchestration/load/ingest.py).
    size_bytes: int | None = None
    mtime_ns: int | None = None


# Which raw table receives the rows of each layout.
ROW_TABLE_BY_LAYOUT = {
    "A": "dossier_versions",
    "B": "dossier_versions",
    "queue": "queue_tickets",
    "bieu06": "agency_report_rows",
}
_FILE_TABLES = (
    "dossier_versions",
    "queue_tickets",
    "agency_report_rows",
    "agency_reports",
    "agencies",
    "procedures",
    "quarantined_rows",
)


Frame = pd.DataFrame | pa.Table


def _with_constants(frame: Frame, **constants: str) -> Frame:
    """``frame`` plus a column per constant (the file's path, its source)."""
    if isinstance(frame, pd.DataFrame):
        return frame.assign(**constants)
    for name, value in constants.items():
        frame = frame.append_column(name, pa.array([value] * frame.num_rows, pa.string()))
    return frame


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: Frame) -> None:
    """Insert a pandas frame or an Arrow table (DuckDB scans either in place), by
    position in the raw table's column order (a relation's insert costs a third of a
    registered view's `insert ... select`, per file)."""
    if len(frame) == 0:
        return
    columns = column_names(table)
    if isinstance(frame, pd.DataFrame):
        relation = con.from_df(frame[columns])
    else:
        relation = con.from_arrow(frame.select(columns))
    relation.insert_into(f"{RAW_SCHEMA}.{table}")


def record_file(
    con: duckdb.DuckDBPyConnection,
    entry: LedgerEntry,
    extracted: Extracted | None = None,
    row_table: str | None = None,
    seen_at: datetime | None = None,
    new_path: bool = False,
) -> None:
    """Replace everything known about one file, in one transaction.

    A run killed midway leaves either the old state or the new one for this file; since the
    ledger row is written in the same transaction, a restarted run reprocesses exactly the
    files whose transaction did not commit.

    ``new_path``: the caller read the ledger (under the writer lock) and it has no row for
    this path. Every write to the raw tables goes through here, in one transaction with
    the ledger row, so no table holds rows of that path either: the seven deletes (each a
    scan of a table that grows to millions of rows) and the upsert are skipped, and the
    ledger row is a plain insert (a mistaken caller fails on the primary key instead).
    """
    now = seen_at or datetime.now()
    con.execute("begin transaction")
    try:
        if not new_path:
            for table in _FILE_TABLES:
                con.execute(f"delete from raw.{table} where file_path = ?", [entry.file_path])
        if extracted is not None and row_table is not None:
            rows = _with_constants(extracted.rows, file_path=entry.file_path)
            _insert_frame(con, row_table, rows)
            quarantined = _with_constants(
                extracted.quarantined, file_path=entry.file_path, source=entry.source
            )
            _insert_frame(con, "quarantined_rows", quarantined)
            if extracted.header:
                header = pd.DataFrame([{**extracted.header, "file_path": entry.file_path}])
                _insert_frame(con, "agency_reports", header)
        failpoint("load")  # rows written, transaction not yet committed
        if new_path:
            _insert_ledger_row(con, entry, now)
        else:
            _upsert_ledger_row(con, entry, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _ledger_values(entry: LedgerEntry) -> list[object]:
    """The entry's columns in the order both ledger statements below list them."""
    return [
        entry.file_path,
        entry.source,
        entry.sha256,
        entry.layout,
        entry.rows_read,
        entry.rows_loaded,
        entry.rows_quarantined,
        entry.status,
        entry.message,
        entry.size_bytes,
        entry.mtime_ns,
    ]


def _insert_ledger_row(con: duckdb.DuckDBPyConnection, entry: LedgerEntry, now: datetime) -> None:
    """The ledger row of a path seen for the first time (first seen = processed = now)."""
    con.execute(
        """
        insert into raw.file_ledger (
            file_path, source, sha256, layout, rows_read, rows_loaded, rows_quarantined,
            status, message, size_bytes, mtime_ns, first_seen_at, processed_at
        ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [*_ledger_values(entry), now, now],
    )


def _upsert_ledger_row(con: duckdb.DuckDBPyConnection, entry: LedgerEntry, now: datetime) -> None:
    """The ledger row of a path seen before keeps its first_seen_at."""
    con.execute(
        """
        insert into raw.file_ledger by name
        select ? as file_path, ? as source, ? as sha256, ? as layout,
               ? as rows_read, ? as rows_loaded, ? as rows_quarantined,
               ? as status, ? as message, ? as size_bytes, ? as mtime_ns,
               coalesce((select first_seen_at from raw.file_ledger where file_path = ?), ?)
                   as first_seen_at,
               ? as processed_at
        on conflict (file_path) do update set
            sha256 = excluded.sha256, layout = excluded.layout,
            rows_read = excluded.rows_read, rows_loaded = excluded.rows_loaded,
            rows_quarantined = excluded.rows_quarantined, status = excluded.status,
            message = excluded.message, size_bytes = excluded.size_bytes,
            mtime_ns = excluded.mtime_ns, processed_at = excluded.processed_at
        """,
        [*_ledger_values(entry), entry.file_path, now, now],
    )


def record_stats(con: duckdb.DuckDBPyConnection, stats: list[tuple[str, int, int]]) -> None:
    """Set the (size, mtime) of files hashed again and found unchanged (path, size,
    mtime_ns): the next run takes them by stat alone. One statement, in one transaction."""
    if not stats:
        return
    frame = pa.table(
        {
            "file_path": [path for path, _, _ in stats],
            "size_bytes": pa.array([size for _, size, _ in stats], pa.int64()),
            "mtime_ns": pa.array([mtime for _, _, mtime in stats], pa.int64()),
        }
    )
    con.register("cchc_file_stats", frame)
    try:
        con.execute(
            """
            update raw.file_ledger as l
            set size_bytes = s.size_bytes, mtime_ns = s.mtime_ns
            from cchc_file_stats as s
            where l.file_path = s.file_path
            """
        )
    finally:
        con.unregister("cchc_file_stats")
