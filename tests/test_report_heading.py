"""The report carries a Vietnamese administrative heading and the province's own name
(issue 12, item 11): from settings, with defaults from the catalogue's province code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from orchestration.reports import write_report
from orchestration.reports.heading import MOTTO, NATIONAL_TITLE, report_heading
from orchestration.settings import ISSUING_BODY_ENV, PROVINCE_NAME_ENV
from tests.support.browser import capture
from tests.support.marts_fixture import build_marts_db


@pytest.fixture
def no_issuer_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROVINCE_NAME_ENV, raising=False)
    monkeypatch.delenv(ISSUING_BODY_ENV, raising=False)


def test_defaults_name_the_province_by_its_catalogue_code(no_issuer_settings: None) -> None:
    heading = report_heading("T01", dt.datetime(2024, 7, 5, 9, 30), dt.date(2024, 6, 14))
    assert heading.province_name == "Tỉnh T01"
    assert heading.left == ["ỦY BAN NHÂN DÂN TỈNH T01", "Số: ......../BC-CCHC"]
    # The publication's date, not today's: the same data gives the same report.
    assert heading.right == [NATIONAL_TITLE, MOTTO, "T01, ngày 05 tháng 07 năm 2024"]


def test_settings_name_the_province_and_the_issuing_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROVINCE_NAME_ENV, "Tỉnh Lào Cai")
    monkeypatch.setenv(ISSUING_BODY_ENV, "Văn phòng UBND tỉnh Lào Cai")
    heading = report_heading("T01", None, dt.date(2024, 6, 14))  # unpublished: period end
    assert heading.left[0] == "VĂN PHÒNG UBND TỈNH LÀO CAI"
    assert heading.place_and_date == "Lào Cai, ngày 14 tháng 06 năm 2024"


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv(PROVINCE_NAME_ENV, "Thành phố Hải Phòng")
    monkeypatch.delenv(ISSUING_BODY_ENV, raising=False)
    analytics = build_marts_db(tmp_path / "analytics.duckdb")
    return write_report(analytics, tmp_path / "out", "2024-Q2")


def test_every_printed_page_of_the_workbook_carries_the_heading(
    report: dict[str, Path],
) -> None:
    book = openpyxl.load_workbook(report["xlsx"])
    for sheet in book:
        header = sheet.oddHeader
        # "&B" switches bold on and off around the issuing body and the quốc hiệu.
        assert header.left.text.startswith("&B") and header.right.text.startswith("&B")
        assert header.left.text.replace("&B", "").splitlines() == [
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
            "Số: ......../BC-CCHC",
        ], sheet.title
        right = header.right.text.replace("&B", "").splitlines()
        assert right[:2] == [NATIONAL_TITLE, MOTTO]
        assert right[2].startswith("Hải Phòng, ngày ")
    title = book.worksheets[0]["A1"].value
    assert title.endswith("TOÀN THÀNH PHỐ HẢI PHÒNG")


def test_the_page_shows_the_heading_as_a_person_sees_it(
    report: dict[str, Path], tmp_path: Path
) -> None:
    page = capture(report["html"], tmp_path / "report.png")
    assert page.screenshot.stat().st_size > 10_000  # a drawn page, not a blank one
    body = page.dom.split("<body>", 1)[1]
    # Quốc hiệu and the issuing body come before the report's title, as on paper.
    assert body.index(NATIONAL_TITLE) < body.index("<h1>")
    assert body.index("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG") < body.index("<h1>")
    assert "Toàn tỉnh: Thành phố Hải Phòng" in body
