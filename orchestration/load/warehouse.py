"""Connections to the working warehouse, the single-writer lock, and per-file loading."""

from __future__ import annotations

from collections.abc import Sequence
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


@dataclass(frozen=True)
class FileRecord:
    """Everything one file writes: its ledger row and, when loaded, its rows."""

    entry: LedgerEntry
    extracted: Extracted | None = None
    row_table: str | None = None
    new_path: bool = False
    seen_at: datetime | None = None


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
    record_files(con, [FileRecord(entry, extracted, row_table, new_path, seen_at)])


def record_files(con: duckdb.DuckDBPyConnection, records: Sequence[FileRecord]) -> None:
    """``record_file`` for several files in ONE transaction: each file's rows and ledger
    row still commit together (all the files' do), and a crash keeps every file of the
    group or none. One commit, one insert per table and one ledger insert for the group
    instead of a commit, two inserts and a ledger statement per file: per file, those fixed
    costs (the commit's WAL sync above all) were the largest part of loading small files.
    Paths must be distinct within a group (a run takes each landed path once)."""
    if not records:
        return
    con.execute("begin transaction")
    try:
        for record in records:
            if not record.new_path:
                for table in _FILE_TABLES:
                    con.execute(
                        f"delete from raw.{table} where file_path = ?", [record.entry.file_path]
                    )
        frames: dict[str, list[Frame]] = {}
        for record in records:
            extracted, entry = record.extracted, record.entry
            if extracted is None or record.row_table is None:
                continue
            rows = _with_constants(extracted.rows, file_path=entry.file_path)
            frames.setdefault(record.row_table, []).append(rows)
            quarantined = _with_constants(
                extracted.quarantined, file_path=entry.file_path, source=entry.source
            )
            frames.setdefault("quarantined_rows", []).append(quarantined)
            if extracted.header:
                header = pd.DataFrame([{**extracted.header, "file_path": entry.file_path}])
                frames.setdefault("agency_reports", []).append(header)
        for table, parts in frames.items():
            _insert_frames(con, table, parts)
        for _ in records:
            failpoint("load")  # the file's rows written, transaction not yet committed
        fresh = [record for record in records if record.new_path]
        _insert_ledger_rows(con, fresh)
        for record in records:
            if not record.new_path:
                _upsert_ledger_row(con, record.entry, record.seen_at or datetime.now())
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _insert_frames(con: duckdb.DuckDBPyConnection, table: str, frames: list[Frame]) -> None:
    """Insert several files' frames into one table, as one Arrow insert when they are
    Arrow tables of one schema (the one-stop engine's), else one by one."""
    tables = [frame for frame in frames if isinstance(frame, pa.Table) and frame.num_rows]
    others = [frame for frame in frames if not isinstance(frame, pa.Table)]
    if len(tables) > 1 and all(t.schema.equals(tables[0].schema) for t in tables):
        columns = column_names(table)
        tables = [pa.concat_tables([t.select(columns) for t in tables])]
    for frame in [*tables, *others]:
        _insert_frame(con, table, frame)


def _insert_ledger_rows(con: duckdb.DuckDBPyConnection, records: Sequence[FileRecord]) -> None:
    """The ledger rows of paths seen for the first time (first seen = processed = the
    moment the file was recorded), in one statement."""
    if len(records) == 1:
        record = records[0]
        _insert_ledger_row(con, record.entry, record.seen_at or datetime.now())
        return
    if not records:
        return
    now = datetime.now()
    values = [_ledger_values(record.entry) for record in records]
    seen = [record.seen_at or now for record in records]
    ledger = pa.table(
        {
            name: pa.array([row[i] for row in values], kind)
            for i, (name, kind) in enumerate(_LEDGER_COLUMNS)
        }
        | {
            "first_seen_at": pa.array(seen, _LEDGER_TIME),
            "processed_at": pa.array(seen, _LEDGER_TIME),
        }
    )
    # By name: a warehouse from before the stat columns has them last (added by ALTER).
    con.register("incoming_ledger_rows", ledger)
    try:
        con.execute(
            f"insert into {RAW_SCHEMA}.file_ledger by name select * from incoming_ledger_rows"
        )
    finally:
        con.unregister("incoming_ledger_rows")


# The columns _ledger_values lists, with their Arrow types (the two timestamps are added).
_LEDGER_COLUMNS = (
    ("file_path", pa.string()),
    ("source", pa.string()),
    ("sha256", pa.string()),
    ("layout", pa.string()),
    ("rows_read", pa.int32()),
    ("rows_loaded", pa.int32()),
    ("rows_quarantined", pa.int32()),
    ("status", pa.string()),
    ("message", pa.string()),
    ("size_bytes", pa.int64()),
    ("mtime_ns", pa.int64()),
)
_LEDGER_TIME = pa.timestamp("us")


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
