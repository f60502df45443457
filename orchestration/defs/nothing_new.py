"""Has anything changed since the last successful run? Decided before a nightly run starts.

One function, used by the `nightly_run` schedule (a ``SkipReason`` instead of a run) and by
`cchc run --nightly` (the skipped message, exit 0), before either launches the job: on a
night with nothing new neither Dagster's run nor its start-up is paid (docs/decisions.md,
"Nothing new, decided before the run starts"). The same inputs digest the ingest asset tags
its runs with (orchestration/load/fingerprint.py) is computed here, with the ledger read-only
and the landed files by stat alone (the ledger's stat cache): a file that is new, or whose
size or mtime changed, is a change without reading it, and the run then goes on exactly as
before (the ingest asset hashes it and decides, and may still skip the later steps).

Kept light (no dagster-dbt, no pandas): the CLI imports it before deciding whether Dagster's
definitions are needed at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.load.discovery import SOURCES, discover, rehash_requested
from orchestration.load.fingerprint import PACKAGE_DIR, code_digest, inputs_digest, ledger_digest
from orchestration.settings import (
    DBT_PROJECT_DIR,
    Settings,
    current_quarter,
    duckdb_config,
    report_issuer_settings,
)

if TYPE_CHECKING:
    import duckdb
    from dagster import DagsterInstance

# The run tag holding the digest of the inputs a run built from.
INPUTS_TAG = "cchc/inputs"
NOTHING_NEW_MESSAGE = (
    "Không có gì mới kể từ lượt chạy thành công gần nhất: bỏ qua các bước sau / "
    "nothing new since the last successful run: the later steps are skipped"
)


def run_inputs_digest(ledger: str, cutoff_day: int) -> str:
    """The digest of everything the run's outputs depend on, the ledger's part given."""
    province, issuer = report_issuer_settings()
    settings = {
        "official_cutoff_day": cutoff_day,
        "current_quarter": current_quarter(),  # reports label the quarter in progress
        "province_name": province,
        "issuing_body": issuer,
    }
    return inputs_digest(ledger, code_digest([PACKAGE_DIR, DBT_PROJECT_DIR]), settings)


def last_success_inputs(instance: DagsterInstance) -> str | None:
    """The inputs digest of the latest successful run of any job (None when that run has
    none: a run of single assets from the UI may have changed the warehouse too). Only the
    latest counts: inputs can return to an earlier state whose outputs were since replaced."""
    from dagster import DagsterRunStatus, RunsFilter

    records = instance.get_run_records(
        filters=RunsFilter(statuses=[DagsterRunStatus.SUCCESS]), limit=1
    )
    return records[0].dagster_run.tags.get(INPUTS_TAG) if records else None


# Dagster's default run storage under an instance's home (sqlite, the checked-in
# dagster.yaml configures no other).
SQLITE_RUNS = Path("history") / "runs.db"
_LAST_SUCCESS_SQL = """
    select (select value from run_tags where run_id = runs.run_id and key = ?)
    from runs where status = 'SUCCESS' order by id desc limit 1
"""


def last_success_inputs_of_home(home: Path) -> str | None:
    """``last_success_inputs`` of the instance at ``home`` without importing Dagster (its
    import and storage set-up are most of a quiet night's cost): a read-only query of the
    default sqlite run storage, the same "latest by id" Dagster's ``get_run_records`` takes
    (tests/test_nothing_new_night.py checks both agree). An instance configured with
    another storage, or a database this query does not fit, is asked through Dagster."""
    import sqlite3

    config = home / "dagster.yaml"
    configured = config.read_text(encoding="utf-8") if config.exists() else ""
    runs_db = home / SQLITE_RUNS
    if "storage:" not in configured and runs_db.exists():
        try:
            with contextlib.closing(
                sqlite3.connect(f"{runs_db.resolve().as_uri()}?mode=ro", uri=True)
            ) as con:
                row = con.execute(_LAST_SUCCESS_SQL, [INPUTS_TAG]).fetchone()
            return row[0] if row else None
        except sqlite3.Error:
            pass
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        return last_success_inputs(instance)


def landing_matches_ledger(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Every landed file has a ledger row with its current (size, mtime): nothing to read.

    A ledger row without a landed file changes nothing (the ledger keeps every file ever
    seen, and the next run would not change it either)."""
    known = {
        path: (size, mtime)
        for path, size, mtime in con.execute(
            "select file_path, size_bytes, mtime_ns from raw.file_ledger"
        ).fetchall()
    }
    for source in SOURCES:
        for landed in discover(settings.landing_dir, source):
            stat = known.get(landed.relative_path)
            if stat is None or None in stat or stat != (landed.size, landed.mtime_ns):
                return False
    return True


def nothing_new(settings: Settings, last_success: Callable[[], str | None]) -> bool:
    """Whether a nightly run now would reproduce the latest successful run's outputs: its
    inputs digest (ledger, code, settings, quarter) is ``last_success()``'s and no landed
    file changed by stat. Any doubt (no warehouse yet, a busy or unreadable one, a re-hash
    asked for) answers False: the run goes on and decides as it always did."""
    import duckdb

    if settings.rehash or rehash_requested() or not settings.warehouse_path.exists():
        return False
    last = last_success()
    if last is None:
        return False
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True, config=duckdb_config())
    except duckdb.Error:
        return False  # another process holds it (a run writing): let a run decide
    try:
        if not landing_matches_ledger(con, settings):
            return False
        ledger = ledger_digest(con)
    except duckdb.Error:
        return False  # a warehouse from before the ledger's stat columns
    finally:
        con.close()
    return run_inputs_digest(ledger, settings.official_cutoff_day) == last
