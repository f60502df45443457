"""Biểu số 06/VPCP/KSTT agency report extraction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from orchestration.extract.bieu06 import extract_bieu06
from orchestration.extract.types import RejectedFile
from orchestration.load.ddl import column_names
from orchestration.validate.report_schema import COUNT_COLUMNS

EXAMPLE = (
    Path(__file__).parent
    / "fixtures"
    / "contract_examples"
    / "agency_reports"
    / "bieu06_so_tu_phap_2024Q1.xlsx"
)
LABEL = "agency_reports/2024/bieu06.xlsx"
FIELD_ROW = [1, "Lý lịch tư pháp", 22, 9, 13, 0, 18, 13, 5, 0, 1, 1, 0]
TOTAL_ROW = [None, "Tổng cộng", 22, 9, 13, 0, 18, 13, 5, 0, 1, 1, 0]
WINDOW = "(Từ ngày 15/12/2023 đến ngày 14/03/2024)"
CODE = "Mã đơn vị: 000.00.05.T01"


def write_report(
    path: Path,
    data: list[list[object]] | None = None,
    *,
    code_cells: dict[str, object] | None = None,
    window: str | None = WINDOW,
    numbered: bool = True,
    after: list[list[object]] | None = None,
    width: int = 13,
    header: bool = True,
) -> Path:
    """A workbook laid out as the official form (as in the contract example)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Biểu số 06/VPCP/KSTT"
    sheet["K1"] = "Ban hành theo Thông tư số 01/2020/TT-VPCP"
    sheet["A2"] = "Đơn vị báo cáo: Sở Tư pháp"
    for cell, value in (code_cells if code_cells is not None else {"H2": CODE}).items():
        sheet[cell] = value
    sheet["A3"] = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
    if window is not None:
        sheet["A4"] = window
    sheet["A5"] = "Đơn vị tính: Số hồ sơ TTHC"
    labels = [
        "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính",
        "Từ kỳ trước",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
    ]
    if header:
        sheet["A6"], sheet["B6"] = "STT", "Lĩnh vực, công việc giải quyết theo cấp"
        sheet["C6"], sheet["G6"] = "Số hồ sơ nhận giải quyết", "Kết quả giải quyết"
        sheet["C7"], sheet["D7"] = "Tổng số", "Trong đó"
        sheet["G7"], sheet["K7"] = "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết"
        for offset, label in enumerate(labels[: width - 3]):
            sheet.cell(row=8, column=4 + offset, value=label)
        if width == 13:
            for cells in ("C6:F6", "G6:M6", "D7:F7", "G7:J7", "K7:M7"):
                sheet.merge_cells(cells)
    row = 9
    if numbered:
        for column in range(1, width + 1):
            sheet.cell(row=row, column=column, value=f"({column})")
        row += 1
    for values in [*(data if data is not None else [FIELD_ROW, TOTAL_ROW]), *(after or [])]:
        for column, value in enumerate(values[:width], start=1):
            sheet.cell(row=row, column=column, value=value)
        row += 1
    workbook.save(path)
    return path


def counts(row) -> list[int]:
    return [int(row[c]) for c in COUNT_COLUMNS]


def test_example_parses_exactly() -> None:
    result = extract_bieu06(EXAMPLE, "agency_reports/bieu06_so_tu_phap_2024Q1.xlsx")
    assert result.layout == "bieu06"
    assert result.header == {
        "agency_code": "000.00.05.T01",
        "period_start": date(2023, 12, 15),
        "period_end": date(2024, 3, 14),
    }
    assert (result.rows_read, len(result.rows), len(result.quarantined)) == (2, 2, 0)
    rows = result.rows
    assert list(rows.columns) == [c for c in column_names("agency_report_rows") if c != "file_path"]
    field, total = rows.iloc[0], rows.iloc[1]
    assert (field["row_number"], field["stt"], field["field_name"], field["is_total"]) == (
        10,
        "1",
        "Lý lịch tư pháp",
        False,
    )
    assert counts(field) == [22, 9, 13, 0, 18, 13, 5, 0, 1, 1, 0]
    assert (total["row_number"], total["stt"], total["field_name"], total["is_total"]) == (
        11,
        None,
        "*",
        True,
    )
    assert counts(total) == [22, 9, 13, 0, 18, 13, 5, 0, 1, 1, 0]
    assert all(str(rows[c].dtype) == "int64" for c in COUNT_COLUMNS)


def test_built_report_matches_example(tmp_path: Path) -> None:
    built = extract_bieu06(write_report(tmp_path / "r.xlsx"), LABEL)
    example = extract_bieu06(EXAMPLE, LABEL)
    assert built.header == example.header
    assert built.rows.equals(example.rows)


def test_without_numbered_row(tmp_path: Path) -> None:
    result = extract_bieu06(write_report(tmp_path / "r.xlsx", numbered=False), LABEL)
    assert result.rows["row_number"].tolist() == [9, 10]
    assert result.rows["field_name"].tolist() == ["Lý lịch tư pháp", "*"]
    assert result.rows_read == 2


def test_text_counts_with_thousands_separator_and_empty_cells(tmp_path: Path) -> None:
    data = [
        [1, "Hộ tịch", "1.234", "1.000", 234, None, "12", 10.0, "", 2, "  ", None, None],
        ["2", "Chứng thực", 5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 0],
        [None, "Tổng cộng", "1.239", "1.005", 234, 0, 17, 15, 0, 2, 0, 0, 0],
    ]
    result = extract_bieu06(write_report(tmp_path / "r.xlsx", data), LABEL)
    rows = result.rows
    assert counts(rows.iloc[0]) == [1234, 1000, 234, 0, 12, 10, 0, 2, 0, 0, 0]
    assert rows["stt"].tolist() == ["1", "2", None]
    assert counts(rows.iloc[2])[:2] == [1239, 1005]


