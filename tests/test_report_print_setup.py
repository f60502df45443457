"""The workbook prints as an official expects: read back with openpyxl (issue 12, item 12)."""

from __future__ import annotations

import openpyxl
import pytest

from orchestration.reports import write_report
from orchestration.reports.tables import plan_section
from orchestration.reports.workbook import SHEETS
from tests.support.marts_fixture import build_marts_db


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    tmp = tmp_path_factory.mktemp("print")
    analytics = build_marts_db(tmp / "analytics.duckdb")
    return openpyxl.load_workbook(write_report(analytics, tmp / "out", "2024-Q2")["xlsx"])


@pytest.mark.parametrize("name", SHEETS)
def test_every_sheet_prints_landscape_one_page_wide_with_repeated_header(
    workbook: openpyxl.Workbook, name: str
) -> None:
    sheet = workbook[name]
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth absent means 1 (the OOXML default, which xlsxwriter does not write).
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    # The table's header row, on every page.
    assert sheet.print_title_rows.replace("$", "") == "5:5"
    # The print area covers everything written, and nothing beyond it.
    area = str(sheet.print_area).replace("$", "").split("!")[-1]
    assert area == f"A1:{sheet.cell(sheet.max_row, sheet.max_column).coordinate}"


@pytest.mark.parametrize("name", SHEETS)
def test_every_table_sheet_has_an_autofilter_on_its_header(
    workbook: openpyxl.Workbook, name: str
) -> None:
    sheet = workbook[name]
    ref = sheet.auto_filter.ref
    assert ref, name
    first, last = ref.split(":")
    assert first == "A5"
    header = [c.value for c in sheet[5] if c.value is not None]
    assert openpyxl.utils.column_index_from_string(last.rstrip("0123456789")) == len(header)


def test_province_filter_covers_the_indicator_table_only(workbook: openpyxl.Workbook) -> None:
    assert workbook["Tổng hợp toàn tỉnh"].auto_filter.ref == "A5:H18"  # 13 indicators


def test_no_dash_text_anywhere_missing_figures_are_empty_and_explained(
    workbook: openpyxl.Workbook,
) -> None:
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.value != "—", (sheet.title, cell.coordinate)
    agencies = workbook["Theo đơn vị"]
    header = [c.value for c in agencies[5]]
    commune = next(r for r in agencies.iter_rows(min_row=6) if r[0].value == "000.21.31.T01")
    online = commune[header.index("Trực tuyến")]
    # Nothing received: no rate, an empty cell that keeps its number format (not 0).
    assert online.value is None and online.number_format == "0.0%"
    assert "ô trống: không có số liệu" in agencies["A3"].value


def test_targets_cite_the_plan_section_not_an_internal_file(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["Chỉ tiêu kế hoạch"]
    header = [c.value for c in sheet[5]]
    assert "Nguồn" not in header
    column = header.index("Mục trong kế hoạch")
    sections = [r[column] for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]]
    assert sections and all(s.startswith(("Mục ", "Phụ lục ")) for s in sections)
    every_text = [v for s in workbook for r in s.iter_rows(values_only=True) for v in r]
    assert not any(isinstance(v, str) and (".txt" in v or "marts." in v) for v in every_text)


def test_plan_section_drops_the_extracted_file_name() -> None:
    assert plan_section("001_ce59746d853f6be3.txt II.2(2)") == "Mục II.2(2)"
    assert plan_section("004_f76b48a4b12a19b8.txt Phụ lục II.6") == "Phụ lục II.6"
    assert plan_section("III.3.1") == "Mục III.3.1"
    assert plan_section("001_x.txt") is None and plan_section(None) is None
