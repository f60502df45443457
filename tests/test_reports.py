"""The period report: Vietnamese workbook and self-contained HTML, on the fixture marts."""

from __future__ import annotations

import csv
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.partitions import Period, parse_period_key, quarters_ending
from orchestration.reports import write_report
from orchestration.reports.labels import INDICATORS, period_title
from orchestration.reports.numbers import fmt_decimal, fmt_int, fmt_percent, fmt_points
from orchestration.reports.workbook import SHEETS
from tests.support.marts_fixture import TARGETS_CSV, build_marts_db

RED_FILL = "FFF8D7DA"


@pytest.fixture(scope="module")
def analytics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marts_db(tmp_path_factory.mktemp("marts") / "analytics.duckdb")


@pytest.fixture(scope="module")
def report(analytics: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_report(analytics, tmp_path_factory.mktemp("reports"), "2024-Q2", "official")


@pytest.fixture(scope="module")
def workbook(report: dict[str, Path]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(report["xlsx"])


def query(path: Path, sql: str, args: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, args or []).fetchall()
    finally:
        con.close()


def rows_of(sheet, header_row: int = 5) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=header_row + 1, values_only=True) if any(r)]


# --- numbers and periods ----------------------------------------------------------------


def test_vietnamese_number_formats() -> None:
    assert fmt_percent(0.9534) == "95,3%"
    assert fmt_percent(1) == "100,0%"
    assert fmt_int(1234) == "1.234"
    assert fmt_int(1234567) == "1.234.567"
    assert fmt_decimal(1234.56) == "1.234,6"
    assert fmt_points(17.5) == "17,5" and fmt_points(20.0) == "20"
    assert fmt_percent(None) == fmt_int(float("nan")) == "—"


def test_period_keys_infer_their_grain() -> None:
    assert parse_period_key("2024-Q2").grain == "quarter"
    assert parse_period_key("2024-H1").grain == "half_year"
    assert parse_period_key("2024").grain == "year"
    assert parse_period_key("2024-03").grain == "month"
    with pytest.raises(ValueError, match="2024-Q5"):
        parse_period_key("2024-Q5")
    assert quarters_ending(2024, 2, 8) == [
        "2022-Q3",
        "2022-Q4",
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
    ]


def test_title_writes_the_year_only_when_the_window_crosses_it() -> None:
    q1 = Period(
        "official", "quarter", "2024-Q1", 2024, 1, dt.date(2023, 12, 15), dt.date(2024, 3, 14)
    )
    assert period_title(q1) == "Kỳ báo cáo: Quý 1/2024 (kỳ chính thức, 15/12/2023–14/03/2024)"


# --- workbook --------------------------------------------------------------------------


def test_files_are_named_by_period_and_calendar(report: dict[str, Path]) -> None:
    assert report["xlsx"].name == "bao_cao_cchc_2024-Q2_official.xlsx"
    assert report["html"].name == "bao_cao_cchc_2024-Q2_official.html"
    assert report["xlsx"].parent.name == "2024-Q2" == report["html"].parent.name


def test_sheets_are_the_six_vietnamese_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Tổng hợp toàn tỉnh",
        "Theo cấp",
        "Theo đơn vị",
        "Chỉ tiêu kế hoạch",
        "Đối chiếu báo cáo",
        "Chất lượng dữ liệu",
    ]
    assert list(SHEETS) == workbook.sheetnames


def test_every_sheet_has_the_period_title_frozen_header_and_widths(
    workbook: openpyxl.Workbook,
) -> None:
    for sheet in workbook:
        assert sheet["A2"].value == "Kỳ báo cáo: Quý 2/2024 (kỳ chính thức, 15/03–14/06)"
        assert sheet.freeze_panes is not None and sheet.freeze_panes[1:] == "6", sheet.title
        assert sheet.column_dimensions["A"].width > 8, sheet.title


