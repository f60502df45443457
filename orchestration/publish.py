"""Publish the marts to the analysts' read-only file by atomic rename.

Analysts open ``analytics.duckdb`` read-only. We never write into it: a complete new file
is built beside it and renamed over it, so an open analyst session keeps reading the old
version (its inode) and a new session sees the new one; nobody sees a half-built state and
nobody blocks the pipeline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: dict[str, int]


def publish(warehouse_path: Path, analytics_path: Path) -> PublishResult:
    tmp_path = analytics_path.with_name(analytics_path.name + ".tmp")
    for stale in (tmp_path, tmp_path.with_name(tmp_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    tables: dict[str, int] = {}
    con = duckdb.connect(str(tmp_path))
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
                (count,) = con.execute(f"select count(*) from {schema}.{name}").fetchone()
                tables[f"{schema}.{name}"] = count
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()
    with tmp_path.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp_path, analytics_path)
    directory = os.open(analytics_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return PublishResult(analytics_path, tables)
