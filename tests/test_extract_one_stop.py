"""One-stop dossier exports, layouts A and B (orchestration.extract.one_stop).

The contract examples are read in place (never modified); every quirk is a small file
written by the test itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.extract import jsonl_table
from orchestration.extract.headers import strip_diacritics
from orchestration.extract.one_stop import REASONS, ROW_COLUMNS, extract_one_stop
from orchestration.extract.one_stop_layouts import (
    LAYOUT_A,
    LAYOUT_B,
    PERSONAL_HEADERS,
    WANTED_HEADERS,
)
from orchestration.extract.types import Extracted, RejectedFile
from orchestration.load.ddl import column_names
from orchestration.validate.dossier_schema import DossierSchemaError, validate_dossier_rows

EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples"
ONE_STOP = EXAMPLES / "one_stop"
AGENCIES = frozenset(pd.read_csv(EXAMPLES / "reference" / "agencies.csv", dtype=str)["agency_code"])
AGENCY = "000.00.01.T01"

# The applicant, as a test writes it: none of it may come out of the extractor.
PERSON_A = {
    "Chủ hồ sơ": "Nguyễn Thị Bí Mật",
    "Số giấy tờ": "079912345678",
    "Địa chỉ": "12 Phố Huế, Hà Nội",
    "Số điện thoại": "0912000111",
    "Thư điện tử": "bimat@example.vn",
}
PERSON_B = dict(zip(LAYOUT_B.personal, PERSON_A.values(), strict=True))


def a_row(**overrides: str) -> dict[str, str]:
    """A valid layout A row, keyed by header; overrides use the header as key."""
    row = {
        "STT": "1",
        "Mã hồ sơ": "000.00.01.T01-240102-0001",
        "Mã thủ tục": "1.004210",
        "Tên thủ tục": "Thủ tục điện số 1",
        "Mã cơ quan": AGENCY,
        **PERSON_A,
        "Kênh nộp": "Trực tiếp",
        "Mức độ": "Toàn trình",
        "Ngày tiếp nhận": "02/01/2024 08:00:00",
        "Ngày hẹn trả": "05/01/2024 17:00:00",
        "Ngày hoàn thành": "",
        "Ngày trả": "",
        "Trạng thái": "Đang xử lý",
        "Số hóa thành phần": "Có",
        "Tái sử dụng": "",
        "Kết quả điện tử": "Không",
        "Thu phí": "x",
        "Thanh toán trực tuyến": "",
        "Đánh giá": "",
        "Ngày cập nhật": "02/01/2024 09:00:00",
        "Ghi chú": "cột không biết / unknown column",
    }
    row.update(overrides)
    return row


def b_row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "MaHoSo": "000.00.01.T01-240102-0001",
        "MaTTHC": "1.004210",
        "MaDonVi": AGENCY,
        **PERSON_B,
        "KenhThucHien": "1",
        "MucDo": "4",
        "NgayTiepNhan": "20240102080000",
        "NgayHenTra": "20240105170000",
        "NgayKetThucXuLy": "",
        "NgayTra": "",
        "TrangThaiHoSo": "4",
        "DaSoHoa": "1",
        "TaiSuDung": "",
        "DinhKemKetQua": "",
        "CoThuPhi": "true",
        "ThanhToanTrucTuyen": "0",
        "DanhGia": "0",
        "NgayCapNhat": "20240102090000",
    }
    row.update(overrides)
    return row


def csv_text(rows: list[dict[str, object]], sep: str = ",", header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    header = header or list(rows[0])
    writer.writerow(header)
    writer.writerows([row.get(h, "") for h in header] for row in rows)
    return out.getvalue()


def write_csv(path: Path, rows: list[dict[str, object]], **kwargs: object) -> Path:
    path.write_text(csv_text(rows, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path


def write_jsonl(path: Path, records: list[dict[str, object] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def extract(path: Path) -> Extracted:
    return extract_one_stop(path, f"one_stop/{path.name}", AGENCIES)


def only_row(result: Extracted) -> pd.Series:
    assert result.quarantined.empty, result.quarantined.to_dict("records")
    assert len(result.rows) == 1
    return result.rows.iloc[0]


# --- contract examples --------------------------------------------------------------------

EXAMPLE_FILES = {
    "layout_a_utf8.csv": ("A", list(range(2, 27))),
    "layout_a_title_block.xlsx": ("A", list(range(5, 30))),
    "layout_b_iso_dates.csv": ("B", list(range(2, 27))),
    "layout_b.jsonl": ("B", list(range(1, 26))),
}


@pytest.fixture(scope="module")
def examples() -> dict[str, Extracted]:
    return {name: extract(ONE_STOP / name) for name in EXAMPLE_FILES}


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_parses_to_layout_and_row_count(examples: dict[str, Extracted], name: str) -> None:
    layout, row_numbers = EXAMPLE_FILES[name]
    result = examples[name]
    assert result.layout == layout
    assert result.rows_read == 25
    assert result.quarantined.empty
    assert result.rows["row_number"].tolist() == row_numbers
    assert list(result.rows.columns) == [
        c for c in column_names("dossier_versions") if c != "file_path"
    ]
    assert set(result.rows["layout"]) == {layout}


def _by_row(result: Extracted, row_number: int) -> dict[str, object]:
    return result.rows.set_index("row_number").loc[row_number].to_dict()


def test_layout_a_csv_row_2_hand_checked(examples: dict[str, Extracted]) -> None:
    row = _by_row(examples["layout_a_utf8.csv"], 2)
    assert row == {
        "layout": "A",
        "dossier_code": "000.00.12.T01-240102-0001",
        "procedure_code": "2.004985",
        "agency_code": "000.00.12.T01",
        "channel": "online",  # Trực tuyến
        "service_level": "partial",  # Một phần
        "received_at": pd.Timestamp("2024-01-02 13:04:00"),
        "due_at": pd.Timestamp("2024-01-07 17:00:00"),
        "completed_at": pd.NaT,
        "returned_at": pd.NaT,
        "status": 4,  # Đang xử lý
        "is_digitized": True,  # x
        "is_reused": False,  # Không
        "has_e_result": False,  # Không
        "owes_fee": False,  # Không
        "paid_online": False,  # empty
        "rating": None,
        "updated_at": pd.Timestamp("2024-01-02 22:59:00"),
    }


def test_layout_a_csv_aliases_and_closed_versions(examples: dict[str, Extracted]) -> None:
    result = examples["layout_a_utf8.csv"]
    postal = _by_row(result, 3)  # Dịch vụ bưu chính, Cung cấp thông tin
    assert (postal["channel"], postal["service_level"]) == ("postal", "info")
    assert _by_row(result, 5)["service_level"] == "partial"  # Mức độ 3
    assert _by_row(result, 13)["service_level"] == "full"  # Mức 4
    assert _by_row(result, 16)["service_level"] == "info"  # Mức độ 2
    returned = _by_row(result, 14)  # STT 13: Đã trả kết quả, Mức độ 4
    assert returned["status"] == 10
    assert returned["service_level"] == "full"
    assert returned["completed_at"] == pd.Timestamp("2024-01-03 19:42:35")
    assert returned["returned_at"] == pd.Timestamp("2024-01-04 20:42:35")
    assert (returned["is_digitized"], returned["has_e_result"], returned["owes_fee"]) == (
        True,
        True,
        False,
    )
    assert _by_row(result, 21)["rating"] == "very_satisfied"  # STT 20: Rất hài lòng
    assert _by_row(result, 7)["status"] == 8  # STT 6: Dừng xử lý


def test_xlsx_example_native_dates_and_sheet_rows(examples: dict[str, Extracted]) -> None:
    row = _by_row(examples["layout_a_title_block.xlsx"], 11)  # STT 7, sheet row 11
    assert row["dossier_code"] == "000.00.11.T01-240103-0001"
    assert row["status"] == 9
    assert row["rating"] == "very_satisfied"
    assert row["completed_at"] == pd.Timestamp("2024-01-03 19:46:32")
    assert row["updated_at"] == pd.Timestamp("2024-01-03 22:18:32")


def test_layout_b_examples_hand_checked(examples: dict[str, Extracted]) -> None:
    jsonl = examples["layout_b.jsonl"]
    line_8 = _by_row(jsonl, 8)  # DinhKemKetQua holds a URL
    assert (line_8["has_e_result"], line_8["status"], line_8["owes_fee"]) == (True, 9, False)
    line_7 = _by_row(jsonl, 7)  # DanhGia 1, TaiSuDung "1", KenhThucHien 1 (numbers in JSON)
    assert (line_7["rating"], line_7["is_reused"], line_7["channel"]) == (
        "very_satisfied",
        True,
        "in_person",
    )
    stopped = _by_row(examples["layout_b_iso_dates.csv"], 7)  # status 8, empty flags
    assert stopped["status"] == 8
    assert stopped["completed_at"] == pd.Timestamp("2024-01-03 10:46:00")
    assert (stopped["is_digitized"], stopped["is_reused"], stopped["owes_fee"]) == (
        False,
        False,
        True,
    )


def test_same_dossiers_map_to_same_values_in_every_layout(examples: dict[str, Extracted]) -> None:
    frames = [r.rows.drop(columns=["row_number", "layout"]) for r in examples.values()]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


# --- encodings, delimiters, headers -------------------------------------------------------


def test_utf8_bom_and_semicolon(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + csv_text([a_row()], sep=";").encode("utf-8"))
    row = only_row(extract(path))
    assert (row["dossier_code"], row["channel"], row["row_number"]) == (
        "000.00.01.T01-240102-0001",
        "in_person",
        2,
    )


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_utf16_with_bom_and_tab(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(bom + csv_text([a_row(), a_row(STT="2")], sep="\t").encode(codec))
    result = extract(path)
    assert result.rows["row_number"].tolist() == [2, 3]
    assert result.rows["status"].tolist() == [4, 4]


def test_nfd_headers_and_values(tmp_path: Path) -> None:
    row = {
        unicodedata.normalize("NFD", k): unicodedata.normalize("NFD", v) for k, v in a_row().items()
    }
    result = extract(write_csv(tmp_path / "nfd.csv", [row]))
    assert (result.layout, only_row(result)["channel"], only_row(result)["status"]) == (
        "A",
        "in_person",
        4,
    )


def test_diacritic_free_upper_case_headers(tmp_path: Path) -> None:
    row = {
        strip_diacritics(k).upper(): v for k, v in a_row(**{"Trạng thái": "DA XU LY XONG"}).items()
    }
    row["NGAY HOAN THANH"] = "03/01/2024 10:00:00"
    result = extract(write_csv(tmp_path / "upper.csv", [row]))
    assert result.layout == "A"
    assert only_row(result)["status"] == 9
    assert only_row(result)["completed_at"] == pd.Timestamp("2024-01-03 10:00:00")


def test_layout_a_date_formats(tmp_path: Path) -> None:
    rows = [
        a_row(**{"Ngày tiếp nhận": "02/01/2024 08:01:02"}),
        a_row(**{"Ngày tiếp nhận": "02/01/2024 08:01"}),
        a_row(
            **{"Ngày tiếp nhận": "12/01/2024", "Ngày hẹn trả": "", "Ngày cập nhật": "13/01/2024"}
        ),
    ]
    result = extract(write_csv(tmp_path / "dates.csv", rows))
    assert result.rows["received_at"].tolist() == [
        pd.Timestamp("2024-01-02 08:01:02"),
        pd.Timestamp("2024-01-02 08:01"),
        pd.Timestamp("2024-01-12"),  # day first: 12 January, never 1 December
    ]


def test_layout_b_date_formats(tmp_path: Path) -> None:
    rows = [
        b_row(NgayTiepNhan="20240102080102"),
        b_row(NgayTiepNhan="2024-01-02T08:01:02", NgayCapNhat="2024-01-02T09:00:00"),
    ]
    result = extract(write_csv(tmp_path / "b.csv", rows))
    assert result.layout == "B"
    assert result.rows["received_at"].tolist() == [pd.Timestamp("2024-01-02 08:01:02")] * 2
    assert result.rows["updated_at"].tolist() == [pd.Timestamp("2024-01-02 09:00:00")] * 2


@pytest.mark.parametrize("layout", [LAYOUT_A, LAYOUT_B])
def test_absent_optional_columns(tmp_path: Path, layout) -> None:
    full = a_row() if layout is LAYOUT_A else b_row()
    required = [layout.spelled(f) for f in layout.required]
    result = extract(write_csv(tmp_path / "minimal.csv", [{h: full[h] for h in required}]))
    row = only_row(result)
    assert result.layout == layout.name
    assert row["service_level"] is None  # the catalogue's applies later
    assert row["rating"] is None
    assert pd.isna(row["due_at"]) and pd.isna(row["completed_at"]) and pd.isna(row["returned_at"])
    flags = ["is_digitized", "is_reused", "has_e_result", "owes_fee", "paid_online"]
    assert [row[f] for f in flags] == [False] * 5


def test_jsonl_numbers_nulls_and_blank_lines(tmp_path: Path) -> None:
    records: list[dict[str, object] | str] = [
        b_row(KenhThucHien=2, MucDo=3, TrangThaiHoSo=10, DanhGia=2, NgayTiepNhan=20240102080000)
        | {"NgayKetThucXuLy": "20240103080000", "DinhKemKetQua": "kq.pdf", "DaSoHoa": True},
        "",
        "   ",
        b_row(MucDo=None, NgayHenTra=None, DanhGia=None, DaSoHoa=None, DinhKemKetQua=None)
        | {"TaiSuDung": 1, "CoThuPhi": 0, "ThanhToanTrucTuyen": False},
    ]
    result = extract(write_jsonl(tmp_path / "b.jsonl", records))
    assert result.quarantined.empty
    first, second = (r for _, r in result.rows.iterrows())
    assert result.rows["row_number"].tolist() == [1, 4]  # blank lines keep their numbers
    assert (first["channel"], first["service_level"], first["status"], first["rating"]) == (
        "online",
        "partial",
        10,
        "satisfied",
    )
    assert first["received_at"] == pd.Timestamp("2024-01-02 08:00:00")
    assert (first["has_e_result"], first["is_digitized"]) == (True, True)
    assert second["service_level"] is None and second["rating"] is None
    assert pd.isna(second["due_at"])
    assert (second["is_reused"], second["owes_fee"], second["paid_online"]) == (True, False, False)
    assert (second["is_digitized"], second["has_e_result"]) == (False, False)


def test_jsonl_key_holding_numbers_and_strings_takes_the_slow_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    slow = jsonl_table._read_line_by_line

    def spy(*args: object, **kwargs: object) -> pd.DataFrame:
        calls.append(1)
        return slow(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jsonl_table, "_read_line_by_line", spy)
    records = [
        b_row(TrangThaiHoSo=4),
        b_row(TrangThaiHoSo="Đã xử lý xong", NgayKetThucXuLy="20240103080000"),
    ]
    result = extract(write_jsonl(tmp_path / "mixed.jsonl", records))
    assert calls == [1]
    assert result.rows["status"].tolist() == [4, 9]


def test_jsonl_typed_keys_take_the_arrow_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> pd.DataFrame:
        raise AssertionError("slow path used")

    monkeypatch.setattr(jsonl_table, "_read_line_by_line", fail)
    records = [
        b_row(KenhThucHien=1, DaSoHoa=True, DanhGia=3),
        b_row(KenhThucHien=3, DaSoHoa=False, DanhGia=None),
    ]
    result = extract(write_jsonl(tmp_path / "typed.jsonl", records))
    assert result.rows["channel"].tolist() == ["in_person", "postal"]
    assert result.rows["is_digitized"].tolist() == [True, False]
    assert result.rows["rating"].tolist() == ["dissatisfied", None]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_title_block_footer_and_native_dates(tmp_path: Path) -> None:
    header = list(a_row())
    first = a_row(**{"Ngày tiếp nhận": datetime(2024, 1, 2, 8, 0), "Mã hồ sơ": "HS-1"})  # type: ignore[arg-type]
    second = a_row(**{"Mã hồ sơ": "HS-2", "Trạng thái": 4})  # type: ignore[arg-type]
    after_footer = a_row(**{"Mã hồ sơ": "HS-3"})
    path = _workbook(
        tmp_path / "a.xlsx",
        [
            ["DANH SÁCH HỒ SƠ"],
            ["Từ ngày 01/01/2024 đến ngày 07/01/2024"],
            [],
            header,
            [first[h] for h in header],
            [],  # a blank row inside the table is skipped, not a data row
            [second[h] for h in header],
            [],
            ["Tổng số: 2 hồ sơ"],
            [after_footer[h] for h in header],
        ],
    )
    result = extract(path)
    assert result.rows_read == 2
    assert result.rows["row_number"].tolist() == [5, 7]
    assert result.rows["dossier_code"].tolist() == ["HS-1", "HS-2"]
    assert result.rows["received_at"].tolist() == [pd.Timestamp("2024-01-02 08:00")] * 2
    assert result.rows["status"].tolist() == [4, 4]  # a numeric status cell


def test_csv_footer_line_ends_the_table(tmp_path: Path) -> None:
    text = csv_text([a_row(), a_row(STT="2")], header=[h for h in a_row() if h != "STT"])
    path = tmp_path / "footer.csv"
    path.write_text(text + "Tổng số: 2 hồ sơ\n", encoding="utf-8")
    result = extract(path)
    assert (result.rows_read, len(result.rows)) == (2, 2)


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    path = tmp_path / "header_only.csv"
    path.write_text(",".join(a_row()) + "\n", encoding="utf-8")
    result = extract(path)
    assert (result.layout, result.rows_read, len(result.rows), len(result.quarantined)) == (
        "A",
        0,
        0,
        0,
    )
    assert list(result.rows.columns) == ROW_COLUMNS


def test_unrecognised_flags_and_ratings_are_false_and_not_rated(tmp_path: Path) -> None:
    overrides = {"Số hóa thành phần": "có lẽ", "Thu phí": "?", "Đánh giá": "Bình thường"}
    row = only_row(extract(write_csv(tmp_path / "a.csv", [a_row(**overrides)])))
    assert (row["is_digitized"], row["owes_fee"], row["rating"]) == (False, False, None)


def test_codes_and_labels_are_accepted_in_either_layout(tmp_path: Path) -> None:
    overrides = {"Kênh nộp": "2", "Mức độ": "3", "Trạng thái": "4", "Đánh giá": "1"}
    row = only_row(extract(write_csv(tmp_path / "a.csv", [a_row(**overrides)])))
    assert (row["channel"], row["service_level"], row["status"], row["rating"]) == (
        "online",
        "partial",
        4,
        "very_satisfied",
    )
    record = b_row(KenhThucHien="Trực tuyến", MucDo="Một phần", TrangThaiHoSo="Đang xử lý")
    row = only_row(extract(write_jsonl(tmp_path / "b.jsonl", [record])))
    assert (row["channel"], row["service_level"], row["status"]) == ("online", "partial", 4)


def test_xlsx_quarantine_cites_native_dates(tmp_path: Path) -> None:
    header = list(a_row())
    row = a_row(
        **{  # type: ignore[arg-type]
            "Ngày tiếp nhận": datetime(2024, 1, 2, 8, 0),
            "Ngày hẹn trả": datetime(2024, 1, 1, 17, 0),
            "Ngày cập nhật": datetime(2024, 1, 2, 9, 0),
        }
    )
    result = extract(_workbook(tmp_path / "a.xlsx", [header, [row[h] for h in header]]))
    assert result.quarantined.to_dict("records") == [
        {
            "row_number": 2,
            "reason": "due_before_received",
            "detail": "Ngày hẹn trả='2024-01-01 17:00:00' < Ngày tiếp nhận='2024-01-02 08:00:00'",
        }
    ]


# --- quarantine ---------------------------------------------------------------------------

CASES_A = [
    ({"Mã hồ sơ": " "}, "missing_dossier_code", "Mã hồ sơ=''"),
    ({"Mã cơ quan": "000.99.99.X"}, "unknown_agency", "Mã cơ quan='000.99.99.X'"),
    ({"Mã cơ quan": ""}, "unknown_agency", "Mã cơ quan=''"),
    ({"Ngày tiếp nhận": ""}, "missing_received_date", "Ngày tiếp nhận=''"),
    ({"Ngày tiếp nhận": "31/02/2024"}, "bad_date", "Ngày tiếp nhận='31/02/2024'"),
    ({"Ngày trả": "2024-01-05"}, "bad_date", "Ngày trả='2024-01-05'"),
    ({"Ngày cập nhật": ""}, "bad_date", "Ngày cập nhật=''"),
    (
        {"Ngày hẹn trả": "01/01/2024 23:00"},
        "due_before_received",
        "Ngày hẹn trả='01/01/2024 23:00' < Ngày tiếp nhận='02/01/2024 08:00:00'",
    ),
    (
        {"Ngày hoàn thành": "01/01/2024", "Trạng thái": "Đã xử lý xong"},
        "completed_before_received",
        "Ngày hoàn thành='01/01/2024' < Ngày tiếp nhận='02/01/2024 08:00:00'",
    ),
    ({"Trạng thái": "Đã hủy"}, "unknown_status", "Trạng thái='Đã hủy'"),
    ({"Trạng thái": ""}, "unknown_status", "Trạng thái=''"),
    ({"Kênh nộp": "Fax"}, "unknown_channel", "Kênh nộp='Fax'"),
    ({"Mức độ": "Mức độ 1"}, "unknown_service_level", "Mức độ='Mức độ 1'"),
    (
        {"Trạng thái": "Đã trả kết quả"},
        "missing_completion_date",
        "Trạng thái='Đã trả kết quả', Ngày hoàn thành=''",
    ),
]


@pytest.mark.parametrize(("overrides", "reason", "detail"), CASES_A)
def test_each_quarantine_reason(
    tmp_path: Path, overrides: dict[str, str], reason: str, detail: str
) -> None:
    result = extract(write_csv(tmp_path / "q.csv", [a_row(), a_row(**overrides)]))
    assert result.rows["row_number"].tolist() == [2]
    assert result.quarantined.to_dict("records") == [
        {"row_number": 3, "reason": reason, "detail": detail}
    ]


def test_every_reason_is_covered() -> None:
    assert {reason for _, reason, _ in CASES_A} == set(REASONS)


def test_layout_b_quarantine_cites_field_names(tmp_path: Path) -> None:
    rows = [b_row(KenhThucHien="9"), b_row(MucDo="1"), b_row(NgayHenTra="20240101")]
    result = extract(write_csv(tmp_path / "b.csv", rows))
    assert result.quarantined[["reason", "detail"]].values.tolist() == [
        ["unknown_channel", "KenhThucHien='9'"],
        ["unknown_service_level", "MucDo='1'"],
        ["bad_date", "NgayHenTra='20240101'"],
    ]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"Mã hồ sơ": "", "Mã cơ quan": "X"}, "missing_dossier_code"),
        ({"Mã cơ quan": "X", "Ngày tiếp nhận": ""}, "unknown_agency"),
        ({"Ngày tiếp nhận": "", "Ngày hẹn trả": "bad"}, "missing_received_date"),
        ({"Ngày cập nhật": "bad", "Ngày hẹn trả": "01/01/2024"}, "bad_date"),
        ({"Ngày hẹn trả": "01/01/2024", "Ngày hoàn thành": "01/01/2024"}, "due_before_received"),
        ({"Ngày hoàn thành": "01/01/2024", "Trạng thái": "?"}, "completed_before_received"),
        ({"Trạng thái": "?", "Kênh nộp": "?"}, "unknown_status"),
        ({"Kênh nộp": "?", "Mức độ": "?"}, "unknown_channel"),
        ({"Mức độ": "?", "Trạng thái": "Đã xử lý xong"}, "unknown_service_level"),
    ],
)
def test_first_applicable_reason_wins(
    tmp_path: Path, overrides: dict[str, str], reason: str
) -> None:
    result = extract(write_csv(tmp_path / "q.csv", [a_row(**overrides)]))
    assert result.quarantined["reason"].tolist() == [reason]


def test_bad_date_cites_the_first_bad_column(tmp_path: Path) -> None:
    row = a_row(**{"Ngày trả": "x", "Ngày hẹn trả": "y"})
    result = extract(write_csv(tmp_path / "q.csv", [row]))
    assert result.quarantined["detail"].tolist() == ["Ngày hẹn trả='y'"]


def test_dates_are_compared_as_dates(tmp_path: Path) -> None:
    # Due and completion earlier on the day of receipt are not "before received".
    row = a_row(
        **{
            "Ngày tiếp nhận": "02/01/2024 15:00",
            "Ngày hẹn trả": "02/01/2024 09:00",
            "Ngày hoàn thành": "02/01/2024 08:00",
            "Trạng thái": "Đã xử lý xong",
        }
    )
    assert only_row(extract(write_csv(tmp_path / "q.csv", [row])))["status"] == 9


def test_unknown_procedure_code_is_not_quarantined(tmp_path: Path) -> None:
    row = only_row(extract(write_csv(tmp_path / "q.csv", [a_row(**{"Mã thủ tục": "9.999999"})])))
    assert row["procedure_code"] == "9.999999"


# --- rejected files -----------------------------------------------------------------------


def test_missing_required_headers_are_named(tmp_path: Path) -> None:
    header = [h for h in a_row() if h not in ("Ngày cập nhật", "Trạng thái")]
    path = write_csv(tmp_path / "partial.csv", [a_row()], header=header)
    with pytest.raises(RejectedFile) as error:
        extract(path)
    message = str(error.value)
    assert message.startswith("one_stop/partial.csv: ")
    assert "Trạng thái, Ngày cập nhật" in message
    assert "missing required headers" in message


def test_missing_required_fields_of_layout_b(tmp_path: Path) -> None:
    record = {k: v for k, v in b_row().items() if k != "NgayCapNhat"}
    with pytest.raises(RejectedFile, match="missing required headers \\(layout B\\): NgayCapNhat"):
        extract(write_jsonl(tmp_path / "b.jsonl", [record]))


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("corrupt.xlsx", b"PK\x03\x04 not really a zip", "cannot open workbook"),
        ("empty.csv", b"", "file is empty"),
        ("blank.jsonl", b"\n  \n", "file is empty"),
        ("export.xls", b"anything", "unsupported file type"),
        ("other.csv", "Họ tên,Ngày sinh\nA,01/01/2000\n".encode(), "no header row"),
        ("broken.jsonl", b'{"MaHoSo": "1"}\n{"MaHoSo": \n', "line 2 is not valid JSON"),
        ("array.jsonl", b'{"MaHoSo": "1"}\n[1, 2]\n', "line 2 is not a JSON object"),
    ],
)
def test_rejected_files(tmp_path: Path, name: str, content: bytes, match: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RejectedFile, match=match) as error:
        extract(path)
    assert str(error.value).startswith(f"one_stop/{name}: ")


def test_workbook_without_header_row_is_rejected(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "title_only.xlsx", [["DANH SÁCH HỒ SƠ"], ["Tổng số: 0 hồ sơ"]])
    with pytest.raises(RejectedFile, match="no header row found"):
        extract(path)


# --- personal data ------------------------------------------------------------------------


def _frame_text(result: Extracted) -> str:
    frames = [result.rows, result.quarantined]
    return "\n".join(
        " ".join(map(str, f.columns)) + "\n" + f.astype(str).to_csv(index=False) for f in frames
    )


def _example_personal_values() -> set[str]:
    values: set[str] = set()
    for path in (ONE_STOP / "layout_a_utf8.csv", ONE_STOP / "layout_b_iso_dates.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            if column in PERSON_A or column in PERSON_B:
                values.update(v for v in frame[column] if v)
    return values


def test_no_personal_data_leaves_the_examples(examples: dict[str, Extracted]) -> None:
    personal = _example_personal_values()
    assert "Hoàng Thu Hà" in personal and "208312402344" in personal
    for result in examples.values():
        text = _frame_text(result)
        assert not [value for value in personal if value in text]


def test_no_personal_data_in_quarantine_either(tmp_path: Path) -> None:
    rows = [a_row(), a_row(**{"Kênh nộp": "Fax"}), a_row(**{"Mã cơ quan": ""})]
    for result in (
        extract(write_csv(tmp_path / "a.csv", rows)),
        extract(write_jsonl(tmp_path / "b.jsonl", [b_row(), b_row(KenhThucHien=9)])),
    ):
        assert len(result.quarantined) >= 1
        text = _frame_text(result)
        assert not [value for value in PERSON_A.values() if value in text]
        assert not [header for header in (*PERSON_A, *PERSON_B) if header in text]


def test_personal_headers_are_never_wanted() -> None:
    assert not PERSONAL_HEADERS & WANTED_HEADERS
    assert len(PERSONAL_HEADERS) == 10


# --- schema -------------------------------------------------------------------------------


def test_schema_catches_extractor_bugs(examples: dict[str, Extracted]) -> None:
    good = examples["layout_a_utf8.csv"].rows
    assert validate_dossier_rows(good, "x") is not None
    broken = [
        good.assign(channel="fax"),
        good.assign(status=good["status"].astype("int64")),
        good.assign(due_at=good["received_at"] - pd.Timedelta(days=1)),
        good.assign(status=pd.Series([9] * len(good), dtype="int16")),  # no completed_at
        good.assign(dossier_code=1),
        good.assign(file_path="x"),
    ]
    for frame in broken:
        with pytest.raises(DossierSchemaError, match="extractor bug"):
            validate_dossier_rows(frame, "one_stop/x.csv")


# --- property: every row read is loaded or quarantined, with the right reason -------------

BASE = datetime(2024, 1, 10, 10, 0)
WHEN = {
    "ok": BASE,
    "after": datetime(2024, 1, 12, 15, 0),
    "same_day_earlier": datetime(2024, 1, 10, 8, 0),
    "day_before": datetime(2024, 1, 9, 23, 0),
}
# Each value as layout A writes it, then as layout B does.
STATUS: dict[object, tuple[str, str]] = {
    4: ("Đang xử lý", "4"),
    9: ("Đã xử lý xong", "9"),
    10: ("Đã trả kết quả", "10"),
    1: ("Mới đăng ký", "1"),
}
CHANNEL: dict[object, tuple[str, str]] = {
    "in_person": ("Trực tiếp", "1"),
    "online": ("Trực tuyến", "2"),
    "postal": ("Qua BCCI", "3"),
}
SERVICE: dict[object, tuple[str, str]] = {
    "full": ("Toàn trình", "4"),
    "partial": ("Một phần", "3"),
    "info": ("Mức độ 2", "2"),
}

ROW_SPEC = st.fixed_dictionaries(
    {
        "code": st.sampled_from(["HS", ""]),
        "agency": st.sampled_from([AGENCY, "999.X", ""]),
        "received": st.sampled_from(["ok", "ok", "", "bad"]),
        "due": st.sampled_from(["", "bad", "after", "same_day_earlier", "day_before"]),
        "completed": st.sampled_from(["", "bad", "after", "same_day_earlier", "day_before"]),
        "returned": st.sampled_from(["", "bad", "after"]),
        "updated": st.sampled_from(["after", "after", "", "bad"]),
        "status": st.sampled_from([4, 9, 10, 1, "bad"]),
        "channel": st.sampled_from(["in_person", "online", "postal", "bad", ""]),
        "service": st.sampled_from(["full", "partial", "info", "", "bad"]),
    }
)


def expected_reason(spec: dict[str, object]) -> str | None:
    """The contract's rules, one row at a time: the oracle for the vectorised version."""
    dates = [spec[k] for k in ("received", "due", "completed", "returned", "updated")]
    rules = [
        ("missing_dossier_code", spec["code"] == ""),
        ("unknown_agency", spec["agency"] != AGENCY),
        ("missing_received_date", spec["received"] == ""),
        ("bad_date", "bad" in dates or spec["updated"] == ""),
        ("due_before_received", spec["due"] == "day_before"),
        ("completed_before_received", spec["completed"] == "day_before"),
        ("unknown_status", spec["status"] == "bad"),
        ("unknown_channel", spec["channel"] in ("bad", "")),
        ("unknown_service_level", spec["service"] == "bad"),
        ("missing_completion_date", spec["status"] in (9, 10) and spec["completed"] == ""),
    ]
    return next((reason for reason, applies in rules if applies), None)