def test_province_sheet_matches_the_marts(workbook: openpyxl.Workbook, analytics: Path) -> None:
    sheet = workbook["Tổng hợp toàn tỉnh"]
    by_code = {row[7].value: row for row in sheet.iter_rows(min_row=6, max_row=18)}
    assert set(by_code) == set(INDICATORS)
    ((numerator, denominator, rate),) = query(
        analytics,
        "select numerator, denominator, rate from marts.service_rates where calendar = 'official'"
        " and grain = 'quarter' and period_key = '2024-Q2' and scope_type = 'province'"
        " and indicator = 'online_rate'",
    )
    online = by_code["online_rate"]
    assert online[1].value == INDICATORS["online_rate"]
    assert online[2].value == numerator and online[3].value == denominator
    assert online[4].value == pytest.approx(rate)
    assert online[4].number_format == "0.0%"
    assert online[2].number_format == "#,##0"
    assert by_code["avg_wait_minutes"][4].number_format == "#,##0.0"

    counts = {row[3]: row[2] for row in sheet.iter_rows(min_row=20, values_only=True) if row[3]}
    ((to_process, pending_overdue),) = query(
        analytics,
        "select to_process, pending_overdue from marts.period_accounting where calendar ="
        " 'official' and grain = 'quarter' and period_key = '2024-Q2' and scope_type = 'province'",
    )
    assert counts["to_process"] == to_process
    assert counts["pending_overdue"] == pending_overdue


def test_levels_and_agencies(workbook: openpyxl.Workbook) -> None:
    levels = rows_of(workbook["Theo cấp"])
    assert [r[0] for r in levels] == ["Cấp tỉnh", "Cấp huyện", "Cấp xã", "Toàn tỉnh"]
    agencies = rows_of(workbook["Theo đơn vị"])
    assert ("000.00.01.T01", "Sở Công Thương", "Cấp tỉnh") in [r[:3] for r in agencies]
    # The commune received nothing in 2024-Q2: its received-based rates are empty, not 0.
    commune = next(r for r in agencies if r[0] == "000.21.31.T01")
    header = [c.value for c in workbook["Theo đơn vị"][5]]
    assert commune[header.index("Mới tiếp nhận")] == 0
    assert commune[header.index("Trực tuyến")] is None  # empty cell, not 0


def test_agency_codes_stand_in_when_marts_have_no_names(tmp_path: Path) -> None:
    analytics = build_marts_db(tmp_path / "analytics.duckdb", with_dim_agencies=False)
    paths = write_report(analytics, tmp_path / "out", "2024-Q2")
    agencies = rows_of(openpyxl.load_workbook(paths["xlsx"])["Theo đơn vị"])
    assert {r[0] for r in agencies} == {r[1] for r in agencies}  # name column shows the code


def _targets_of(year: int) -> set[tuple[str, str]]:
    with TARGETS_CSV.open(encoding="utf-8") as handle:
        return {
            (t["plan_code"], t["target_code"])
            for t in csv.DictReader(handle)
            if int(t["year_from"]) <= year <= int(t["year_to"])
        }


def test_every_target_of_the_year_is_listed(workbook: openpyxl.Workbook) -> None:
    rows = rows_of(workbook["Chỉ tiêu kế hoạch"])
    assert {(r[1], r[2]) for r in rows} == _targets_of(2024)
    statuses = {r[9] for r in rows}
    assert statuses <= {"Đạt", "Không đạt", "Chưa đủ dữ liệu"}
    assert {"Đạt", "Không đạt"} <= statuses


def test_targets_without_evaluation_say_not_enough_data(analytics: Path, tmp_path: Path) -> None:
    paths = write_report(analytics, tmp_path, "2022")
    rows = rows_of(openpyxl.load_workbook(paths["xlsx"])["Chỉ tiêu kế hoạch"])
    assert {(r[1], r[2]) for r in rows} == _targets_of(2022)
    # min_increase in 2022: the fixture has no 2021 to compare with.
    increase = [r for r in rows if r[2] == "3.1-e-result-increase-tinh"]
    assert increase and increase[0][9] == "Chưa đủ dữ liệu"


