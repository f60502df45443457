"""Reference catalogue extraction: agencies.csv and procedures.csv."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from orchestration.extract.reference import extract_agencies, extract_procedures
from orchestration.extract.types import RejectedFile
from orchestration.load.ddl import column_names
from orchestration.validate import validate

EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples" / "reference"
AGENCY_HEADER = "agency_code,agency_name,level,parent_code,province_code"
PROCEDURE_HEADER = (
    "procedure_code,procedure_name,field_code,field_name,field_group,level,agency_code,"
    "service_level,has_fee"
)


def write(tmp_path: Path, lines: list[str], name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def reasons(extracted) -> dict[int, str]:
    q = extracted.quarantined
    return dict(zip(q["row_number"], q["reason"], strict=True))


def details(extracted) -> dict[int, str]:
    q = extracted.quarantined
    return dict(zip(q["row_number"], q["detail"], strict=True))


# --- agencies ----------------------------------------------------------------------------


def test_agencies_example_parses_exactly() -> None:
    result = extract_agencies(EXAMPLES / "agencies.csv", "reference/agencies.csv")
    rows = result.rows
    assert result.layout == "reference"
    assert result.rows_read == 19
    assert len(rows) == 19
    assert result.quarantined.empty
    assert list(rows.columns) == [c for c in column_names("agencies") if c != "file_path"]
    assert rows["row_number"].tolist() == list(range(2, 21))
    assert rows["level"].value_counts().to_dict() == {"tinh": 16, "huyen": 1, "xa": 2}
    assert set(rows["province_code"]) == {"T01"}

    first = rows.iloc[0].to_dict()
    assert first == {
        "row_number": 2,
        "agency_code": "000.00.01.T01",
        "agency_name": "Sở Công Thương",
        "level": "tinh",
        "parent_code": None,
        "province_code": "T01",
    }
    # A quoted name keeps its comma.
    culture = rows.set_index("agency_code").loc["000.00.11.T01"]
    assert culture["agency_name"] == "Sở Văn hóa, Thể thao và Du lịch"
    commune = rows.set_index("agency_code").loc["000.21.31.T01"]
    assert (commune["level"], commune["parent_code"], commune["row_number"]) == (
        "xa",
        "000.00.21.T01",
        19,
    )
    assert rows["parent_code"].isna().sum() == 17


def test_agency_quarantine_reasons_first_that_applies(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            AGENCY_HEADER,
            "A1,Sở A,tinh,,T01",  # 2 ok
            ",Sở trống,tinh,,T01",  # 3 missing_agency_code
            ",Sở trống,quan,,T01",  # 4 missing code wins over unknown level
            "A2,Quận B,quan,,T01",  # 5 unknown_level
            "A3,,huyen,,T01",  # 6 missing_agency_name
            "A4,Xã C,xa,A3,",  # 7 missing_province_code
            "A1,Sở A lần hai,tinh,,T01",  # 8 duplicate_agency_code of row 2
            "A2,Quận B,huyen,,T01",  # 9 ok: row 5 was quarantined, so this is the first usable
        ],
    )
    result = extract_agencies(path, "reference/agencies.csv")
    assert reasons(result) == {
        3: "missing_agency_code",
        4: "missing_agency_code",
        5: "unknown_level",
        6: "missing_agency_name",
        7: "missing_province_code",
        8: "duplicate_agency_code",
    }
    assert result.rows["row_number"].tolist() == [2, 9]
    assert result.rows_read == 8
    assert details(result)[5] == "level='quan'"
    assert details(result)[8] == "agency_code='A1' (trùng dòng 2 / duplicate of row 2)"


def test_agency_headers_matched_normalised_and_parent_code_optional(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            " AGENCY_CODE ;Agency_Name;LEVEL;Province_Code;ghi chú",
            " A1 ; Sở A ;Tinh;T01;bỏ qua",
        ],
        encoding="utf-8-sig",
    )
    result = extract_agencies(path, "reference/agencies.csv")
    assert result.rows.iloc[0].to_dict() == {
        "row_number": 2,
        "agency_code": "A1",
        "agency_name": "Sở A",
        "level": "tinh",
        "parent_code": None,
        "province_code": "T01",
    }


def test_agencies_missing_headers_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, ["agency_code,agency_name,parent_code", "A1,Sở A,"])
    with pytest.raises(RejectedFile) as info:
        extract_agencies(path, "reference/agencies.csv")
    message = str(info.value)
    assert message.startswith("reference/agencies.csv: thiếu cột bắt buộc: level, province_code")
    assert "/ missing required headers: level, province_code" in message


def test_agencies_without_data_rows_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, [AGENCY_HEADER])
    with pytest.raises(RejectedFile, match="no data rows"):
        extract_agencies(path, "reference/agencies.csv")


def test_repeated_header_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, [AGENCY_HEADER + ",Level", "A1,Sở A,tinh,,T01,xa"])
    with pytest.raises(RejectedFile, match="header appears more than once: level"):
        extract_agencies(path, "reference/agencies.csv")


def test_empty_file_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, [""])
    with pytest.raises(RejectedFile, match="reference/agencies.csv: .*empty"):
        extract_agencies(path, "reference/agencies.csv")


# --- procedures --------------------------------------------------------------------------


def test_procedures_example_parses_exactly() -> None:
    result = extract_procedures(EXAMPLES / "procedures.csv", "reference/procedures.csv")
    rows = result.rows
    assert result.layout == "reference"
    assert (result.rows_read, len(rows), len(result.quarantined)) == (86, 86, 0)
    assert list(rows.columns) == [c for c in column_names("procedures") if c != "file_path"]
    assert rows["level"].value_counts().to_dict() == {"tinh": 58, "huyen": 16, "xa": 12}
    assert rows["has_fee"].dtype == bool
    assert rows.loc[rows["level"] != "tinh", "agency_code"].isna().all()
    assert rows.loc[rows["level"] == "tinh", "agency_code"].notna().all()

    first = rows.iloc[0].to_dict()
    assert first == {
        "row_number": 2,
        "procedure_code": "1.004210",
        "procedure_name": "Thủ tục lưu thông hàng hóa trong nước số 1",
        "field_code": "LV01",
        "field_name": "Lưu thông hàng hóa trong nước",
        "field_group": None,
        "level": "tinh",
        "agency_code": "000.00.01.T01",
        "service_level": "full",
        "has_fee": True,
    }
    by_code = rows.set_index("procedure_code")
    land = by_code.loc["1.004277"]
    assert (land["field_group"], land["service_level"], land["has_fee"]) == (
        "dat_dai",
        "info",
        False,
    )
    health = by_code.loc["1.004685"]
    assert health["procedure_name"] == "Thủ tục khám bệnh, chữa bệnh số 1"
    assert health["field_name"] == "Khám bệnh, chữa bệnh"
    last = rows.iloc[-1]
    assert (last["row_number"], last["procedure_code"], last["level"]) == (87, "2.005782", "xa")


def test_procedure_quarantine_reasons_first_that_applies(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            PROCEDURE_HEADER,
            "P1,Tên,LV1,Lĩnh vực,,tinh,A1,full,true",  # 2 ok
            ",Tên,LV1,Lĩnh vực,,quan,A1,full,true",  # 3 missing_procedure_code
            "P2,Tên,LV1,Lĩnh vực,,quan,A1,full,true",  # 4 unknown_level
            "P3,Tên,LV1,Lĩnh vực,,tinh,A1,muc4,true",  # 5 unknown_service_level
            "P4,Tên,LV1,Lĩnh vực,,tinh,A1,full,co",  # 6 bad_flag
            "P5,Tên,LV1,Lĩnh vực,y_te,huyen,,full,false",  # 7 unknown_field_group
            "P6,Tên,LV1,Lĩnh vực,,tinh,,partial,false",  # 8 missing_agency_code
            "P1,Tên khác,LV1,Lĩnh vực,,tinh,A2,info,false",  # 9 duplicate_procedure_level
            "P1,Tên,LV1,Lĩnh vực,,huyen,,full,false",  # 10 ok: same code, another level
            "P7,,,,,xa,,INFO,FALSE",  # 11 ok: optional columns empty, case-insensitive
        ],
    )
    result = extract_procedures(path, "reference/procedures.csv")
    assert reasons(result) == {
        3: "missing_procedure_code",
        4: "unknown_level",
        5: "unknown_service_level",
        6: "bad_flag",
        7: "unknown_field_group",
        8: "missing_agency_code",
        9: "duplicate_procedure_level",
    }
    assert details(result)[6] == "has_fee='co'"
    assert details(result)[9] == (
        "procedure_code='P1', level='tinh' (trùng dòng 2 / duplicate of row 2)"
    )
    assert result.rows["row_number"].tolist() == [2, 10, 11]
    empty = result.rows.iloc[-1]
    assert (
        empty[["procedure_name", "field_code", "field_name", "field_group", "agency_code"]]
        .isna()
        .all()
    )
    assert (empty["service_level"], empty["has_fee"]) == ("info", False)


def test_procedures_optional_headers_may_be_absent(tmp_path: Path) -> None:
    path = write(tmp_path, ["procedure_code,level,service_level,has_fee", "P1,huyen,full,true"])
    rows = extract_procedures(path, "reference/procedures.csv").rows
    assert rows.iloc[0][["procedure_name", "field_group", "agency_code"]].isna().all()
    assert bool(rows.iloc[0]["has_fee"]) is True


def test_procedures_missing_headers_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, ["procedure_code,procedure_name,level", "P1,Tên,tinh"])
    with pytest.raises(RejectedFile) as info:
        extract_procedures(path, "reference/procedures.csv")
    assert "missing required headers: service_level, has_fee" in str(info.value)
    assert str(info.value).startswith("reference/procedures.csv: ")


def test_procedures_utf16_tab(tmp_path: Path) -> None:
    lines = [PROCEDURE_HEADER.replace(",", "\t"), "P1\tTên\t\t\t\ttinh\tA1\tpartial\tfalse"]
    path = tmp_path / "p.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le"))
    rows = extract_procedures(path, "reference/procedures.csv").rows
    assert rows.iloc[0]["procedure_name"] == "Tên"
    assert rows.iloc[0]["service_level"] == "partial"
    assert isinstance(rows, pd.DataFrame) and len(rows) == 1


def test_rows_that_break_the_schema_reject_the_file() -> None:
    # Unreachable through the quarantine rules; guards against a gap in them.
    rows = pd.DataFrame(
        {
            "row_number": [2],
            "agency_code": ["A1"],
            "agency_name": ["Sở A"],
            "level": ["quan"],
            "parent_code": [None],
            "province_code": ["T01"],
        }
    )
    with pytest.raises(RejectedFile, match="^reference/agencies.csv: .* / rows fail schema"):
        validate("agencies", rows, "reference/agencies.csv")