def test_blank_rows_skipped_and_everything_after_total_ignored(tmp_path: Path) -> None:
    data = [FIELD_ROW, [None] * 13, TOTAL_ROW]
    after = [
        [],
        [None, "Người lập biểu", None, None, None, None, None, None, "Thủ trưởng đơn vị"],
        [None, "(Ký, ghi rõ họ tên)", None, None, None, None, None, None, "ngày 15/03/2024"],
        [3, "Lĩnh vực sau tổng", "abc"],
    ]
    result = extract_bieu06(write_report(tmp_path / "r.xlsx", data, after=after), LABEL)
    assert result.rows["row_number"].tolist() == [10, 12]
    assert result.rows_read == 2
    assert result.quarantined.empty


def test_window_without_parentheses_and_code_in_next_cell(tmp_path: Path) -> None:
    path = write_report(
        tmp_path / "r.xlsx",
        window="Kỳ báo cáo: Quý I năm 2024 - Từ ngày 15/12/2023 đến ngày 14/03/2024",
        code_cells={"J2": "MÃ ĐƠN VỊ:", "K2": "000.00.05.T01"},
    )
    result = extract_bieu06(path, LABEL)
    assert result.header["agency_code"] == "000.00.05.T01"
    assert (result.header["period_start"], result.header["period_end"]) == (
        date(2023, 12, 15),
        date(2024, 3, 14),
    )


def test_identity_rules_not_checked_values_kept(tmp_path: Path) -> None:
    broken = [1, "Lý lịch tư pháp", 99, 9, 13, 0, 18, 13, 5, 0, 1, 1, 0]
    total = [None, "Tổng cộng", 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    result = extract_bieu06(write_report(tmp_path / "r.xlsx", [broken, total]), LABEL)
    assert result.quarantined.empty
    assert result.rows["received_total"].tolist() == [99, 7]


def test_row_quarantine_reasons(tmp_path: Path) -> None:
    data = [
        [1, "Hộ tịch", "abc", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 10 bad_count
        [2, "Chứng thực", 1, -1, 0, 0, 1.5, 0, 0, 0, 0, 0, "1,234"],  # 11 bad_count x3
        [3, None, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 12 missing_field_name
        [4, "  ", "abc", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 13 missing name comes first
        [5, "Đất đai", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 14 ok
        [None, "Tổng cộng", 4, 4, 0, 0, "12.5", 0, 0, 0, 0, 0, 0],  # 15 bad_count
    ]
    result = extract_bieu06(write_report(tmp_path / "r.xlsx", data), LABEL)
    q = result.quarantined
    assert dict(zip(q["row_number"], q["reason"], strict=True)) == {
        10: "bad_count",
        11: "bad_count",
        12: "missing_field_name",
        13: "missing_field_name",
        15: "bad_count",
    }
    detail = dict(zip(q["row_number"], q["detail"], strict=True))
    assert detail[10] == "cột / column (3)='abc'"
    assert detail[11] == "cột / column (4)='-1'; (7)='1.5'; (13)='1,234'"
    assert detail[15] == "cột / column (7)='12.5'"
    assert detail[12] == "cột / column (2)='' (STT='3')"
    assert result.rows["row_number"].tolist() == [14]
    assert result.rows_read == 6


def test_formula_without_cached_value_is_bad_count(tmp_path: Path) -> None:
    total = [None, "Tổng cộng", "=C10", 9, 13, 0, 18, 13, 5, 0, 1, 1, 0]
    result = extract_bieu06(write_report(tmp_path / "r.xlsx", [FIELD_ROW, total]), LABEL)
    q = result.quarantined
    assert q["reason"].tolist() == ["bad_count"]
    assert "(3)" in q["detail"].iloc[0] and "formula" in q["detail"].iloc[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code_cells": {}}, "no 'Mã đơn vị: <agency code>' above the table"),
        ({"code_cells": {"H2": "Mã đơn vị:"}}, "no 'Mã đơn vị: <agency code>' above the table"),
        ({"window": None}, "no report window"),
        ({"window": "(Từ ngày 31/02/2024 đến ngày 14/03/2024)"}, "invalid date in report window"),
        (
            {"window": "Từ ngày 15/03/2024 đến ngày 14/03/2024"},
            "report window ends before it starts",
        ),
        ({"header": False}, "no table header row (STT, Lĩnh vực)"),
        ({"data": [FIELD_ROW]}, "no 'Tổng cộng' row"),
        ({"width": 12}, "table has 12 columns, form 06 needs 13"),
    ],
)
def test_rejections(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    path = write_report(tmp_path / "r.xlsx", **kwargs)
    with pytest.raises(RejectedFile) as info:
        extract_bieu06(path, LABEL)
    text = str(info.value)
    assert text.startswith(f"{LABEL}: ")
    assert message in text
    # Vietnamese first, English after " / ".
    assert text.index(" / ") < text.index(message)


def test_not_a_workbook_rejected(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_text("STT,Lĩnh vực\n", encoding="utf-8")
    with pytest.raises(RejectedFile, match=f"^{LABEL}: không đọc được tệp XLSX / not a readable"):
        extract_bieu06(path, LABEL)