def test_reconciliation_keeps_overlapping_reports_and_highlights_differences(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["Đối chiếu báo cáo"]
    rows = list(sheet.iter_rows(min_row=6))
    # Hạ Long's report (01/04–30/06) overlaps official Q2 (15/03–14/06); Sở Tư pháp's
    # report for official Q1 (to 14/03) does not.
    assert {r[0].value for r in rows} == {"000.00.21.T01"}
    differing = [r for r in rows if r[9].value == "Không"]
    assert len(differing) == 4
    assert all(r[8].fill.fgColor.rgb == RED_FILL for r in differing)
    assert all(r[8].value != 0 for r in differing)
    assert rows[0][2].number_format == "dd/mm/yyyy"


def test_quality_sheet_lists_rejected_files_with_their_message(workbook: openpyxl.Workbook) -> None:
    values = [v for row in workbook["Chất lượng dữ liệu"].iter_rows(values_only=True) for v in row]
    assert "one_stop/2024/hong.csv" in values
    assert any(isinstance(v, str) and "thiếu cột bắt buộc" in v for v in values)
    assert "Mã cơ quan không có trong danh mục" in values  # quarantine reason, in Vietnamese


def test_year_and_half_reports(analytics: Path, tmp_path: Path) -> None:
    year = write_report(analytics, tmp_path, "2024", "calendar")
    assert year["xlsx"].name == "bao_cao_cchc_2024_calendar.xlsx"
    title = openpyxl.load_workbook(year["xlsx"])["Theo cấp"]["A2"].value
    assert title == "Kỳ báo cáo: Năm 2024 (kỳ dương lịch, 01/01–31/12)"
    half = write_report(analytics, tmp_path, "2024-H1")
    title = openpyxl.load_workbook(half["xlsx"])["Theo cấp"]["A2"].value
    assert title == "Kỳ báo cáo: 6 tháng đầu năm 2024 (kỳ chính thức, 15/12/2023–14/06/2024)"


def test_unknown_period_is_refused_with_the_periods_there_are(
    analytics: Path, tmp_path: Path
) -> None:
    with pytest.raises(LookupError, match="2030-Q1"):
        write_report(analytics, tmp_path, "2030-Q1")
    with pytest.raises(ValueError):
        write_report(analytics, tmp_path, "2024-Q2", "lunar")


# --- HTML ------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def page(report: dict[str, Path]) -> _Page:
    parser = _Page()
    parser.feed(report["html"].read_text(encoding="utf-8"))
    return parser


def test_html_is_vietnamese_utf8(page: _Page) -> None:
    html = next(attrs for tag, attrs in page.tags if tag == "html")
    assert html["lang"] == "vi"
    assert ("meta", {"charset": "utf-8"}) in page.tags
    assert "Kỳ báo cáo: Quý 2/2024 (kỳ chính thức, 15/03–14/06)" in page.text


def test_html_has_a_trend_chart_per_indicator(page: _Page) -> None:
    charts = [a["data-indicator"] for t, a in page.tags if t == "svg" and a.get("data-indicator")]
    assert sorted(charts) == sorted(INDICATORS)
    # Eight quarters on each axis, ending with the report's quarter.
    assert page.text.count("Q2/24") >= len(INDICATORS)
    assert "Q3/22" in page.text


def test_html_draws_target_lines_where_a_target_applies(report: dict[str, Path]) -> None:
    html = report["html"].read_text(encoding="utf-8")
    charts = {chunk.split('"', 1)[0]: chunk for chunk in html.split('data-indicator="')[1:]}
    assert 'class="target"' in charts["online_rate"].split("</svg>", 1)[0]
    assert 'class="target"' not in charts["full_online_uptake_rate"].split("</svg>", 1)[0]


def test_html_shows_vietnamese_figures(page: _Page, analytics: Path) -> None:
    ((rate,),) = query(
        analytics,
        "select rate from marts.service_rates where calendar = 'official' and grain = 'quarter'"
        " and period_key = '2024-Q2' and scope_type = 'province' and indicator = 'online_rate'",
    )
    assert fmt_percent(rate) in page.text
    assert "Chưa đo được" in page.text  # service-index items no source measures
    assert "Sở Công Thương" in page.text  # agency ranking uses names


def test_html_is_self_contained(page: _Page, report: dict[str, Path]) -> None:
    for tag, attrs in page.tags:
        for name in ("src", "href", "xlink:href"):
            assert not (attrs.get(name) or "").startswith(("http://", "https://", "//")), tag
        assert tag not in ("link", "script", "img", "iframe"), tag
    assert "@import" not in report["html"].read_text(encoding="utf-8")
