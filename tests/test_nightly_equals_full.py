"""A nightly build (no rebuild_from/rebuild_to) after a late delivery equals a from-scratch
build on both deliveries, table by table (issue 10 item 3).

Delivery 1 is the March 2024 fixture. Delivery 2 arrives in July 2024: new dossiers of
2024-Q3 and re-exports of dossiers of 2024-Q1, two quarters earlier (D12 now resolved in
March, D07 resolved in July), which change figures of ended quarters.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, run_dbt

LATE = "one_stop/2024-07-a.csv"


def _delivery_2() -> pd.DataFrame:
    first = fx.dossier_versions().set_index("dossier_code")
    rows = []
    # Re-exports of Q1 dossiers: D12 (received 3 Mar) resolved 20 Mar; D07 resolved 5 Jul.
    for row, (dossier, completed) in enumerate((("D12", "2024-03-20"), ("D07", "2024-07-05"))):
        version = first.loc[[dossier]].iloc[-1].to_dict()
        version.update(
            dossier_code=dossier,
            file_path=LATE,
            row_number=row + 2,
            status=10,
            completed_at=fx.ts(completed, "15:00:00"),
            updated_at=fx.ts(completed, "16:00:00"),
        )
        rows.append(version)
    # New dossiers of 2024-Q3.
    template = first.loc[["D01"]].iloc[-1].to_dict()
    for row, (dossier, received) in enumerate((("D21", "2024-07-02"), ("D22", "2024-07-08"))):
        version = dict(template)
        version.update(
            dossier_code=dossier,
            file_path=LATE,
            row_number=row + 4,
            received_at=fx.ts(received, "09:30:00"),
            due_at=fx.ts("2024-07-15", "17:00:00"),
            completed_at=fx.ts("2024-07-10", "15:00:00"),
            updated_at=fx.ts("2024-07-10"),
        )
        rows.append(version)
    return pd.DataFrame(rows)[fx.dossier_versions().columns]


def _province_q1(accounting: pd.DataFrame) -> pd.Series:
    rows = accounting[
        (accounting.calendar == "calendar")
        & (accounting.grain == "quarter")
        & (accounting.period_key == "2024-Q1")
        & (accounting.scope_type == "province")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def _mart_tables(warehouse: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(warehouse))
    try:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        tables = {}
        for name in names:
            frame = con.execute(f"select * from marts.{name}").df()
            tables[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return tables
    finally:
        con.close()


def test_nightly_after_late_delivery_equals_full_rebuild(tmp_path: Path) -> None:
    nightly_dir, full_dir = tmp_path / "nightly", tmp_path / "full"
    nightly_dir.mkdir()
    full_dir.mkdir()
    late = _delivery_2()

    nightly = build_warehouse(nightly_dir, fx.raw_frames())
    before = _province_q1(_mart_tables(nightly)["period_accounting"])
    con = duckdb.connect(str(nightly))
    con.register("late", late)
    con.execute(f"insert into raw.dossier_versions ({', '.join(late.columns)}) select * from late")
    con.close()
    run_dbt(nightly, ["build", "--exclude-resource-type", "unit_test"], nightly_dir)

    both = fx.raw_frames()
    both["dossier_versions"] = pd.concat([both["dossier_versions"], late], ignore_index=True)
    full = build_warehouse(full_dir, both)

    nightly_tables, full_tables = _mart_tables(nightly), _mart_tables(full)
    assert sorted(nightly_tables) == sorted(full_tables)
    assert "period_accounting" in full_tables and "service_rates" in full_tables
    for name, expected in full_tables.items():
        pd.testing.assert_frame_equal(nightly_tables[name], expected, obj=f"marts.{name}")

    # The late file did change an ended quarter: D12 (status 1, not counted before) is now
    # received and resolved in 2024-Q1, so the nightly build really restated it.
    accounting = nightly_tables["period_accounting"]
    after = _province_q1(accounting)
    assert (after.received, after.resolved) == (before.received + 1, before.resolved + 1)
    province = accounting[(accounting.scope_type == "province") & (accounting.grain == "quarter")]
    assert set(province.calendar) >= {"calendar", "official"}
    # Official quarters sum to their year (received and resolved are flows).
    yearly = accounting[(accounting.scope_type == "province") & (accounting.grain == "year")]
    for calendar in ("calendar", "official"):
        quarters = province[province.calendar == calendar]
        years = yearly[yearly.calendar == calendar]
        assert len(years) > 0, calendar
        for year in years.itertuples():
            inside = quarters[
                (quarters.period_start >= year.period_start)
                & (quarters.period_end <= year.period_end)
            ]
            assert inside.received.sum() == year.received, (calendar, year.period_key)
            assert inside.resolved.sum() == year.resolved, (calendar, year.period_key)
