"""marts.target_attainment built by dbt over the real targets seed and a small raw fixture.

The fixture spans the official years 2023 and 2024 (Nghị định 09/2019 cut-off 15:
2023 = 15/12/2022–14/12/2023, 2024 = 15/12/2023–14/12/2024). Two agencies: Sở Công Thương
(tỉnh) and a district (huyện); no commune. Every dossier is received and resolved on time
within one official year. Per year (S = resolved, rated in brackets):

    2023  SCT a1 Điện      online  e-result  rất hài lòng
          SCT a2 Đất đai   direct            không hài lòng
          HUY b1 Xây dựng  online            hài lòng
          HUY b2 Xây dựng  direct            (not rated)
    2024  SCT a3 Điện      online  e-result  hài lòng       digitised, reused, fee paid online
          SCT a4 Đất đai   online  e-result  hài lòng
          HUY b3 Xây dựng  online  e-result  không hài lòng  digitised
          HUY b4 Xây dựng  direct            rất hài lòng    fee, not paid online

Queue: Sở Công Thương, 10/05/2023, two called tickets waiting 10 and 30 minutes.
The same fixture feeds tests/test_dbt_service_index.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.support.dbt_harness import build_warehouse, run_dbt

SCT = "000.00.01.T01"
HUY = "000.00.21.T01"
P_DIEN, P_DAT, P_XD = "1.000101", "1.000102", "1.000103"


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    # A default connection: dbt-duckdb keeps its own open in this process, and DuckDB
    # refuses a read-only one to the same file alongside it.
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _dossier(
    code: str,
    agency: str,
    procedure: str,
    channel: str,
    received: str,
    completed: str,
    *,
    e_result: bool = False,
    rating: str | None = None,
    digitized: bool = False,
    reused: bool = False,
    fee: bool = False,
    paid: bool = False,
) -> dict:
    received_at = pd.Timestamp(received)
    completed_at = pd.Timestamp(completed)
    return {
        "file_path": "one_stop/ho_so.csv",
        "row_number": 2,
        "layout": "A",
        "dossier_code": code,
        "procedure_code": procedure,
        "agency_code": agency,
        "channel": channel,
        "service_level": None,
        "received_at": received_at,
        "due_at": completed_at + pd.Timedelta(days=5),
        "completed_at": completed_at,
        "returned_at": None,
        "status": 10,
        "is_digitized": digitized,
        "is_reused": reused,
        "has_e_result": e_result,
        "owes_fee": fee,
        "paid_online": paid,
        "rating": rating,
        "updated_at": completed_at,
    }


def raw_frames() -> dict[str, pd.DataFrame]:
    agencies = pd.DataFrame(
        [
            (SCT, "Sở Công Thương", "tinh"),
            (HUY, "UBND huyện Hoành Bồ", "huyen"),
        ],
        columns=["agency_code", "agency_name", "level"],
    ).assign(
        file_path="reference/agencies.csv",
        row_number=[2, 3],
        parent_code=None,
        province_code="T01",
    )
    procedures = pd.DataFrame(
        [
            (P_DIEN, "LV01", "Điện", None, "tinh", SCT, "full", True),
            (P_DAT, "LV02", "Đất đai", "dat_dai", "tinh", SCT, "partial", False),
            (P_XD, "LV03", "Xây dựng", "xay_dung", "huyen", None, "full", True),
        ],
        columns=[
            "procedure_code",
            "field_code",
            "field_name",
            "field_group",
            "level",
            "agency_code",
            "service_level",
            "has_fee",
        ],
    ).assign(file_path="reference/procedures.csv", row_number=[2, 3, 4], procedure_name="TTHC")
    dossiers = [
        _dossier("a1", SCT, P_DIEN, "online", "2023-03-01 08:00", "2023-03-05 10:00",
                 e_result=True, rating="very_satisfied"),
        _dossier("a2", SCT, P_DAT, "in_person", "2023-04-03 08:00", "2023-04-10 10:00",
                 rating="dissatisfied"),
        _dossier("b1", HUY, P_XD, "online", "2023-05-02 08:00", "2023-05-08 10:00",
                 rating="satisfied"),
        _dossier("b2", HUY, P_XD, "in_person", "2023-06-01 08:00", "2023-06-06 10:00"),
        _dossier("a3", SCT, P_DIEN, "online", "2024-03-01 08:00", "2024-03-04 10:00",
                 e_result=True, rating="satisfied", digitized=True, reused=True, fee=True,
                 paid=True),
        _dossier("a4", SCT, P_DAT, "online", "2024-03-02 08:00", "2024-03-06 10:00",
                 e_result=True, rating="satisfied"),
        _dossier("b3", HUY, P_XD, "online", "2024-03-03 08:00", "2024-03-07 10:00",
                 e_result=True, rating="dissatisfied", digitized=True),
        _dossier("b4", HUY, P_XD, "in_person", "2024-03-04 08:00", "2024-03-08 10:00",
                 rating="very_satisfied", fee=True),
    ]  # fmt: skip
    tickets = pd.DataFrame(
        [
            (SCT, "0001", "2023-05-10 08:00", "2023-05-10 08:10", "2023-05-10 08:20"),
            (SCT, "0002", "2023-05-10 09:00", "2023-05-10 09:30", "2023-05-10 09:40"),
        ],
        columns=["agency_code", "ticket_number", "taken_at", "called_at", "finished_at"],
    ).assign(file_path="queue/ve.csv", row_number=[2, 3])
    for column in ("taken_at", "called_at", "finished_at"):
        tickets[column] = pd.to_datetime(tickets[column])
    frame = pd.DataFrame(dossiers)
    frame["row_number"] = range(2, 2 + len(frame))
    return {
        "agencies": agencies,
        "procedures": procedures,
        "dossier_versions": frame,
        "queue_tickets": tickets,
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        # Only this lineage's data tests (see test_dbt_reconciliation.py).
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        return build_warehouse(
            tmp_path_factory.mktemp("targets"), raw_frames(), select="+target_attainment"
        )


@pytest.fixture(scope="module")
def attainment(warehouse: Path) -> pd.DataFrame:
    frame = query(warehouse, "select * from marts.target_attainment")
    return frame.set_index(["target_code", "year"]).sort_index()


def test_one_row_per_target_and_plan_year(attainment: pd.DataFrame) -> None:
    targets = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "targets.csv")
    expected = {
        (row.target_code, year)
        for row in targets.itertuples()
        for year in range(row.year_from, row.year_to + 1)
    }
    assert len(attainment) == len(expected)
    assert set(attainment.index) == expected


def test_years_without_data_are_listed_with_null(attainment: pd.DataFrame) -> None:
    no_period = attainment[~attainment.index.get_level_values("year").isin([2023, 2024])]
    assert not no_period.empty
    assert no_period["actual_value"].isna().all()
    assert no_period["met"].isna().all()
    assert set(no_period["evaluation_status"]) == {"no_period"}


def _row(attainment: pd.DataFrame, target: str, year: int) -> pd.Series:
    return attainment.loc[(target, year)]


def test_min_rate_on_level_and_province(attainment: pd.DataFrame) -> None:
    # Satisfaction (rated satisfied / rated): 2023 2/3, 2024 3/4; target 0.99.
    for year, value in ((2023, 2 / 3), (2024, 3 / 4)):
        row = _row(attainment, "cchc-7-satisfaction", year)
        assert row["scope_type"] == "province" and row["scope_code"] == "T01"
        assert row["actual_value"] == pytest.approx(value)
        assert row["met"] == False  # noqa: E712 (numpy bool)
        # The data run from 01/03/2023 to 08/03/2024: neither official year is whole, so
        # both are evaluated year to date and flagged.
        assert row["covers_whole_year"] == False  # noqa: E712
        assert row["evaluation_status"] == "partial_year"
    # Online payment, province 2024: fee owed a3 (paid online), b4 → 1/2 ≥ 0.30.
    row = _row(attainment, "3.1-payment", 2024)
    assert row["actual_value"] == pytest.approx(0.5)
    assert row["met"] == True  # noqa: E712


def test_min_increase(attainment: pd.DataFrame) -> None:
    # e-result, tỉnh: 2023 1/2, 2024 2/2 → +0.5 ≥ 0.20; huyện 0/2 → 1/2: +0.5.
    for target, before, after in (
        ("3.1-e-result-increase-tinh", 0.5, 1.0),
        ("3.1-e-result-increase-huyen", 0.0, 0.5),
    ):
        first = _row(attainment, target, 2023)
        assert first["actual_value"] == pytest.approx(before)
        assert pd.isna(first["met"])  # 2022 is not in the warehouse
        assert first["evaluation_status"] == "no_previous_year"
        second = _row(attainment, target, 2024)
        assert second["actual_value"] == pytest.approx(after)
        assert second["previous_actual_value"] == pytest.approx(before)
        assert second["met"] == True  # noqa: E712
    # No commune: denominator 0, rate unknown.
    row = _row(attainment, "3.1-e-result-increase-xa", 2024)
    assert pd.isna(row["actual_value"]) and pd.isna(row["met"])
    assert row["evaluation_status"] == "no_denominator"


def test_agency_named_in_plan(attainment: pd.DataFrame) -> None:
    row = _row(attainment, "2-e-result", 2023)
    assert (row["scope_type"], row["scope_code"]) == ("agency", SCT)
    assert row["actual_value"] == pytest.approx(0.5)  # a1 of a1, a2
    assert row["met"] == False  # noqa: E712
    wait = _row(attainment, "6-avg-wait", 2023)
    assert wait["actual_value"] == pytest.approx(20.0)  # (10 + 30) / 2 ≤ 25
    assert wait["met"] == True  # noqa: E712


def test_field_groups_sum_over_sum(attainment: pd.DataFrame) -> None:
    # đất đai + xây dựng (+ đầu tư, absent): 2023 rated a2 ✗, b1 ✓ → 1/2;
    # 2024 a4 ✓, b3 ✗, b4 ✓ → 2/3 (the mean of the groups' rates would be 0.75).
    for year, value in ((2023, 1 / 2), (2024, 2 / 3)):
        row = _row(attainment, "3.1-satisfaction-priority", year)
        assert (row["scope_type"], row["scope_code"]) == ("field_group", "dat_dai|xay_dung|dau_tu")
        assert row["actual_value"] == pytest.approx(value)
        assert row["met"] == False  # noqa: E712


def test_dbt_unit_tests(warehouse: Path, tmp_path: Path) -> None:
    # The dbt unit tests of target attainment and scope resolution (yml beside the models).
    # They read column types from the upstream relations, which this warehouse holds.
    run_dbt(
        warehouse,
        ["test", "--select", "target_attainment,test_type:unit int_targets__scoped,test_type:unit"],
        tmp_path,
    )
