"""A nightly build (no rebuild_from/rebuild_to) after a late delivery equals a from-scratch
build on both deliveries, table by table (issue 10 item 3).

Delivery 1 is the March 2024 fixture. Delivery 2 arrives in July 2024: new dossiers of
2024-Q3 and re-exports of dossiers of 2024-Q1, two quarters earlier (D12 now resolved in
March, D07 resolved in July), which change figures of ended quarters.

The nightly build takes the incremental branch of int_dossier_versions_latest and
int_dossiers_latest (docs/decisions.md, "Incremental dossiers"): as the loader does, each
delivery writes its ledger rows (processed_at), and only the dossiers of the late file are
recomputed; the others keep the watermark of the first build. The per-period models
rebuild only the periods the data can change (docs/decisions.md, "Rebuild window from the
data"): from the quarter of the late file's earliest date, and after a one-day night
(delivery 3, a dossier received that day) only the periods ending on or after that day.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd

from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, query, run_dbt

LATE = "one_stop/2024-07-a.csv"
ONE_DAY = "one_stop/2024-07-12-a.csv"
FIRST_PROCESSED, LATE_PROCESSED = fx.ts("2024-03-31", "02:00:00"), fx.ts("2024-07-11", "02:00:00")
ONE_DAY_PROCESSED = fx.ts("2024-07-13", "02:00:00")
# Columns that say when a row was computed, not what it holds (a full build dates every
# row of the incremental models with the latest processed_at).
WATERMARK = "built_through"
# Tables of the build's own state, not of the data: the change log and the per-period
# models' watermarks (a history of runs, longer in the nightly warehouse), and the periods
# the last run rebuilt (every period in a full build).
BUILD_STATE = {"int_period_changes", "int_period_watermarks", "int_periods_to_rebuild"}
PERIOD_MODELS = {
    "int_agency_period_counts",
    "int_field_group_period_counts",
    "int_scope_period_counts",
    "int_scope_period_online_usage",
    "period_accounting",
    "service_rates",
    "national_rates",
    "national_accounting",
    "province_ranking",
}


def _ledger(raw: dict[str, pd.DataFrame], processed_at: object) -> pd.DataFrame:
    """Ledger rows of the files of ``raw``, as the loader writes them (one per file)."""
    rows = []
    for table, frame in raw.items():
        source = "reference" if table in ("agencies", "procedures") else table
        source = {"dossier_versions": "one_stop", "queue_tickets": "queue"}.get(source, source)
        for path, count in frame.groupby("file_path").size().items():
            rows.append(
                {
                    "file_path": path,
                    "source": source,
                    "sha256": f"sha-{path}",
                    "layout": "A",
                    "rows_read": int(count),
                    "rows_loaded": int(count),
                    "rows_quarantined": 0,
                    "status": "loaded",
                    "first_seen_at": processed_at,
                    "processed_at": processed_at,
                }
            )
    return pd.DataFrame(rows)


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


def _delivery_3() -> pd.DataFrame:
    """A one-day night: one new dossier, received on 12/07/2024 and still open."""
    version = fx.dossier_versions().set_index("dossier_code").loc[["D01"]].iloc[-1].to_dict()
    version.update(
        dossier_code="D23",
        file_path=ONE_DAY,
        row_number=2,
        status=4,
        received_at=fx.ts("2024-07-12", "09:30:00"),
        due_at=fx.ts("2024-07-20", "17:00:00"),
        completed_at=pd.NaT,
        updated_at=fx.ts("2024-07-12", "16:00:00"),
        rating=None,
    )
    return pd.DataFrame([version])[fx.dossier_versions().columns]


def _deliver(warehouse: Path, versions: pd.DataFrame, processed_at: object) -> None:
    """A delivery as the loader writes it: its rows and its ledger row."""
    con = duckdb.connect(str(warehouse))
    try:
        con.register("incoming", versions)
        columns = ", ".join(versions.columns)
        con.execute(f"insert into raw.dossier_versions ({columns}) select * from incoming")
        con.register("incoming_ledger", _ledger({"dossier_versions": versions}, processed_at))
        con.execute("insert into raw.file_ledger by name select * from incoming_ledger")
    finally:
        con.close()


def _rebuilt_periods(warehouse: Path) -> set[tuple[str, str, str]]:
    frame = query(warehouse, "select * from intermediate.int_periods_to_rebuild")
    return set(zip(frame.calendar, frame.grain, frame.period_key, strict=True))


def _periods_ending_from(warehouse: Path, day: str) -> set[tuple[str, str, str]]:
    frame = query(
        warehouse,
        f"select * from intermediate.int_periods where period_end >= date '{day}'",
    )
    return set(zip(frame.calendar, frame.grain, frame.period_key, strict=True))


def _watermarks(warehouse: Path) -> dict[str, object]:
    """Each per-period model's latest watermark (int_period_watermarks)."""
    frame = query(
        warehouse,
        "select model_name, max(changes_through) as changes_through "
        "from intermediate.int_period_watermarks group by model_name",
    )
    return dict(zip(frame.model_name, frame.changes_through, strict=True))


