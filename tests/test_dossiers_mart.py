"""marts.dossiers reproduces the figures: for every calendar, grain, period and scope,
counting marts.dossiers with marts.md's accounting rules — written here again, in pandas,
independently of the SQL macros — gives every count of marts.period_accounting and every
dossier-based numerator, denominator and rate of marts.service_rates, exactly.

Checked over the bundled sample (the shared baseline `cchc run`, read from the published
analytics.duckdb) and over generated provinces (the hypothesis strategy of
test_dbt_invariants, one dbt build per example), plus the hand-made fixture for the
columns and lineage.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, create_raw_warehouse, run_dbt
from tests.support.dossier_fixture import query
from tests.test_dbt_invariants import empty_warehouse, raw_data

ACCOUNTING = [
    "received", "received_online", "received_offline", "carried_over", "to_process",
    "resolved", "resolved_early", "resolved_on_time", "resolved_late", "withdrawn",
    "pending", "pending_in_time", "pending_overdue",
]  # fmt: skip
# indicator → (numerator measure(s), denominator measure); numerators that are a sum or a
# difference of measures are spelled out in `_rate_parts`.
DOSSIER_INDICATORS = (
    "online_rate", "full_online_rate", "full_online_uptake_rate", "on_time_rate",
    "digitized_intake_rate", "e_result_rate", "reuse_rate", "online_payment_rate",
    "satisfaction_rate", "satisfaction_rate_766",
)  # fmt: skip
FIELD_GROUP_INDICATORS = ("satisfaction_rate", "satisfaction_rate_766")
KEYS = ["calendar", "grain", "period_key", "scope_type", "scope_code"]


def _flags(d: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One 0/1 column per measure and dossier for the period [start, end] (marts.md)."""
    received_date, closing, finished, due = (
        d.received_date,
        d.closing_date,
        d.finished_date,
        d.due_date,
    )
    in_window = (received_date <= end) & (closing.isna() | (closing >= start))
    received = (received_date >= start) & (received_date <= end)
    resolved = d.status.isin([9, 10]) & (finished >= start) & (finished <= end)
    pending = in_window & (closing.isna() | (closing > end))
    full = d.service_level == "full"
    online = d.channel == "online"
    f = {
        "received": received,
        "received_online": received & online,
        "received_offline": received & d.channel.isin(["in_person", "postal"]),
        "carried_over": in_window & (received_date < start),
        "to_process": in_window,
        "resolved": resolved,
        "resolved_early": resolved & due.notna() & (finished < due),
        "resolved_on_time": resolved & (due.isna() | (finished == due)),
        "resolved_late": resolved & due.notna() & (finished > due),
        "withdrawn": d.status.isin([7, 8]) & (closing >= start) & (closing <= end),
        "pending": pending,
        "pending_in_time": pending & (due.isna() | (due >= end)),
        "pending_overdue": pending & due.notna() & (due < end),
        "received_full": received & full,
        "received_online_full": received & online & full,
        "received_digitised": received & d.digitised,
        "received_reused": received & d.reused,
        "received_fee": received & d.fee_owed,
        "received_paid_online": received & d.fee_owed & d.paid_online,
        "resolved_e_result": resolved & d.e_result,
        "resolved_rated": resolved & d.rating.notna(),
        "resolved_satisfied": resolved & d.rating.isin(["very_satisfied", "satisfied"]),
        "resolved_dissatisfied": resolved & (d.rating == "dissatisfied"),
    }
    return pd.DataFrame({k: v.fillna(False).astype(np.int64) for k, v in f.items()})


