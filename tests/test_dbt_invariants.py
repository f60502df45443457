"""Property tests: random small dossier sets through one dbt build each, then the invariants
of marts.md checked for every period and scope, and the accounting of every agency checked
against an independent Python implementation of the same rules.

Each example is one dbt build (models + the singular data tests) of the period marts'
lineage into the same DuckDB path and target directory, so that dbt's partial parsing is
reused and an example costs a few seconds. The path is emptied, not deleted, between
examples: dbt-duckdb keeps the database instance open in this process, and a new file at
the same path would be shadowed by it. Examples are derandomised (the same in every run)
and not shrunk (a shrink would rebuild dozens of warehouses): a failure prints the raw data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from orchestration.load.ddl import RAW_SCHEMA, RAW_TABLES
from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import create_raw_warehouse, run_dbt
from tests.support.dossier_fixture import query

T2 = "000.00.02.T01"  # a second provincial department: the tinh level sums two agencies
P5 = "1.0005"
AGENCY_LEVEL = {fx.T1: "tinh", T2: "tinh", fx.H1: "huyen", fx.X1: "xa"}
COUNTS = [
    "received", "received_online", "received_offline", "carried_over", "to_process",
    "resolved", "resolved_early", "resolved_on_time", "resolved_late", "withdrawn",
    "pending", "pending_in_time", "pending_overdue",
]  # fmt: skip
FIRST_DAY = dt.date(2023, 11, 20)
# Days where periods of either calendar start or end: dates are drawn near them often, so
# that the boundary comparisons (<, ≤) of the accounting are exercised.
BOUNDARY_DAYS = sorted(
    {
        day
        for month_start in pd.date_range("2023-11-01", "2024-05-01", freq="MS").date
        for day in (
            month_start,
            month_start - dt.timedelta(days=1),
            month_start.replace(day=14),
            month_start.replace(day=15),
        )
    }
)


def day_from(draw: st.DrawFn, earliest: dt.date, spread: int) -> dt.date:
    """A day on or after `earliest`: a period boundary half of the time."""
    boundaries = [d for d in BOUNDARY_DAYS if earliest <= d <= earliest + dt.timedelta(spread)]
    if boundaries and draw(st.booleans()):
        return draw(st.sampled_from(boundaries))
    return earliest + dt.timedelta(days=draw(st.integers(0, spread)))


def agencies() -> pd.DataFrame:
    frame = fx.agencies()
    extra = frame.iloc[[0]].assign(agency_code=T2, agency_name="Sở Tài chính", row_number=5)
    return pd.concat([frame, extra], ignore_index=True)


def procedures() -> pd.DataFrame:
    frame = fx.procedures()
    extra = frame.iloc[[0]].assign(
        procedure_code=P5,
        agency_code=T2,
        service_level="partial",
        field_group="thue",
        row_number=6,
    )
    return pd.concat([frame, extra], ignore_index=True)


@st.composite
def dossier(draw: st.DrawFn, index: int) -> list[dict]:
    """One dossier: its latest version, and sometimes an earlier version in an earlier file."""
    received = day_from(draw, FIRST_DAY, 150)
    status = draw(st.integers(1, 10))
    due = day_from(draw, received, 40) if draw(st.booleans()) else None
    completed = None
    if status in (9, 10) or (status in (7, 8) and draw(st.booleans())):
        # finished on the due day (on time, not early) a third of the time
        on_due_day = due is not None and draw(st.integers(0, 2)) == 0
        completed = due if on_due_day else day_from(draw, received, 60)
    updated = day_from(draw, max(received, completed or received), 20)
    latest = {
        "file_path": "one_stop/b.csv",
        "row_number": index + 2,
        "layout": "B",
        "dossier_code": f"D{index:03d}",
        "procedure_code": draw(st.sampled_from([fx.P1, fx.P2, fx.P3, fx.P4, P5, fx.PX])),
        "agency_code": draw(st.sampled_from(list(AGENCY_LEVEL))),
        "channel": draw(st.sampled_from(["in_person", "online", "postal"])),
        "service_level": draw(st.sampled_from([None, "full", "partial", "info"])),
        "received_at": dt.datetime.combine(received, dt.time(9, 0)),
        "due_at": dt.datetime.combine(due, dt.time(17, 0)) if due else None,
        "completed_at": dt.datetime.combine(completed, dt.time(15, 0)) if completed else None,
        "returned_at": None,
        "status": status,
        "is_digitized": draw(st.booleans()),
        "is_reused": draw(st.booleans()),
        "has_e_result": draw(st.booleans()),
        "owes_fee": draw(st.booleans()),
        "paid_online": draw(st.booleans()),
        "rating": draw(st.sampled_from([None, "very_satisfied", "satisfied", "dissatisfied"])),
        "updated_at": dt.datetime.combine(updated, dt.time(16, 0)),
    }
    versions = [latest]
    if draw(st.booleans()):
        # An earlier state delivered in an earlier file (same update time at most: the later
        # file in path order wins the tie).
        versions.append(
            latest
            | {
                "file_path": "one_stop/a.csv",
                "status": draw(st.integers(1, 10)),
                "updated_at": latest["received_at"],
            }
        )
    return versions


@st.composite
def tickets(draw: st.DrawFn) -> list[dict]:
    rows = []
    for number in range(draw(st.integers(0, 6))):
        taken = dt.datetime.combine(
            FIRST_DAY + dt.timedelta(days=draw(st.integers(0, 150))), dt.time(8, 0)
        )
        wait = draw(st.none() | st.integers(0, 40 * 60))
        rows.append(
            {
                "file_path": "queue/a.csv",
                "row_number": number + 2,
                "agency_code": draw(st.sampled_from(list(AGENCY_LEVEL))),
                "ticket_number": str(number + 1),
                "taken_at": taken,
                "called_at": taken + dt.timedelta(seconds=wait) if wait is not None else None,
                "finished_at": None,
            }
        )
    return rows


@st.composite
def raw_data(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    count = draw(st.integers(1, 12))
    versions = [v for i in range(count) for v in draw(dossier(i))]
    queue = draw(tickets())
    frames = {
        "agencies": agencies(),
        "procedures": procedures(),
        "dossier_versions": pd.DataFrame(versions).astype(
            {
                "due_at": "datetime64[us]",
                "completed_at": "datetime64[us]",
                "returned_at": "datetime64[us]",
            }
        ),
    }
    if queue:
        frames["queue_tickets"] = pd.DataFrame(queue).astype(
            {"called_at": "datetime64[us]", "finished_at": "datetime64[us]"}
        )
    return frames


def expected_accounting(versions: pd.DataFrame, start: dt.date, end: dt.date) -> dict:
    """marts.md's accounting of [start, end] per agency, written independently of the SQL."""
    latest = (
        versions.sort_values(["updated_at", "file_path", "row_number"])
        .groupby("dossier_code")
        .tail(1)
    )
    result: dict[str, dict[str, int]] = {a: dict.fromkeys(COUNTS, 0) for a in AGENCY_LEVEL}
    for d in latest.to_dict("records"):
        if d["status"] in (1, 3):
            continue
        day = lambda value: None if pd.isna(value) else value.date()  # noqa: E731
        received, due, completed = day(d["received_at"]), day(d["due_at"]), day(d["completed_at"])
        closed = None
        if d["status"] in (9, 10):
            closed = completed
        elif d["status"] in (7, 8):
            closed = completed or day(d["updated_at"])
        if received > end or (closed is not None and closed < start):
            continue
        c = result[d["agency_code"]]
        c["to_process"] += 1
        if received >= start:
            c["received"] += 1
            c["received_online" if d["channel"] == "online" else "received_offline"] += 1
        else:
            c["carried_over"] += 1
        if closed is not None and closed <= end:
            if d["status"] in (9, 10):
                c["resolved"] += 1
                if due is None or completed == due:
                    c["resolved_on_time"] += 1
                elif completed < due:
                    c["resolved_early"] += 1
                else:
                    c["resolved_late"] += 1
            else:
                c["withdrawn"] += 1
        else:
            c["pending"] += 1
            overdue = due is not None and due < end
            c["pending_overdue" if overdue else "pending_in_time"] += 1
    return result


