"""The reference catalogue ingest on Spark equals the DuckDB extractor's, file by file
(issue 14, item 2; orchestration/spark/ingest_reference.py).

For the sample's agencies.csv and procedures.csv, the contract's examples and hand-written
files hitting every quarantine reason, encoding, delimiter and header spelling: the same
usable rows (values), the same quarantined row numbers, reasons and details, and
rows_read = loaded + quarantined. Also: the same rejections, and pandera's PySpark models
of the canonical frames.

Needs pyspark and Java 17 (like tests/test_spark_ingest_queue.py).
"""

from __future__ import annotations

import codecs
import math
from pathlib import Path

import pandas as pd
import pytest

from orchestration.extract.reference import extract_agencies, extract_procedures
from orchestration.extract.types import RejectedFile

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sources" / "sample" / "landing" / "reference"
EXAMPLES = ROOT / "tests" / "fixtures" / "contract_examples" / "reference"
AGENCY_HEADER = "agency_code,agency_name,level,parent_code,province_code"
PROCEDURE_HEADER = (
    "procedure_code,procedure_name,field_code,field_name,field_group,level,agency_code,"
    "service_level,has_fee"
)

# Every agency reason, in the contract's order of precedence, and the cells that are
# trimmed, lower-cased or made NULL before loading.
EVERY_AGENCY_REASON = [
    AGENCY_HEADER,
    "A1,Sở A,tinh,,T01",  # 2 ok
    ",Sở trống,tinh,,T01",  # 3 missing_agency_code
    ",Sở trống,quan,,T01",  # 4 missing code wins over unknown level
    "A2,Quận B,quan,,T01",  # 5 unknown_level
    "A3,,huyen,,T01",  # 6 missing_agency_name
    "A4,Xã C,xa,A3,",  # 7 missing_province_code
    "A1,Sở A lần hai,tinh,,T01",  # 8 duplicate_agency_code of row 2
    "A2,Quận B,huyen,,T01",  # 9 ok: row 5 was quarantined
    ",,,,",  # 10 blank: not a data row
    '\u00a0A5 ," Sở E, Phòng F ",HUYEN, A1\t,T01',  # 11 ok once trimmed and lowered
    "A6,Xã G,Xa,\u3000,T01",  # 12 ok: a parent of whitespace only is NULL
    "A5,Sở E,huyen,,T01",  # 13 duplicate of row 11 (trimmed)
    "A7,Sở H,,,T01",  # 14 unknown_level: empty
    "A8,Sở I,tỉnh,,T01",  # 15 unknown_level: with its diacritics
]

EVERY_PROCEDURE_REASON = [
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
    'P8,"Tên, có phẩy",LV2,Đất đai,DAT_DAI,Huyen,,Partial,True',  # 12 ok: lowered
    "P8,Tên,LV2,Đất đai,dat_dai,HUYEN,,full,false",  # 13 duplicate of 12 (level lowered)
    ",,,,,,,,",  # 14 blank
    "P9,Tên,LV1,Lĩnh vực,,tinh, ,full,true",  # 15 missing_agency_code: blank once trimmed
    "P10,Tên,LV1,Lĩnh vực,,xa,,full,",  # 16 bad_flag: empty
    "P11,Tên,LV1,Lĩnh vực,,xa,,,true",  # 17 unknown_service_level: empty
    " P12 , Tên ,LV1 , Lĩnh vực ,thue,TINH,A1 ,info,false",  # 18 ok once trimmed
]


def _write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def _utf16(path: Path, lines: list[str], encoding: str) -> Path:
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
    tabbed = [line.replace(",", "\t") for line in lines if '"' not in line]
    path.write_bytes(bom + ("\r\n".join(tabbed) + "\r\n").encode(encoding))
    return path


AGENCIES = "reference/agencies.csv"
PROCEDURES = "reference/procedures.csv"


def hand_written(directory: Path) -> list[tuple[Path, str]]:
    """(file, label) of files no landing holds: every reason, each encoding and delimiter,
    headers spelled otherwise and in another order, optional columns absent."""
    files = [
        (_write(directory / "agencies.csv", EVERY_AGENCY_REASON), AGENCIES),
        (_write(directory / "procedures.csv", EVERY_PROCEDURE_REASON), PROCEDURES),
        (
            _write(
                directory / "agencies_spelled.csv",
                [
                    " AGENCY_CODE ;Agency_Name;LEVEL;Province_Code;ghi chú",
                    " A1 ; Sở A ;Tinh;T01;bỏ qua",
                    "A2;Sở B;xa;;bỏ qua",
                    ";;;;chỉ ghi chú",  # known cells all empty: not a data row
                ],
                encoding="utf-8-sig",
            ),
            AGENCIES,
        ),
        (
            _write(
                directory / "procedures_minimal.csv",
                [
                    "Has_Fee,service_level,LEVEL,procedure_code",
                    "true,full,huyen,P1",
                    "x,full,xa,P2",
                ],
                newline="\r\n",
            ),
            PROCEDURES,
        ),
    ]
    for encoding in ("utf-16-le", "utf-16-be"):
        files.append(
            (_utf16(directory / f"a_{encoding}.csv", EVERY_AGENCY_REASON, encoding), AGENCIES)
        )
        files.append(
            (_utf16(directory / f"p_{encoding}.csv", EVERY_PROCEDURE_REASON, encoding), PROCEDURES)
        )
    return files