def _rate_parts(c: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    return {
        "online_rate": (c.received_online, c.received),
        "full_online_rate": (c.received_online_full, c.received),
        "full_online_uptake_rate": (c.received_online_full, c.received_full),
        "on_time_rate": (c.resolved_early + c.resolved_on_time, c.resolved),
        "digitized_intake_rate": (c.received_digitised, c.received),
        "e_result_rate": (c.resolved_e_result, c.resolved),
        "reuse_rate": (c.received_reused, c.received),
        "online_payment_rate": (c.received_paid_online, c.received_fee),
        "satisfaction_rate": (c.resolved_satisfied, c.resolved_rated),
        "satisfaction_rate_766": (c.resolved - c.resolved_dissatisfied, c.resolved),
    }


def recompute(dossiers: pd.DataFrame, periods: pd.DataFrame, province: str) -> pd.DataFrame:
    """Counts per calendar, grain, period and scope from marts.dossiers alone.

    A dossier of an agency outside the catalogue (level NULL) belongs to no scope, as in
    the marts; field groups count the dossiers of their group, province-wide."""
    d = dossiers.copy()
    for column in ("received_date", "due_date", "finished_date", "closing_date"):
        d[column] = pd.to_datetime(d[column])
    in_catalogue = d.level.notna()
    scopes = {
        "province": pd.Series(np.where(in_catalogue, province, None), index=d.index),
        "level": d.level,
        "agency": d.agency_code.where(in_catalogue),
        "field_group": d.field_group,
    }
    frames = []
    for period in periods.itertuples(index=False):
        flags = _flags(d, pd.Timestamp(period.period_start), pd.Timestamp(period.period_end))
        for scope_type, code in scopes.items():
            counts = flags[code.notna()].groupby(code[code.notna()]).sum()
            counts = counts.rename_axis("scope_code").reset_index()
            counts.insert(0, "scope_type", scope_type)
            counts.insert(0, "period_key", period.period_key)
            counts.insert(0, "grain", period.grain)
            counts.insert(0, "calendar", period.calendar)
            frames.append(counts)
    return pd.concat(frames, ignore_index=True)


def assert_reproduced(accounting: pd.DataFrame, rates: pd.DataFrame, dossiers: pd.DataFrame):
    provinces = accounting.loc[accounting.scope_type == "province", "scope_code"].unique()
    assert len(provinces) == 1
    periods = accounting[["calendar", "grain", "period_key", "period_start", "period_end"]]
    counts = recompute(dossiers, periods.drop_duplicates(), provinces[0])
    counts = counts.set_index(KEYS)

    # every count of period_accounting (scopes with no dossier: zeros)
    got = accounting.set_index(KEYS)[ACCOUNTING].astype(np.int64)
    expected = counts[ACCOUNTING].reindex(got.index, fill_value=0)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(), check_dtype=False)
    assert set(counts.index[counts.index.get_level_values("scope_type") != "field_group"]) <= set(
        got.index
    ), "marts.dossiers counts a scope or period absent from period_accounting"

    # every dossier-based numerator, denominator and rate of service_rates
    dossier_rates = rates[
        rates.indicator.isin(DOSSIER_INDICATORS)
        & ((rates.scope_type != "field_group") | rates.indicator.isin(FIELD_GROUP_INDICATORS))
    ]
    assert len(dossier_rates) > 0
    for indicator, frame in dossier_rates.groupby("indicator"):
        frame = frame.set_index(KEYS).sort_index()
        aligned = counts.reindex(frame.index, fill_value=0)
        numerator, denominator = _rate_parts(aligned)[indicator]
        assert (frame.numerator == numerator.astype(float)).all(), indicator
        assert (frame.denominator == denominator).all(), indicator
        rate = (numerator / denominator.where(denominator > 0)).astype(float)
        assert ((frame.rate == rate) | (frame.rate.isna() & rate.isna())).all(), indicator