def _province_q1(accounting: pd.DataFrame) -> pd.Series:
    rows = accounting[
        (accounting.calendar == "calendar")
        & (accounting.grain == "quarter")
        & (accounting.period_key == "2024-Q1")
        & (accounting.scope_type == "province")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def _tables(warehouse: Path, schema: str = "marts") -> dict[str, pd.DataFrame]:
    """Every table of ``schema``, sorted, without the watermark columns."""
    con = duckdb.connect(str(warehouse))
    try:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? order by table_name",
                [schema],
            ).fetchall()
        ]
        tables = {}
        for name in names:
            if name in BUILD_STATE:
                continue
            frame = con.execute(f"select * from {schema}.{name}").df()
            frame = frame.drop(columns=[c for c in frame.columns if c == WATERMARK])
            tables[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return tables
    finally:
        con.close()


def _mart_tables(warehouse: Path) -> dict[str, pd.DataFrame]:
    return _tables(warehouse, "marts")


def _assert_same_tables(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert sorted(got) == sorted(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(got[name], frame, obj=name)


def test_nightly_after_late_delivery_equals_full_rebuild(tmp_path: Path) -> None:
    nightly_dir, full_dir, refresh_dir, full_3_dir = (
        tmp_path / "nightly",
        tmp_path / "full",
        tmp_path / "refresh",
        tmp_path / "full-3",
    )
    for folder in (nightly_dir, full_dir, refresh_dir, full_3_dir):
        folder.mkdir()
    late = _delivery_2()

    first = {**fx.raw_frames()}
    first["file_ledger"] = _ledger(fx.raw_frames(), FIRST_PROCESSED)
    nightly = build_warehouse(nightly_dir, first)
    assert _watermarks(nightly) == dict.fromkeys(PERIOD_MODELS, FIRST_PROCESSED)
    before = _province_q1(_mart_tables(nightly)["period_accounting"])
    _deliver(nightly, late, LATE_PROCESSED)
    run_dbt(nightly, ["build", "--exclude-resource-type", "unit_test"], nightly_dir)

    # The window: the late file's earliest date is D07's received date, 20/01/2024 (its
    # replaced version and its new one share it; D12 03/03, D21/D22 in July). Every period
    # ending on or after it was rebuilt, none before: two quarters back, from 2024-Q1.
    changes = query(
        nightly,
        "select change, dossier_code, earliest_date from intermediate.int_period_changes "
        f"where built_through = timestamp '{LATE_PROCESSED}' and dossier_code is not null",
    )
    assert dict(zip(changes.dossier_code, changes.earliest_date.astype(str), strict=True)) == {
        "D07": "2024-01-20",
        "D12": "2024-03-03",
        "D21": "2024-07-02",
        "D22": "2024-07-08",
    }
    rebuilt = _rebuilt_periods(nightly)
    assert rebuilt == _periods_ending_from(nightly, "2024-01-20")
    assert {
        key for calendar, grain, key in rebuilt if (calendar, grain) == ("calendar", "quarter")
    } == {
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
    }
    assert ("calendar", "month", "2023-12") not in rebuilt
    assert ("official", "quarter", "2024-Q1") in rebuilt  # 15/12/2023 … 14/03/2024
    assert _watermarks(nightly) == dict.fromkeys(PERIOD_MODELS, LATE_PROCESSED)

    # The incremental branch was taken: only the late file's dossiers were recomputed (they
    # carry the late watermark); every other dossier kept the first build's rows.
    marks = query(
        nightly,
        "select dossier_code, built_through from intermediate.int_dossier_versions_latest",
    )
    recomputed = set(marks[marks.built_through == LATE_PROCESSED].dossier_code)
    assert recomputed == set(late.dossier_code)
    assert (marks[~marks.dossier_code.isin(recomputed)].built_through == FIRST_PROCESSED).all()
    counted = query(
        nightly, "select dossier_code, built_through from intermediate.int_dossiers_latest"
    )
    assert set(counted[counted.built_through == LATE_PROCESSED].dossier_code) == recomputed
    assert len(counted[counted.built_through == FIRST_PROCESSED]) > 0

    both = fx.raw_frames()
    both["dossier_versions"] = pd.concat([both["dossier_versions"], late], ignore_index=True)
    both["file_ledger"] = pd.concat(
        [first["file_ledger"], _ledger({"dossier_versions": late}, LATE_PROCESSED)],
        ignore_index=True,
    )
    full = build_warehouse(full_dir, both)

    nightly_tables, full_tables = _mart_tables(nightly), _mart_tables(full)
    assert "period_accounting" in full_tables and "service_rates" in full_tables
    _assert_same_tables(nightly_tables, full_tables)
    _assert_same_tables(_tables(nightly, "intermediate"), _tables(full, "intermediate"))

    # --full-refresh of the nightly warehouse itself gives the same rows again.
    refreshed = refresh_dir / "warehouse.duckdb"
    shutil.copy(nightly, refreshed)
    run_dbt(
        refreshed,
        ["build", "--full-refresh", "--exclude-resource-type", "unit_test"],
        refresh_dir,
    )
    _assert_same_tables(_mart_tables(refreshed), full_tables)
    _assert_same_tables(_tables(refreshed, "intermediate"), _tables(full, "intermediate"))

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

    # A one-day night: only the periods ending on or after 12/07/2024 are rebuilt (the
    # month, quarter, half-year and year holding it, in both calendars), and the warehouse
    # still equals a full rebuild on the three deliveries.
    one_day = _delivery_3()
    _deliver(nightly, one_day, ONE_DAY_PROCESSED)
    run_dbt(nightly, ["build", "--exclude-resource-type", "unit_test"], nightly_dir)
    rebuilt = _rebuilt_periods(nightly)
    assert rebuilt == _periods_ending_from(nightly, "2024-07-12")
    assert rebuilt == {
        (calendar, grain, key)
        for calendar in ("calendar", "official")
        for grain, key in (
            ("month", "2024-07"),
            ("quarter", "2024-Q3"),
            ("half_year", "2024-H2"),
            ("year", "2024"),
        )
    }
    assert _watermarks(nightly) == dict.fromkeys(PERIOD_MODELS, ONE_DAY_PROCESSED)
    three = {**both}
    three["dossier_versions"] = pd.concat([both["dossier_versions"], one_day], ignore_index=True)
    three["file_ledger"] = pd.concat(
        [both["file_ledger"], _ledger({"dossier_versions": one_day}, ONE_DAY_PROCESSED)],
        ignore_index=True,
    )
    full_3 = build_warehouse(full_3_dir, three)
    _assert_same_tables(_mart_tables(nightly), _mart_tables(full_3))
    _assert_same_tables(_tables(nightly, "intermediate"), _tables(full_3, "intermediate"))