@pytest.fixture(scope="module")
def handwritten(tmp_path_factory) -> list[tuple[Path, str]]:
    return hand_written(tmp_path_factory.mktemp("reference"))


def _plain(value: object) -> object:
    """A cell as Python compares it: NaN/None are None, numpy scalars are Python's."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _duckdb_extractor(label: str):
    return extract_agencies if label.endswith("agencies.csv") else extract_procedures


def _spark_extractor(label: str):
    from orchestration.spark.ingest_reference import (
        extract_agencies_spark,
        extract_procedures_spark,
    )

    return extract_agencies_spark if label.endswith("agencies.csv") else extract_procedures_spark


def duckdb_side(path: Path, label: str) -> tuple[list[tuple], list[tuple], int, list[str]]:
    extracted = _duckdb_extractor(label)(path, label)
    rows = [tuple(_plain(v) for v in row) for row in extracted.rows.itertuples(index=False)]
    quarantined = [
        tuple(_plain(v) for v in row) for row in extracted.quarantined.itertuples(index=False)
    ]
    return sorted(rows), sorted(quarantined), extracted.rows_read, list(extracted.rows.columns)


def spark_side(spark, path: Path, label: str) -> tuple[list[tuple], list[tuple], int, list[str]]:
    extracted = _spark_extractor(label)(spark, path, label)
    rows = sorted(tuple(row) for row in extracted.rows.collect())
    quarantined = sorted(tuple(row) for row in extracted.quarantined.collect())
    extracted.release()
    return rows, quarantined, extracted.rows_read, extracted.rows.columns


def landed_files() -> list[tuple[Path, str]]:
    return [
        (directory / name, f"reference/{name}")
        for directory in (SAMPLE, EXAMPLES)
        for name in ("agencies.csv", "procedures.csv")
    ]


def test_corpus_is_not_vacuous(handwritten) -> None:
    reasons = {row[1] for path, label in handwritten[:2] for row in duckdb_side(path, label)[1]}
    assert reasons == {
        "missing_agency_code",
        "unknown_level",
        "missing_agency_name",
        "missing_province_code",
        "duplicate_agency_code",
        "missing_procedure_code",
        "unknown_service_level",
        "bad_flag",
        "unknown_field_group",
        "duplicate_procedure_level",
    }
    # The landed files load whole, and not nothing.
    for path, label in landed_files():
        rows, quarantined, _, _ = duckdb_side(path, label)
        assert len(rows) > 10 and not quarantined, label


def test_every_reference_file_equals_the_duckdb_extractor(spark, handwritten) -> None:
    for path, label in [*landed_files(), *handwritten]:
        expected_rows, expected_quarantined, expected_read, expected_columns = duckdb_side(
            path, label
        )
        rows, quarantined, rows_read, columns = spark_side(spark, path, label)
        assert columns == expected_columns, path.name
        assert rows == expected_rows, path.name
        assert quarantined == expected_quarantined, path.name
        assert rows_read == expected_read == len(rows) + len(quarantined), path.name


def test_the_hand_written_files_load_as_the_contract_says(spark, handwritten) -> None:
    (agencies, _), (procedures, _) = handwritten[:2]
    rows, quarantined, rows_read, _ = spark_side(spark, agencies, AGENCIES)
    assert rows_read == len(EVERY_AGENCY_REASON) - 2  # the header and the blank row
    by_row = {number: (reason, detail) for number, reason, detail in quarantined}
    assert by_row[13] == (
        "duplicate_agency_code",
        "agency_code='A5' (trùng dòng 11 / duplicate of row 11)",
    )
    assert by_row[15] == ("unknown_level", "level='tỉnh'")
    by_code = {row[1]: row for row in rows}
    assert by_code["A5"] == (11, "A5", "Sở E, Phòng F", "huyen", "A1", "T01")
    assert by_code["A6"][4] is None

    rows, quarantined, _, _ = spark_side(spark, procedures, PROCEDURES)
    by_row = {number: (reason, detail) for number, reason, detail in quarantined}
    assert by_row[13][1] == (
        "procedure_code='P8', level='HUYEN' (trùng dòng 12 / duplicate of row 12)"
    )
    by_number = {row[0]: row for row in rows}
    assert by_number[11][1:] == ("P7", None, None, None, None, "xa", None, "info", False)
    assert by_number[12][5:] == ("dat_dai", "huyen", None, "partial", True)


REJECTIONS = [
    (AGENCIES, b"", "tệp rỗng"),
    (AGENCIES, b"agency_code,agency_name,parent_code\nA1,S,\n", "thiếu cột bắt buộc"),
    (PROCEDURES, b"procedure_code,procedure_name,level\nP1,T,tinh\n", "missing required"),
    (AGENCIES, (AGENCY_HEADER + ",Level\nA1,S,tinh,,T01,xa\n").encode(), "cột bị lặp lại"),
    (PROCEDURES, (PROCEDURE_HEADER + ", Has_Fee \n").encode(), "header appears more than once"),
    (AGENCIES, (AGENCY_HEADER + "\n").encode(), "no data rows"),
    (PROCEDURES, (PROCEDURE_HEADER + "\r\n,,,,,,,,\r\n").encode(), "no data rows"),
    (AGENCIES, (AGENCY_HEADER + "\n\xff\xfe\xfa\n").encode("latin-1"), "UTF-8"),
]


@pytest.mark.parametrize(
    ("label", "content", "message"),
    REJECTIONS,
    ids=[
        "empty",
        "agencies_missing",
        "procedures_missing",
        "agencies_repeated",
        "procedures_repeated",
        "header_only",
        "blank_rows_only",
        "not_utf8",
    ],
)
def test_rejections_are_the_duckdb_extractors(spark, tmp_path, label, content, message) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(RejectedFile) as expected:
        _duckdb_extractor(label)(path, label)
    with pytest.raises(RejectedFile) as actual:
        _spark_extractor(label)(spark, path, label)
    assert message in str(actual.value)
    assert str(actual.value) == str(expected.value)


@pytest.fixture(scope="module")
def example_rows(spark):
    from orchestration.spark.ingest_reference import (
        extract_agencies_spark,
        extract_procedures_spark,
    )

    agencies = extract_agencies_spark(spark, EXAMPLES / "agencies.csv", AGENCIES)
    procedures = extract_procedures_spark(spark, EXAMPLES / "procedures.csv", PROCEDURES)
    yield {"agencies": agencies.rows, "procedures": procedures.rows}
    agencies.release()
    procedures.release()


def test_pandera_pyspark_models_pass_the_canonical_frames(spark, example_rows) -> None:
    from orchestration.spark.reference_schema import validate_reference

    for table, frame in example_rows.items():
        validate_reference(table, frame)


AGENCY_COLUMNS = "row_number, agency_code, agency_name, level, parent_code, province_code"
PROCEDURE_COLUMNS = (
    "row_number, procedure_code, procedure_name, field_code, field_name, field_group, level, "
    "agency_code, service_level, has_fee"
)


@pytest.mark.parametrize(
    ("table", "broken"),
    [
        ("agencies", AGENCY_COLUMNS.replace(" level,", " 'quan' as level,")),
        ("agencies", AGENCY_COLUMNS.replace(" agency_code,", " 'A1' as agency_code,")),
        ("agencies", AGENCY_COLUMNS.replace(" parent_code,", " '' as parent_code,")),
        (
            "procedures",
            PROCEDURE_COLUMNS.replace(" agency_code,", " cast(null as string) as agency_code,"),
        ),
        ("procedures", PROCEDURE_COLUMNS.replace(" has_fee", " 'true' as has_fee")),
        ("procedures", PROCEDURE_COLUMNS.replace(" field_group,", " 'y_te' as field_group,")),
        (
            "procedures",
            PROCEDURE_COLUMNS.replace("row_number, procedure_code", "procedure_code, row_number"),
        ),
    ],
    ids=[
        "unknown_level",
        "duplicate_agency_code",
        "empty_parent_code",
        "provincial_without_department",
        "has_fee_not_boolean",
        "unknown_field_group",
        "column_order",
    ],
)
def test_pandera_pyspark_model_rejects_a_broken_frame(spark, example_rows, table, broken) -> None:
    from orchestration.spark.pandera_check import SchemaViolation
    from orchestration.spark.reference_schema import validate_reference

    view = f"reference_{table}"
    example_rows[table].createOrReplaceTempView(view)
    try:
        with pytest.raises(SchemaViolation):
            validate_reference(table, spark.sql(f"select {broken} from {view}"))
    finally:
        spark.catalog.dropTempView(view)


def test_pandas_frames_are_what_the_comparison_reads() -> None:
    """The DuckDB side is compared as tuples of Python values: has_fee a bool, NULL None."""
    extracted = extract_procedures(EXAMPLES / "procedures.csv", PROCEDURES)
    assert isinstance(extracted.rows, pd.DataFrame)
    row = duckdb_side(EXAMPLES / "procedures.csv", PROCEDURES)[0][0]
    assert isinstance(row[-1], bool) and isinstance(row[0], int)
