"""marts.pending_alerts and its working-day calendar: hand-computed cases across Tết, a
weekend and a make-up Saturday, due today, overdue by one working day, no due date
(tests/support/alerts_fixture.py), the province's seed of extra days off and make-up days,
and the Python recomputation of `cchc alerts --as-of` agreeing with the mart."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.alerts import data as alerts_data
from orchestration.alerts import load_alerts
from orchestration.settings import DBT_PROJECT_DIR
from tests.support.alerts_fixture import CASES, NOT_LISTED, build_alerts_warehouse

WORKING_DAYS_MODEL = DBT_PROJECT_DIR / "models" / "marts" / "dossiers" / "working_days.py"
SEED = DBT_PROJECT_DIR / "seeds" / "working_calendar_adjustments.csv"


def _calendar_module():
    spec = importlib.util.spec_from_file_location("working_days_model", WORKING_DAYS_MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module", params=sorted(CASES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    as_of = request.param
    return as_of, build_alerts_warehouse(tmp_path_factory.mktemp(f"alerts-{as_of}"), as_of)


def test_hand_computed_working_days_left_and_alerts(built) -> None:
    as_of, analytics = built
    alerts = _read(analytics, "select * from marts.pending_alerts").set_index("dossier_code")
    assert list(alerts.columns) == [
        "as_of_date", "agency_code", "procedure_code", "field_name", "received_date",
        "due_date", "working_days_left", "alert",
    ]  # fmt: skip
    assert (alerts.as_of_date.astype(str) == as_of).all()
    for code, (days_left, alert) in CASES[as_of].items():
        row = alerts.loc[code]
        got = None if pd.isna(row.working_days_left) else int(row.working_days_left)
        assert (got, row.alert) == (days_left, alert), code
    assert not NOT_LISTED.get(as_of, set()) & set(alerts.index)


def test_python_recomputation_agrees_with_the_mart(built) -> None:
    """`cchc alerts --as-of D` recomputes from marts.dossiers and marts.working_days: at the
    mart's own day it gives the mart's rows exactly; a wider horizon moves only in-time
    dossiers with that many working days left into due_soon."""
    as_of, analytics = built
    day = dt.date.fromisoformat(as_of)
    mart = _read(analytics, "select * from marts.pending_alerts")
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        python_rows = con.execute(alerts_data._RECOMPUTE_SQL, [day, day, day, 2]).df()
    finally:
        con.close()
    key = ["dossier_code"]
    columns = ["as_of_date", "agency_code", "due_date", "working_days_left", "alert"]
    pd.testing.assert_frame_equal(
        python_rows.sort_values(key).set_index(key)[columns],
        mart.sort_values(key).set_index(key)[columns],
        check_dtype=False,
    )
    wide = load_alerts(analytics, day, warning_days=3).alerts.set_index("dossier_code")
    narrow = mart.set_index("dossier_code")
    assert set(wide.index) == set(narrow.index)
    moved = narrow.alert.ne(wide.alert.reindex(narrow.index))
    assert (narrow.alert[moved] == "in_time").all()
    assert (wide.alert[narrow.index[moved]] == "due_soon").all()
    assert (narrow.working_days_left[moved] == 3).all()
    if as_of == "2024-02-07":
        assert wide.loc["TET_FAR", "alert"] == "due_soon"  # 3 working days left


def test_the_calendar_follows_tet_weekends_and_make_up_saturdays() -> None:
    calendar = _calendar_module().working_calendar(
        dt.date(2024, 1, 2), dt.date(2024, 6, 1), pd.read_csv(SEED)
    )
    days = calendar.set_index("calendar_date")
    kind = lambda day: days.loc[dt.date.fromisoformat(day), "day_kind"]  # noqa: E731
    assert days.index[0] == dt.date(2024, 1, 1) and days.index[-1] == dt.date(2025, 12, 31)
    assert [kind(f"2024-02-{d:02d}") for d in range(7, 16)] == [
        "working_day", *["public_holiday"] * 7, "working_day",
    ]  # fmt: skip
    assert kind("2024-04-18") == "public_holiday"  # Hùng Kings' day, 10th of the 3rd lunar month
    assert kind("2025-04-07") == "public_holiday"
    assert kind("2025-01-29") == "public_holiday"  # Tết 2025 moves with the lunar calendar
    assert kind("2024-05-04") == "make_up_working_day"
    assert kind("2024-03-09") == "weekend"
    # running numbers: the working days in (a, b] are number(b) − number(a)
    number = days.working_day_number
    assert number[dt.date(2024, 2, 15)] - number[dt.date(2024, 2, 7)] == 1
    assert (days.is_working_day == days.day_kind.isin(["working_day", "make_up_working_day"])).all()


def test_the_province_seed_adds_days_off_and_make_up_days() -> None:
    adjustments = pd.DataFrame(
        {
            "calendar_date": ["2024-03-11", "2024-03-16"],
            "kind": ["day_off", "working_day"],
            "note": ["Ngày nghỉ của tỉnh", "Làm bù thứ Bảy"],
        }
    )
    days = (
        _calendar_module()
        .working_calendar(dt.date(2024, 3, 1), dt.date(2024, 3, 31), adjustments)
        .set_index("calendar_date")
    )
    assert days.loc[dt.date(2024, 3, 11), "day_kind"] == "province_day_off"
    assert not days.loc[dt.date(2024, 3, 11), "is_working_day"]
    assert days.loc[dt.date(2024, 3, 16), "day_kind"] == "province_working_day"
    assert days.loc[dt.date(2024, 3, 16), "is_working_day"]
    number = days.working_day_number
    # Fri 08/03 → Mon 18/03: 12–15 (4) + Sat 16 (make-up) + 18 = 6; Mon 11 is off
    assert number[dt.date(2024, 3, 18)] - number[dt.date(2024, 3, 8)] == 6


def test_the_shipped_seed_is_well_formed() -> None:
    seed = pd.read_csv(SEED)
    assert list(seed.columns) == ["calendar_date", "kind", "note"]
    assert seed.kind.isin(["day_off", "working_day"]).all()
