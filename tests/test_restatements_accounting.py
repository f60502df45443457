"""Restatements cover period_accounting counts (the Biểu 06 figures reported upward), not
only service_rates: a late file that changes an ended quarter's count is recorded with its
old and new value when the marts are published again."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.publish import publish

QUARTERS = (
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
)


def _accounting(path: Path, counts: dict[str, tuple[int, int]]) -> None:
    """marts.period_accounting for the province: period_key → (received, resolved)."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.period_accounting (calendar varchar, grain varchar, "
        "period_key varchar, period_start date, period_end date, scope_type varchar, "
        "scope_code varchar, received bigint, resolved bigint, province_code varchar)"
    )
    for key, start, end in QUARTERS:
        received, resolved = counts[key]
        con.execute(
            "insert into marts.period_accounting values "
            "('calendar', 'quarter', ?, ?, ?, 'province', 'P', ?, ?, 'P')",
            [key, start, end, received, resolved],
        )
    con.close()


def test_late_file_changing_an_ended_quarter_restates_its_accounting_count(
    tmp_path: Path,
) -> None:
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _accounting(warehouse, {"2024-Q1": (20, 10), "2024-Q2": (5, 1)})
    # Published on 1 May 2024: Q1 had ended, Q2 was still in progress.
    publish(warehouse, analytics, run_id="run-1", now=datetime(2024, 5, 1, 2, 0))
    # A late file resolves one more Q1 dossier (received unchanged) and adds Q2 work.
    _accounting(warehouse, {"2024-Q1": (20, 11), "2024-Q2": (7, 2)})
    result = publish(warehouse, analytics, run_id="run-2", now=datetime(2024, 5, 2, 2, 0))
    assert result.restatements == 1
    con = duckdb.connect(str(analytics), read_only=True)
    rows = con.execute(
        "select mart, period_key, scope_type, scope_code, indicator, old_numerator, "
        "new_numerator, previously_published_at, run_id from marts.restatements"
    ).fetchall()
    con.close()
    assert rows == [
        (
            "period_accounting",
            "2024-Q1",
            "province",
            "P",
            "resolved",
            10.0,
            11.0,
            datetime(2024, 5, 1, 2, 0),
            "run-2",
        ),
    ]
    # Publishing the same figures again restates nothing more.
    again = publish(warehouse, analytics, run_id="run-3", now=datetime(2024, 5, 3, 2, 0))
    assert again.restatements == 0
