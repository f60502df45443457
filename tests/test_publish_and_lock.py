"""Publishing by atomic rename, and the single-writer lock."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import duckdb
import pytest

from orchestration.load.warehouse import WarehouseBusy, writer_lock, writer_running
from orchestration.publish import publish


def _warehouse(path: Path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists raw")
    con.execute("create or replace table marts.figures as select ? as value", [value])
    con.execute(
        "create or replace view marts.figures_view as select value * 2 as v from marts.figures"
    )
    con.execute("create or replace table raw.secret as select 'Nguyễn Văn A' as name")
    con.close()


def test_publish_copies_only_marts_and_materialises_views(tmp_path: Path) -> None:
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _warehouse(warehouse, 1)
    result = publish(warehouse, analytics)
    assert result.tables == {
        "marts.figures": 1,
        "marts.figures_view": 1,
        "marts.restatements": 0,
        "marts.publication": 1,
    }
    con = duckdb.connect(str(analytics), read_only=True)
    schemas = {s for (s,) in con.execute("select schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"marts"}
    assert con.execute("select v from marts.figures_view").fetchone() == (2,)
    con.close()
    assert not analytics.with_name("analytics.duckdb.tmp").exists()


def test_an_open_reader_keeps_its_version_and_does_not_block_publish(tmp_path: Path) -> None:
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _warehouse(warehouse, 1)
    publish(warehouse, analytics)
    reader = duckdb.connect(str(analytics), read_only=True)
    _warehouse(warehouse, 2)
    publish(warehouse, analytics)
    assert reader.execute("select value from marts.figures").fetchone() == (1,)
    reader.close()
    fresh = duckdb.connect(str(analytics), read_only=True)
    assert fresh.execute("select value from marts.figures").fetchone() == (2,)
    fresh.close()


def _hold_lock(lock_path: str, ready, release) -> None:
    with writer_lock(Path(lock_path)):
        ready.set()
        release.wait(10)


def test_a_second_writer_process_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    lock = tmp_path / "warehouse.lock"
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(lock), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(WarehouseBusy, match="Another run is writing"), writer_lock(lock):
            pass
    finally:
        release.set()
        holder.join(10)
    with writer_lock(lock):  # free again once the holder is gone
        pass


def test_the_writer_probe_sees_a_writer_and_creates_nothing(tmp_path: Path) -> None:
    lock = tmp_path / "data" / "warehouse.lock"
    assert not writer_running(lock)
    assert not (tmp_path / "data").exists()  # `cchc status` on a fresh machine writes nothing
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(lock), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        before = lock.stat()
        assert writer_running(lock)
        after = lock.stat()
        assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    finally:
        release.set()
        holder.join(10)
    assert not writer_running(lock)
    with writer_lock(lock):  # the probe left no lock behind
        pass


def test_the_lock_is_reentrant_within_one_process(tmp_path: Path) -> None:
    lock = tmp_path / "warehouse.lock"
    with writer_lock(lock), writer_lock(lock):
        pass


def _rates(path: Path, numerator: int, denominator: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute(
        """
        create or replace table marts.service_rates as
        select * from (values
            ('official', 'quarter', '2024-Q1', date '2023-12-15', date '2024-03-14'),
            ('official', 'quarter', '2024-Q2', date '2024-03-15', date '2024-06-14')
        ) as p(calendar, grain, period_key, period_start, period_end)
        cross join (select 'province' as scope_type, 'T01' as scope_code,
                    'online_rate' as indicator, cast(? as double) as numerator,
                    cast(? as bigint) as denominator,
                    cast(? as double) / ? as rate, 'T01' as province_code)
        """,
        [numerator, denominator, numerator, denominator],
    )
    con.close()


def test_restatements_record_changes_to_periods_already_ended_when_published(
    tmp_path: Path,
) -> None:
    from datetime import datetime

    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _rates(warehouse, 50, 100)
    # Published on 1 May 2024: Q1 (ended 14 Mar) was final, Q2 still in progress.
    publish(warehouse, analytics, run_id="run-1", now=datetime(2024, 5, 1, 2, 0))
    _rates(warehouse, 55, 104)  # late files change both quarters
    result = publish(warehouse, analytics, run_id="run-2", now=datetime(2024, 5, 2, 2, 0))
    assert result.restatements == 1
    con = duckdb.connect(str(analytics), read_only=True)
    rows = con.execute(
        "select period_key, old_numerator, old_denominator, new_numerator, new_denominator, "
        "run_id from marts.restatements"
    ).fetchall()
    assert rows == [("2024-Q1", 50.0, 100, 55.0, 104, "run-2")]
    assert con.execute("select run_id from marts.publication").fetchall() == [("run-2",)]
    con.close()
    # Publishing the same figures again restates nothing more.
    again = publish(warehouse, analytics, run_id="run-3", now=datetime(2024, 5, 3, 2, 0))
    assert again.restatements == 0


@pytest.mark.parametrize(("setting", "reported"), [(None, "953.6 MiB"), ("512MB", "488.2 MiB")])
def test_warehouse_connections_cap_duckdb_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, reported: str
) -> None:
    # Uncapped, DuckDB takes up to 80 % of RAM; the cap (default 1 GB) makes it spill instead.
    from orchestration.load.warehouse import connect

    if setting is None:
        monkeypatch.delenv("CCHC_DUCKDB_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("CCHC_DUCKDB_MEMORY_LIMIT", setting)
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        (limit,) = con.execute("select current_setting('memory_limit')").fetchone()
    finally:
        con.close()
    assert limit == reported
