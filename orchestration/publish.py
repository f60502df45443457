"""Publish the marts to the analysts' read-only file by atomic rename, recording
restatements of figures that were already published.

Analysts open ``analytics.duckdb`` read-only. We never write into it: a complete new file
is built beside it and renamed over it, so an open analyst session keeps reading the old
version (its inode) and a new session sees the new one; nobody sees a half-built state and
nobody blocks the pipeline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.contract import mart
from orchestration.failpoints import failpoint
from orchestration.settings import duckdb_config

PUBLISHED_SCHEMAS = ("marts",)
# Numerators are doubles (minutes for avg_wait_minutes): DuckDB sums them in parallel, in no
# fixed order, so a rebuild of unchanged data differs in the last bits. A figure changed when
# it moved by more than rounding noise, not when its bits differ.
NUMERATOR_TOLERANCE = 1e-9

# history.restatements, published as marts.restatements (tests/support/marts_fixture.py
# writes its marts.restatements with it too). `mart`: which mart the figure belongs to; for
# period_accounting `indicator` names the count (e.g. `resolved`) and the old/new values are
# in the numerator columns.
RESTATEMENTS_DDL = """
    calendar varchar, grain varchar, period_key varchar, period_start date,
    period_end date, scope_type varchar, scope_code varchar, indicator varchar,
    old_numerator double, old_denominator bigint, old_rate double,
    new_numerator double, new_denominator bigint, new_rate double,
    previously_published_at timestamp, run_id varchar, restated_at timestamp,
    mart varchar, province_code varchar"""
_RESTATEMENT_COLUMNS = ", ".join(part.split()[0] for part in RESTATEMENTS_DDL.split(","))

_HISTORY_DDL = (
    "create schema if not exists history",
    """
    create table if not exists history.publications (
        run_id varchar not null, published_at timestamp not null
    )
    """,
    f"create table if not exists history.restatements ({RESTATEMENTS_DDL})",
    # A warehouse created before `mart` or `province_code` existed gains them (last, in this
    # order, as in a new one).
    "alter table history.restatements add column if not exists mart varchar",
    "alter table history.restatements add column if not exists province_code varchar",
)
_LAST_PUBLISHED = (
    "cross join (select max(published_at) as published_at from old.marts.publication) as p"
)


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: dict[str, int]
    restatements: int


def _record_history(warehouse_path: Path, analytics_path: Path, run_id: str, now: datetime) -> int:
    """Append this publication and the figures it changes for periods that had already
    ended when they were last published (a number officials may have reported upward)."""
    con = duckdb.connect(str(warehouse_path), config=duckdb_config())
    try:
        for statement in _HISTORY_DDL:
            con.execute(statement)
        restated = 0
        if analytics_path.exists():
            con.execute(f"attach '{analytics_path}' as old (read_only)")
            _forget_unpublished(con)
            restated = _restate_rates(con, run_id, now) + _restate_accounting(con, run_id, now)
            con.execute("detach old")
        con.execute("insert into history.publications values (?, ?)", [run_id, now])
        return restated
    finally:
        con.close()


def _same_key(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Join condition of a mart's new rows (n) to its published rows (o): its contract key,
    less the key columns the published file predates (province_code, before many provinces:
    that file held one province, so the rest of the key is unique in it)."""
    published = {
        column
        for (column,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'old' "
            "and schema_name = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }
    return " and ".join(f"n.{k} = o.{k}" for k in mart(table).key if k in published)


def _old_tables_exist(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = 'old' "
        "and schema_name = 'marts' and list_contains(?, table_name)",
        [list(names)],
    ).fetchone()[0]
    return found == len(names)


def _count_restatements(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select count(*) from history.restatements").fetchone()[0]


def _restate_rates(con: duckdb.DuckDBPyConnection, run_id: str, now: datetime) -> int:
    """Rates of ended periods whose numerator or denominator changed since publication."""
    if not _old_tables_exist(con, "service_rates", "publication"):
        return 0
    keys = _same_key(con, "service_rates")
    before = _count_restatements(con)
    con.execute(
        f"""
        insert into history.restatements ({_RESTATEMENT_COLUMNS})
        select n.calendar, n.grain, n.period_key, n.period_start, n.period_end,
               n.scope_type, n.scope_code, n.indicator,
               o.numerator, o.denominator, o.rate,
               n.numerator, n.denominator, n.rate,
               p.published_at, ?, ?, 'service_rates', n.province_code
        from marts.service_rates as n
        inner join old.marts.service_rates as o on {keys}
        {_LAST_PUBLISHED}
        where n.period_end < cast(p.published_at as date)
          and ((n.numerator is null) != (o.numerator is null)
               or abs(n.numerator - o.numerator)
                  > ? * greatest(1.0, abs(o.numerator))
               or n.denominator is distinct from o.denominator)
        """,
        [run_id, now, NUMERATOR_TOLERANCE],
    )
    return _count_restatements(con) - before


def _accounting_counts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The count columns of period_accounting present both now and in the published file."""
    columns = []
    for database in ("old", con.execute("select current_database()").fetchone()[0]):
        rows = con.execute(
            "select column_name from duckdb_columns() where database_name = ? "
            "and schema_name = 'marts' and table_name = 'period_accounting' "
            "and data_type in ('BIGINT', 'INTEGER', 'HUGEINT') order by column_index",
            [database],
        ).fetchall()
        columns.append([c for (c,) in rows])
    old, new = columns
    return [c for c in new if c in old]


def _restate_accounting(con: duckdb.DuckDBPyConnection, run_id: str, now: datetime) -> int:
    """Every period_accounting count of an ended period that changed since publication:
    the Biểu 06 figures officials report upward. One row per changed count."""
    if not _old_tables_exist(con, "period_accounting", "publication"):
        return 0
    counts = _accounting_counts(con)
    if not counts:
        return 0
    keys = _same_key(con, "period_accounting")
    changed = " union all ".join(
        f"select '{c}' as indicator, o.{c} as old_value, n.{c} as new_value, "
        f"n.calendar, n.grain, n.period_key, n.period_start, n.period_end, "
        f"n.scope_type, n.scope_code, n.province_code "
        f"from marts.period_accounting as n "
        f"inner join old.marts.period_accounting as o on {keys} "
        f"where n.{c} is distinct from o.{c}"
        for c in counts
    )
    before = _count_restatements(con)
    con.execute(
        f"""
        insert into history.restatements ({_RESTATEMENT_COLUMNS})
        select c.calendar, c.grain, c.period_key, c.period_start, c.period_end,
               c.scope_type, c.scope_code, c.indicator,
               c.old_value, null, null, c.new_value, null, null,
               p.published_at, ?, ?, 'period_accounting', c.province_code
        from ({changed}) as c
        {_LAST_PUBLISHED}
        where c.period_end < cast(p.published_at as date)
        """,
        [run_id, now],
    )
    return _count_restatements(con) - before


def _forget_unpublished(con: duckdb.DuckDBPyConnection) -> None:
    """Drop history rows of runs that recorded their publication but never renamed their file
    into place (killed between ``_record_history`` and ``os.replace``).

    The analysts' file is the truth of what was published: any history newer than its
    ``marts.publication`` never reached an analyst. Kept, its restatements would be recorded
    a second time by the next run (against the same old file) and published twice.
    """
    has_publication = con.execute(
        "select count(*) from duckdb_tables() where database_name = 'old' "
        "and schema_name = 'marts' and table_name = 'publication'"
    ).fetchone()[0]
    if not has_publication:
        return
    (last_published,) = con.execute(
        "select max(published_at) from old.marts.publication"
    ).fetchone()
    if last_published is None:
        return
    con.execute("delete from history.restatements where restated_at > ?", [last_published])
    con.execute("delete from history.publications where published_at > ?", [last_published])


def publish(
    warehouse_path: Path,
    analytics_path: Path,
    run_id: str = "manual",
    now: datetime | None = None,
) -> PublishResult:
    published_at = now or datetime.now()
    restated = _record_history(warehouse_path, analytics_path, run_id, published_at)
    tmp_path = analytics_path.with_name(analytics_path.name + ".tmp")
    for stale in (tmp_path, tmp_path.with_name(tmp_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    tables: dict[str, int] = {}
    con = duckdb.connect(str(tmp_path), config=duckdb_config())
    try:
        con.execute(f"attach '{warehouse_path}' as wh (read_only)")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema {schema}")
            # Views are materialised too: the published file must not depend on the warehouse.
            names = con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'wh' and table_schema = ? order by table_name",
                [schema],
            ).fetchall()
            for (name,) in names:
                con.execute(f"create table {schema}.{name} as select * from wh.{schema}.{name}")
        con.execute("create table marts.restatements as select * from wh.history.restatements")
        con.execute(
            "create table marts.publication as select run_id, published_at "
            "from wh.history.publications where run_id = ? and published_at = ?",
            [run_id, published_at],
        )
        con.execute("detach wh")
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall():
            (count,) = con.execute(f"select count(*) from marts.{name}").fetchone()
            tables[f"marts.{name}"] = count
        con.execute("checkpoint")
    finally:
        con.close()
    with tmp_path.open("rb") as handle:
        os.fsync(handle.fileno())
    failpoint("publish")  # new file complete beside the old one, not yet renamed
    os.replace(tmp_path, analytics_path)
    directory = os.open(analytics_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return PublishResult(analytics_path, tables, restated)