def check_periods(warehouse: Path, raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    periods = query(warehouse, "select * from intermediate.int_periods")
    versions = raw["dossier_versions"]
    latest = (
        versions.sort_values(["updated_at", "file_path", "row_number"])
        .groupby("dossier_code")
        .tail(1)
    )
    counted = latest[~latest.status.isin([1, 3])]
    firsts = list(counted.received_at.dt.date)
    lasts = list(counted.updated_at.dt.date)
    if "queue_tickets" in raw:
        firsts += list(raw["queue_tickets"].taken_at.dt.date)
        lasts += list(raw["queue_tickets"].taken_at.dt.date)
    if not firsts:
        assert periods.empty
        return periods
    first, last = min(firsts), max(lasts)
    for (calendar, grain), group in periods.groupby(["calendar", "grain"]):
        group = group.sort_values("period_start")
        starts = list(group.period_start.dt.date)
        ends = list(group.period_end.dt.date)
        assert starts[0] <= first <= ends[0], (calendar, grain)
        assert starts[-1] <= last <= ends[-1], (calendar, grain)
        for previous_end, next_start in zip(ends, starts[1:], strict=False):
            assert next_start == previous_end + dt.timedelta(days=1), (calendar, grain)
        day = 15 if calendar == "official" else 1
        assert all(s.day == day for s in starts), (calendar, grain)
    return periods


def empty_warehouse(warehouse: Path) -> None:
    """Drop what dbt built (the incremental marts too) and empty raw.*, keeping the file."""
    if not warehouse.exists():
        return
    con = duckdb.connect(str(warehouse))
    try:
        for schema in ("staging", "intermediate", "marts", "seeds", "dbt_test__audit"):
            con.execute(f"drop schema if exists {schema} cascade")
        for table in RAW_TABLES:
            con.execute(f"delete from {RAW_SCHEMA}.{table}")
    finally:
        con.close()


@settings(
    max_examples=7,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    database=None,
)
@given(raw=raw_data())
def test_invariants_of_the_period_marts(raw: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    # Same path every example: the profile does not change, so dbt re-parses partially.
    warehouse = tmp_path / "warehouse.duckdb"
    empty_warehouse(warehouse)
    create_raw_warehouse(warehouse, raw)
    run_dbt(
        warehouse,
        [
            "build",
            "--select",
            "+service_rates period_accounting",
            # the singular tests (balances, roll-ups, bounds) run; generic ones add time only
            "--exclude",
            "test_type:generic",
            "--exclude-resource-type",
            "unit_test",
        ],
        tmp_path,
    )
    periods = check_periods(warehouse, raw)
    accounting = query(warehouse, "select * from marts.period_accounting")
    rates = query(warehouse, "select * from marts.service_rates")
    assert len(accounting) == len(periods) * (1 + 3 + len(AGENCY_LEVEL))

    # to_process = resolved + withdrawn + pending = received + carried_over, every row
    assert (
        accounting.to_process == accounting.resolved + accounting.withdrawn + accounting.pending
    ).all()
    assert (accounting.to_process == accounting.received + accounting.carried_over).all()
    assert (accounting[COUNTS] >= 0).all().all()

    # province = sum of its agencies, level = sum of its agencies, every count
    keys = ["calendar", "grain", "period_key"]
    agencies_rows = accounting[accounting.scope_type == "agency"].assign(
        level=lambda f: f.scope_code.map(AGENCY_LEVEL)
    )
    province = agencies_rows.groupby(keys)[COUNTS].sum()
    got_province = accounting[accounting.scope_type == "province"].set_index(keys)[COUNTS]
    pd.testing.assert_frame_equal(
        got_province.sort_index(), province.sort_index(), check_dtype=False
    )
    levels = agencies_rows.groupby([*keys, "level"])[COUNTS].sum()
    got_levels = (
        accounting[accounting.scope_type == "level"]
        .rename(columns={"scope_code": "level"})
        .set_index([*keys, "level"])[COUNTS]
    )
    pd.testing.assert_frame_equal(
        got_levels.sort_index(),
        levels.reindex(got_levels.index, fill_value=0).sort_index(),
        check_dtype=False,
    )

    # every agency's accounting equals the Python implementation, every period
    for period in periods.to_dict("records"):
        expected = expected_accounting(
            raw["dossier_versions"], period["period_start"].date(), period["period_end"].date()
        )
        rows = agencies_rows[
            (agencies_rows.calendar == period["calendar"])
            & (agencies_rows.grain == period["grain"])
            & (agencies_rows.period_key == period["period_key"])
        ]
        for row in rows.to_dict("records"):
            got = {c: int(row[c]) for c in COUNTS}
            assert got == expected[row["scope_code"]], (period, row["scope_code"])

    # rates: numerator ≤ denominator and 0 ≤ rate ≤ 1 (avg_wait_minutes is minutes); NULL
    # exactly when the denominator is 0; wider scopes are sums (but distinct procedures)
    shares = rates[rates.indicator != "avg_wait_minutes"]
    assert (shares.numerator <= shares.denominator).all()
    assert shares.rate.dropna().between(0, 1).all()
    assert (rates.denominator == 0).eq(rates.rate.isna()).all()
    additive = rates[
        (rates.indicator != "online_service_usage_rate") & (rates.scope_type != "field_group")
    ]
    # the level of agency rows (NaN for province and level rows)
    sums = additive.assign(level=lambda f: f.scope_code.map(AGENCY_LEVEL))
    by = [*keys, "indicator"]
    agency_sums = sums[sums.scope_type == "agency"].groupby(by)[["numerator", "denominator"]].sum()
    wide = sums[sums.scope_type == "province"].set_index(by)[["numerator", "denominator"]]
    pd.testing.assert_frame_equal(
        wide.sort_index(), agency_sums.sort_index(), check_dtype=False, atol=1e-9
    )
    level_sums = (
        sums[sums.scope_type == "agency"]
        .groupby([*by, "level"])[["numerator", "denominator"]]
        .sum()
    )
    got_level = (
        sums[sums.scope_type == "level"]
        .assign(level=lambda f: f.scope_code)
        .set_index([*by, "level"])[["numerator", "denominator"]]
    )
    pd.testing.assert_frame_equal(
        got_level.sort_index(),
        level_sums.reindex(got_level.index, fill_value=0).sort_index(),
        check_dtype=False,
        atol=1e-9,
    )
