"""A period's targets section is the year to date as of the period's end, and the report
is reproducible (issue 12, item 8)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.reports import write_report
from tests.support.marts_fixture import build_marts_db

TARGETS_SHEET = "Chỉ tiêu kế hoạch"


def _targets(path: Path) -> dict[tuple[str, str], tuple]:
    sheet = openpyxl.load_workbook(path)[TARGETS_SHEET]
    return {(r[1], r[2]): r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]}


def _province_target(analytics: Path, indicator: str, year: int) -> tuple[str, str]:
    with duckdb.connect(str(analytics), read_only=True) as con:
        row = con.execute(
            "select plan_code, target_code from marts.target_attainment where indicator = ?"
            " and scope_type = 'province' and year = ? and kind = 'min_rate' limit 1",
            [indicator, year],
        ).fetchone()
    assert row, "the fixture has a province online_rate target for 2024"
    return row  # type: ignore[return-value]


@pytest.fixture(scope="module")
def analytics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marts_db(tmp_path_factory.mktemp("ytd") / "analytics.duckdb")


def test_quarter_report_shows_the_year_to_date_labelled(analytics: Path, tmp_path: Path) -> None:
    key = _province_target(analytics, "online_rate", 2024)
    paths = write_report(analytics, tmp_path, "2024-Q2", "official")
    sheet = openpyxl.load_workbook(paths["xlsx"])[TARGETS_SHEET]
    header = [c.value for c in sheet[5]]
    assert "Lũy kế đến 14/06/2024" in header and "Cùng kỳ năm 2023" in header
    assert "lũy kế từ đầu năm 2024 đến hết ngày 14/06/2024" in sheet["A3"].value.lower()
    row = _targets(paths["xlsx"])[key]
    # Hand path: official quarters Q1 + Q2 of 2024 (not the months the code sums).
    with duckdb.connect(str(analytics), read_only=True) as con:
        num, den = con.execute(
            "select sum(numerator), sum(denominator) from marts.service_rates"
            " where calendar = 'official' and grain = 'quarter' and scope_type = 'province'"
            " and indicator = 'online_rate' and period_key in ('2024-Q1', '2024-Q2')"
        ).fetchone()
        (whole_year,) = con.execute(
            "select actual_value from marts.target_attainment where plan_code = ?"
            " and target_code = ? and year = 2024",
            list(key),
        ).fetchone()
    actual = row[header.index("Lũy kế đến 14/06/2024")]
    assert actual == pytest.approx(num / den)
    assert actual != pytest.approx(whole_year)  # not the whole year's figure
    html = paths["html"].read_text("utf-8")
    assert "Lũy kế đến 14/06/2024" in html


def test_year_report_equals_the_marts_whole_year_verdicts(analytics: Path, tmp_path: Path) -> None:
    rows = _targets(write_report(analytics, tmp_path, "2024", "official")["xlsx"])
    with duckdb.connect(str(analytics), read_only=True) as con:
        marts = con.execute(
            "select plan_code, target_code, actual_value, met from marts.target_attainment"
            " where year = 2024 and calendar = 'official'"
        ).fetchall()
    checked = 0
    for plan, target, actual, met in marts:
        if (plan, target) not in rows or actual is None:
            continue
        row = rows[(plan, target)]
        assert row[7] == pytest.approx(actual), (plan, target)
        if met is not None:
            assert row[9] == ("Đạt" if met else "Không đạt"), (plan, target)
        checked += 1
    assert checked >= 3


def test_report_is_reproducible_when_later_periods_land(analytics: Path, tmp_path: Path) -> None:
    first = write_report(analytics, tmp_path / "a", "2024-Q2", "official")
    again = write_report(analytics, tmp_path / "b", "2024-Q2", "official")
    assert first["xlsx"].read_bytes() == again["xlsx"].read_bytes()
    assert first["html"].read_bytes() == again["html"].read_bytes()
    # Later files land: the second half of 2024 changes, and so does the mart's year figure.
    later = build_marts_db(tmp_path / "later.duckdb")
    with duckdb.connect(str(later)) as con:
        con.execute(
            "update marts.service_rates set numerator = denominator"
            " where period_key >= '2024-07' and period_key like '2024-%' and grain = 'month'"
        )
        con.execute("update marts.target_attainment set actual_value = 1.0, met = true")
    after = write_report(later, tmp_path / "c", "2024-Q2", "official")
    assert _targets(after["xlsx"]) == _targets(first["xlsx"])