def render(spec: dict[str, object], number: int, layout: str) -> dict[str, object]:
    a = layout == "A"

    def when(key: str) -> str:
        value = spec[key]
        if value in ("", "bad"):
            return "" if value == "" else ("31/02/2024" if a else "20240231000000")
        moment = WHEN[str(value)]
        return moment.strftime("%d/%m/%Y %H:%M:%S" if a else "%Y%m%d%H%M%S")

    def label(value: object, table: dict[object, tuple[str, str]], bad: tuple[str, str]) -> str:
        if value == "":
            return ""
        return (bad if value == "bad" else table[value])[0 if a else 1]

    status_text = label(spec["status"], STATUS, ("Đã hủy", "11"))
    channel_text = label(spec["channel"], CHANNEL, ("Fax", "7"))
    service_text = label(spec["service"], SERVICE, ("Mức độ 9", "7"))
    values = [
        f"{spec['code']}-{number}" if spec["code"] else "",
        "1.004210",
        spec["agency"],
        channel_text,
        service_text,
        when("received"),
        when("due"),
        when("completed"),
        when("returned"),
        status_text,
        "Có" if a else "1",
        "",
        "",
        "",
        "",
        "",
        when("updated"),
    ]
    target = LAYOUT_A if a else LAYOUT_B
    person = PERSON_A if a else PERSON_B
    return {**dict(zip(target.headers.values(), values, strict=True)), **person}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(ROW_SPEC, max_size=25),
    kind=st.sampled_from(["A.csv", "B.csv", "B.jsonl"]),
)
def test_every_row_is_loaded_or_quarantined(specs: list[dict[str, object]], kind: str) -> None:
    layout, suffix = kind.split(".")
    records = [render(spec, n, layout) for n, spec in enumerate(specs)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{suffix}"
        if suffix == "jsonl":
            if not records:
                return  # an empty JSON Lines file is rejected, not loaded
            write_jsonl(path, records)
        else:
            header = list(LAYOUT_A.headers.values() if layout == "A" else LAYOUT_B.headers.values())
            path.write_text(
                csv_text(records, header=header + list(PERSON_A if layout == "A" else PERSON_B)),
                encoding="utf-8",
            )
        result = extract(path)

    first = 1 if suffix == "jsonl" else 2
    numbers = list(range(first, first + len(specs)))
    assert result.rows_read == len(result.rows) + len(result.quarantined) == len(specs)
    assert sorted([*result.rows["row_number"], *result.quarantined["row_number"]]) == numbers
    got = dict(zip(result.quarantined["row_number"], result.quarantined["reason"], strict=True))
    assert {
        n: expected_reason(s) for n, s in zip(numbers, specs, strict=True) if expected_reason(s)
    } == got
