"""marts.period_accounting built by dbt on the fixture of tests/support/dossier_fixture.py.

Every expected number is worked out by hand in the comments, from marts.md's accounting:
received = received date in the period; carried_over = received before the start and not
closed before it; resolved = status 9/10 finished in the period (early < due, on time = due
day or no due date, late > due); withdrawn = status 7/8 closed in the period (finished date,
else the update date); pending = to_process − resolved − withdrawn, overdue when the due
date is before the period's end.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import contract
from orchestration.settings import DBT_MANIFEST
from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, run_dbt
from tests.support.dossier_fixture import query

COUNTS = contract.accounting_counts()  # the contract's counts (dbt's manifest)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("accounting")
    return build_warehouse(tmp, fx.raw_frames(), select="+period_accounting")


def counts(warehouse: Path, calendar: str, grain: str, key: str) -> dict[tuple[str, str], dict]:
    frame = query(
        warehouse,
        f"select * from marts.period_accounting where calendar = '{calendar}' "
        f"and grain = '{grain}' and period_key = '{key}'",
    )
    return {
        (row["scope_type"], row["scope_code"]): {c: int(row[c]) for c in COUNTS}
        for row in frame.to_dict("records")
    }


def expect(**values: int) -> dict[str, int]:
    """A row of counts, zero where not given. The identities between them (to_process =
    received + carried_over = resolved + withdrawn + pending, …) are dbt's test
    assert_period_accounting_balances, written once there:
    test_the_accounting_identities_are_dbt_s_test."""
    row = dict.fromkeys(COUNTS, 0)
    row.update(values)
    return row


def test_the_accounting_identities_are_dbt_s_test(warehouse: Path, tmp_path: Path) -> None:
    # The identities are a data test of period_accounting in the manifest, and it passes
    # on this fixture; Python does not derive them again.
    manifest = json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))
    test = manifest["nodes"]["test.cchc.assert_period_accounting_balances"]
    assert "model.cchc.period_accounting" in test["depends_on"]["nodes"]
    # A copy (with its write-ahead log), so dbt's connection never holds the shared file.
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():
        shutil.copy(wal, copy.with_name(copy.name + ".wal"))
    run_dbt(copy, ["test", "--select", "assert_period_accounting_balances"], tmp_path)


def test_counted_dossiers_and_periods(warehouse: Path) -> None:
    # 14 dossiers delivered; D10 (latest status 3) and D12 (status 1) are out.
    dossiers = query(warehouse, "select dossier_code from intermediate.int_dossiers_latest")
    assert sorted(dossiers["dossier_code"]) == sorted(
        ["D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D11", "D13", "D14"]
    )
    # From the period of 20/12/2023 (D14 received) to the period of 28/03/2024 (D11 update).
    periods = query(
        warehouse,
        "select calendar, period_key, period_start, period_end from intermediate.int_periods "
        "where grain = 'month' order by calendar, period_start",
    )
    by_calendar = periods.groupby("calendar")["period_key"].apply(list).to_dict()
    assert by_calendar["calendar"] == ["2023-12", "2024-01", "2024-02", "2024-03"]
    # Official 2024-01 = 15/12/2023–14/01/2024 … 2024-04 = 15/03–14/04 (28/03 is in 2024-04).
    assert by_calendar["official"] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    march = periods[(periods.calendar == "official") & (periods.period_key == "2024-03")]
    assert str(march.period_start.iloc[0])[:10] == "2024-02-15"
    assert str(march.period_end.iloc[0])[:10] == "2024-03-14"


def test_every_scope_every_period_zero_filled(warehouse: Path) -> None:
    frame = query(warehouse, "select * from marts.period_accounting")
    # periods: calendar 4 months + 2 quarters (2023-Q4, 2024-Q1) + 2 halves + 2 years = 10;
    # official 4 months + 2 quarters (2024-Q1, 2024-Q2) + 1 half (2024-H1) + 1 year = 8.
    # scopes: 1 province + 3 levels + 3 agencies = 7.  (10 + 8) × 7 = 126 rows.
    assert len(frame) == 126
    assert not frame.duplicated(
        ["calendar", "grain", "period_key", "scope_type", "scope_code"]
    ).any()
    # The commune received nothing in December 2023: a row of zeros.
    x1_december = counts(warehouse, "calendar", "month", "2023-12")[("agency", fx.X1)]
    assert x1_december == expect()


def test_calendar_month_march(warehouse: Path) -> None:
    got = counts(warehouse, "calendar", "month", "2024-03")  # 01/03 … 31/03
    t1 = expect(
        received=4,  # D01 (14/03), D02 (15/03), D05, D11
        received_online=3,  # D01, D05, D11
        received_offline=1,  # D02
        carried_over=2,  # D03 (recv 20/02, done 10/03), D04 (recv 10/02, done 01/03 = start)
        to_process=6,  # 4 + 2
        resolved=5,  # D01, D02, D03, D04, D11
        resolved_early=1,  # D01: 18/03 < 20/03
        resolved_on_time=2,  # D02: done on the due day; D04: no due date
        resolved_late=2,  # D03: 10/03 > 05/03; D11: 28/03 > 26/03
        withdrawn=1,  # D05: no done date, closes on its update date 20/03
        pending=0,  # 6 − 5 − 1
    )
    h1 = expect(
        received=2,  # D06, D08
        received_online=2,
        carried_over=2,  # D07 (recv 20/01, open), D13 (recv 25/02, stopped 12/03)
        to_process=4,
        withdrawn=1,  # D13: stopped, closes on its done date 12/03 (not the update 22/03)
        pending=3,  # 4 − 0 − 1: D06, D07, D08
        pending_in_time=2,  # D07 (due 30/04 ≥ 31/03), D08 (no due date)
        pending_overdue=1,  # D06: due 20/03 < 31/03
    )
    x1 = expect(received=1, received_offline=1, to_process=1, resolved=1, resolved_on_time=1)
    province = expect(
        received=7,  # 4 + 2 + 1
        received_online=5,  # 3 + 2 + 0
        received_offline=2,  # 1 + 0 + 1
        carried_over=4,  # 2 + 2
        to_process=11,
        resolved=6,  # 5 + 0 + 1
        resolved_early=1,
        resolved_on_time=3,  # 2 + 0 + 1
        resolved_late=2,
        withdrawn=2,  # 1 + 1
        pending=3,
        pending_in_time=2,
        pending_overdue=1,
    )
    assert got[("agency", fx.T1)] == t1
    assert got[("agency", fx.H1)] == h1
    assert got[("agency", fx.X1)] == x1
    assert got[("level", "tinh")] == t1
    assert got[("level", "huyen")] == h1
    assert got[("level", "xa")] == x1
    assert got[("province", fx.PROVINCE)] == province


def test_official_month_march(warehouse: Path) -> None:
    got = counts(warehouse, "official", "month", "2024-03")  # 15/02 … 14/03
    t1 = expect(
        received=3,  # D01 (14/03 is the last day), D03 (20/02), D05; D02 (15/03) is April's
        received_online=2,  # D01, D05
        received_offline=1,  # D03 (postal)
        carried_over=1,  # D04 (recv 10/02 < 15/02, done 01/03)
        to_process=4,
        resolved=2,  # D03 (10/03), D04 (01/03); D01 finishes 18/03, after the end
        resolved_on_time=1,  # D04 (no due date)
        resolved_late=1,  # D03
        pending=2,  # 4 − 2 − 0: D01, D05 (withdrawn 20/03, after the end)
        pending_in_time=2,  # due 20/03 and 15/03, both ≥ 14/03
    )
    h1 = expect(
        received=2,  # D06 (10/03), D13 (25/02); D08 (20/03) is April's
        received_online=1,  # D06
        received_offline=1,  # D13
        carried_over=1,  # D07
        to_process=3,
        withdrawn=1,  # D13 (12/03)
        pending=2,  # D06, D07
        pending_in_time=2,  # D06 due 20/03 ≥ 14/03 (overdue in the calendar month), D07
    )
    x1 = expect(received=1, received_offline=1, to_process=1, resolved=1, resolved_on_time=1)
    assert got[("agency", fx.T1)] == t1
    assert got[("agency", fx.H1)] == h1
    assert got[("agency", fx.X1)] == x1
    assert got[("province", fx.PROVINCE)] == expect(
        received=6,  # 3 + 2 + 1
        received_online=3,
        received_offline=3,
        carried_over=2,
        to_process=8,
        resolved=3,  # 2 + 0 + 1
        resolved_on_time=2,
        resolved_late=1,
        withdrawn=1,
        pending=4,  # 2 + 2
        pending_in_time=4,
    )


def test_calendar_quarter_one(warehouse: Path) -> None:
    got = counts(warehouse, "calendar", "quarter", "2024-Q1")  # 01/01 … 31/03
    t1 = expect(
        received=6,  # D01, D02, D03, D04, D05, D11
        received_online=3,  # D01, D05, D11
        received_offline=3,  # D02, D03, D04
        carried_over=1,  # D14: received 20/12/2023, done 05/01
        to_process=7,
        resolved=6,  # D01, D02, D03, D04, D11, D14
        resolved_early=2,  # D01; D14 (05/01 < 10/01)
        resolved_on_time=2,  # D02, D04
        resolved_late=2,  # D03, D11
        withdrawn=1,  # D05
        pending=0,
    )
    h1 = expect(
        received=4,  # D06, D07, D08, D13
        received_online=2,
        received_offline=2,
        to_process=4,
        withdrawn=1,  # D13
        pending=3,
        pending_in_time=2,  # D07, D08
        pending_overdue=1,  # D06
    )
    assert got[("agency", fx.T1)] == t1
    assert got[("agency", fx.H1)] == h1
    assert got[("province", fx.PROVINCE)] == expect(
        received=11,  # 6 + 4 + 1
        received_online=5,
        received_offline=6,  # 3 + 2 + 1
        carried_over=1,
        to_process=12,
        resolved=7,  # 6 + 0 + 1
        resolved_early=2,
        resolved_on_time=3,
        resolved_late=2,
        withdrawn=2,
        pending=3,
        pending_in_time=2,
        pending_overdue=1,
    )


def test_official_quarter_one(warehouse: Path) -> None:
    got = counts(warehouse, "official", "quarter", "2024-Q1")  # 15/12/2023 … 14/03/2024
    t1 = expect(
        received=5,  # D14 (20/12/2023 ≥ 15/12: received, not carried over), D03, D04, D01, D05
        received_online=2,  # D01, D05
        received_offline=3,  # D14, D03, D04
        to_process=5,
        resolved=3,  # D14, D03, D04
        resolved_early=1,  # D14
        resolved_on_time=1,  # D04
        resolved_late=1,  # D03
        pending=2,  # D01, D05
        pending_in_time=2,
    )
    h1 = expect(
        received=3,  # D07 (20/01), D13 (25/02), D06 (10/03)
        received_online=1,
        received_offline=2,
        to_process=3,
        withdrawn=1,  # D13
        pending=2,  # D06, D07
        pending_in_time=2,
    )
    assert got[("agency", fx.T1)] == t1
    assert got[("agency", fx.H1)] == h1
    assert got[("province", fx.PROVINCE)] == expect(
        received=9,  # 5 + 3 + 1
        received_online=3,
        received_offline=6,
        to_process=9,
        resolved=4,  # 3 + 0 + 1
        resolved_early=1,
        resolved_on_time=2,
        resolved_late=1,
        withdrawn=1,
        pending=4,
        pending_in_time=4,
    )


def test_partitioned_run_replaces_only_its_periods(tmp_path: Path) -> None:
    """period_accounting is incremental. A nightly run (no vars) replaces the periods the
    new data can change; a backfill (rebuild_from/rebuild_to, a Dagster range of quarters)
    also replaces the periods overlapping its window, and keeps the others."""
    warehouse = build_warehouse(tmp_path, fx.raw_frames(), select="+period_accounting")
    # D07 (H1, open, received 20/01/2024) is resolved on 05/03/2024 in a later delivery.
    con = duckdb.connect(str(warehouse))
    con.execute(
        """
        insert into raw.dossier_versions
        select 'one_stop/2024-03-c.csv', 2, layout, dossier_code, procedure_code, agency_code,
               channel, service_level, received_at, due_at, timestamp '2024-03-05 10:00:00',
               returned_at, 10, is_digitized, is_reused, has_e_result, owes_fee, paid_online,
               rating, timestamp '2024-03-05 10:00:00'
        from raw.dossier_versions where dossier_code = 'D07'
        """
    )
    # As the loader does, the file's ledger row goes with its rows: the nightly build of the
    # (incremental) dossier models recomputes the dossiers of files processed since.
    con.execute(
        """
        insert into raw.file_ledger (file_path, source, sha256, layout, rows_read,
            rows_loaded, rows_quarantined, status, first_seen_at, processed_at)
        values ('one_stop/2024-03-c.csv', 'one_stop', 'c', 'A', 1, 1, 0, 'loaded',
            timestamp '2024-03-06 02:00:00', timestamp '2024-03-06 02:00:00')
        """
    )
    con.close()

    def h1_resolved(calendar: str, grain: str, key: str) -> int:
        return counts(warehouse, calendar, grain, key)[("agency", fx.H1)]["resolved"]

    # The nightly run (every model, as the nightly job: the window starts from the oldest
    # watermark of the per-period models): the periods ending on or after 20/01/2024 are
    # replaced.
    run_dbt(warehouse, ["run"], tmp_path)
    assert h1_resolved("calendar", "month", "2024-03") == 1
    assert h1_resolved("official", "year", "2024") == 1

    # A backfill with nothing new in the data (say, after a fix of the marts' logic): the
    # rows are made stale by hand, then the 2023-Q4 partition (15/09/2023 … 31/12/2023)
    # replaces only the periods overlapping its window.
    con = duckdb.connect(str(warehouse))
    con.execute("update marts.period_accounting set resolved = -1")
    con.close()
    window = {"rebuild_from": "2023-09-15", "rebuild_to": "2023-12-31"}
    backfill = ["run", "--select", "int_periods_to_rebuild period_accounting"]
    run_dbt(warehouse, backfill, tmp_path, window)
    assert h1_resolved("calendar", "month", "2024-03") == -1  # outside the window: kept
    assert h1_resolved("official", "year", "2024") == 1  # 15/12/2023 … overlaps: replaced
    assert h1_resolved("calendar", "month", "2023-12") == 0  # replaced
    # The 2024-Q1 partition: 15/12/2023 … 31/03/2024.
    window = {"rebuild_from": "2023-12-15", "rebuild_to": "2024-03-31"}
    run_dbt(warehouse, backfill, tmp_path, window)
    assert h1_resolved("calendar", "month", "2024-03") == 1
    assert h1_resolved("official", "month", "2024-03") == 1  # 05/03 ≤ 14/03
    frame = query(warehouse, "select * from marts.period_accounting")
    assert len(frame) == 126  # no period duplicated or lost