def test_sample_figures_are_reproduced_from_marts_dossiers(shared_baseline) -> None:
    con = duckdb.connect(str(shared_baseline.get().analytics), read_only=True)
    try:
        dossiers = con.execute("select * from marts.dossiers").df()
        accounting = con.execute("select * from marts.period_accounting").df()
        rates = con.execute("select * from marts.service_rates").df()
    finally:
        con.close()
    assert len(dossiers) > 1000
    assert_reproduced(accounting, rates, dossiers)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    database=None,
)
@given(raw=raw_data())
def test_generated_provinces_are_reproduced_from_marts_dossiers(
    raw: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    empty_warehouse(warehouse)
    create_raw_warehouse(warehouse, raw)
    run_dbt(warehouse, ["seed"], tmp_path)
    run_dbt(
        warehouse,
        [
            "build",
            "--select",
            "+service_rates period_accounting dossiers",
            "--exclude",
            "test_type:generic",
            "--exclude-resource-type",
            "unit_test",
        ],
        tmp_path,
    )
    dossiers = query(warehouse, "select * from marts.dossiers")
    accounting = query(warehouse, "select * from marts.period_accounting")
    if accounting.empty:  # every dossier refused or not yet received, no ticket
        assert dossiers.empty
        return
    assert_reproduced(accounting, query(warehouse, "select * from marts.service_rates"), dossiers)


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("dossiers")
    return build_warehouse(
        tmp, fx.raw_frames(), select="+pending_alerts +service_rates period_accounting +file_ledger"
    )


def test_one_row_per_counted_dossier_with_the_contract_columns(fixture_warehouse: Path) -> None:
    dossiers = query(fixture_warehouse, "select * from marts.dossiers order by dossier_code")
    # exactly the contract's columns: no name, identity number, address, phone or e-mail
    assert list(dossiers.columns) == [
        "dossier_code", "agency_code", "level", "procedure_code", "field_name", "field_group",
        "received_date", "due_date", "finished_date", "closing_date", "status", "channel",
        "service_level", "digitised", "e_result", "reused", "fee_owed", "paid_online",
        "rating", "updated_at", "file_path", "row_number",
    ]  # fmt: skip
    # 12 counted: D10 (refused) and D12 (not yet received) are out
    assert list(dossiers.dossier_code) == [
        "D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D11", "D13", "D14",
    ]  # fmt: skip


def test_lineage_points_at_the_row_of_the_version_used(fixture_warehouse: Path) -> None:
    raw = fx.raw_frames()["dossier_versions"]
    dossiers = query(fixture_warehouse, "select * from marts.dossiers")
    # D11: status 4 in file a, then status 9 in file b — the later update is the one used
    d11 = dossiers.set_index("dossier_code").loc["D11"]
    assert (d11.file_path, d11.status) == ("one_stop/2024-03-b.csv", 9)
    # every dossier's lineage names a delivered row with the same code, status and update time
    joined = dossiers.merge(raw, on=["file_path", "row_number"], suffixes=("", "_raw"))
    assert len(joined) == len(dossiers)
    assert (joined.dossier_code == joined.dossier_code_raw).all()
    assert (joined.status == joined.status_raw.astype(int)).all()
    assert (joined.updated_at == joined.updated_at_raw).all()
    # D05: withdrawn without a finished date closes on its update date (as in the accounting)
    d05 = dossiers.set_index("dossier_code").loc["D05"]
    assert pd.isna(d05.finished_date) and str(d05.closing_date)[:10] == "2024-03-20"


def test_fixture_figures_are_reproduced(fixture_warehouse: Path) -> None:
    assert_reproduced(
        query(fixture_warehouse, "select * from marts.period_accounting"),
        query(fixture_warehouse, "select * from marts.service_rates"),
        query(fixture_warehouse, "select * from marts.dossiers"),
    )


def test_report_late_dossier_section_is_reproduced(fixture_warehouse: Path) -> None:
    """The quarterly report's late-resolved list and pending-overdue counts, computed from
    marts.dossiers, equal period_accounting's resolved_late and pending_overdue per agency."""
    from orchestration.reports.late_dossiers import late_dossier_figures

    accounting = query(
        fixture_warehouse,
        "select * from marts.period_accounting where scope_type = 'agency' and grain = 'quarter'",
    )
    con = duckdb.connect(str(fixture_warehouse))
    try:
        for (calendar, key), rows in accounting.groupby(["calendar", "period_key"]):
            _, _, late, pending = late_dossier_figures(con, key, calendar)
            for row in rows.itertuples():
                assert sum(1 for r in late if r[0] == row.scope_code) == row.resolved_late
                assert pending.get(row.scope_code, 0) == row.pending_overdue
    finally:
        con.close()
    # D03: due 05/03, finished 10/03 — late in calendar 2024-Q1, with its file and row
    con = duckdb.connect(str(fixture_warehouse))
    try:
        _, _, late, _ = late_dossier_figures(con, "2024-Q1", "calendar")
    finally:
        con.close()
    assert [(r[1], r[7], r[8]) for r in late] == [
        ("D03", "one_stop/2024-03-a.csv", 4),
        ("D11", "one_stop/2024-03-b.csv", 2),
    ]


def test_the_guide_explains_a_figure_with_queries_that_run(fixture_warehouse: Path) -> None:
    """docs/analyst-guide.md "Explain a figure": every ```sql explain block runs on a dbt-built
    warehouse; the dossier list of block 2 gives the on-time rate of block 1."""
    import re

    from orchestration.settings import PROJECT_ROOT

    guide = (PROJECT_ROOT / "docs" / "analyst-guide.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sql explain\n(.*?)^```", guide, re.S | re.M)
    assert len(blocks) == 5
    results = [query(fixture_warehouse, sql) for sql in blocks]
    assert all(len(r.columns) for r in results)
    rate, dossiers = results[0].iloc[0], results[1]
    assert len(dossiers) == rate.denominator > 0
    assert dossiers.in_numerator.sum() == rate.numerator
    assert results[3].file_path.tolist() == ["one_stop/2024-03-b.csv"]
