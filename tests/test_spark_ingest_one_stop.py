"""The one-stop ingest on Spark equals the DuckDB extractor's, file by file (issue 14,
item 2; orchestration/spark/ingest_one_stop.py).

For every one-stop file of the bundled sample, the contract's examples and hand-written
files (every quarantine reason, both layouts, header spellings, encodings, delimiters,
footers, rejections): the same layout, usable rows (values), quarantined row numbers,
reasons and details, rows_read, and the same rejection message. Both engines get the whole
corpus as ONE batch (the Spark ingest's cost is per batch, not per file), once per module.

Needs pyspark and Java 17 (like tests/test_spark_ingest_queue.py).
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import DataFrame

from orchestration.extract.one_stop import REASONS, OneStopBatch
from tests.test_extract_one_stop import _workbook, a_row, b_row, csv_text, write_jsonl

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sources" / "sample" / "landing"
EXAMPLES = ROOT / "tests" / "fixtures" / "contract_examples"
FORMATS = (".csv", ".jsonl", ".xlsx")


def _agencies(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as stream:
        return {row["agency_code"] for row in csv.DictReader(stream)}


# The sample's catalogue and the contract example's (the hand-written rows use the latter).
AGENCIES = frozenset(
    _agencies(SAMPLE / "reference" / "agencies.csv")
    | _agencies(EXAMPLES / "reference" / "agencies.csv")
)

# Layout A: every reason (the DuckDB tests' cases), in one file; row 2 is usable.
EVERY_REASON_A = [
    a_row(),
    a_row(**{"Mã hồ sơ": " "}),
    a_row(**{"Mã cơ quan": "000.99.99.X"}),
    a_row(**{"Mã cơ quan": ""}),
    a_row(**{"Ngày tiếp nhận": ""}),
    a_row(**{"Ngày tiếp nhận": "31/02/2024"}),
    a_row(**{"Ngày trả": "2024-01-05"}),
    a_row(**{"Ngày cập nhật": ""}),
    a_row(**{"Ngày hẹn trả": "01/01/2024 23:00"}),
    a_row(**{"Ngày hoàn thành": "01/01/2024", "Trạng thái": "Đã xử lý xong"}),
    a_row(**{"Trạng thái": "Đã hủy"}),
    a_row(**{"Trạng thái": ""}),
    a_row(**{"Kênh nộp": "Fax"}),
    a_row(**{"Mức độ": "Mức độ 1"}),
    a_row(**{"Trạng thái": "Đã trả kết quả"}),
    # Usable, at the edges of what the rules accept.
    a_row(**{"Ngày hẹn trả": "02/01/2024 07:00"}),  # due on the day of receipt: a date
    a_row(**{"Ngày tiếp nhận": "29/02/2024", "Ngày cập nhật": "29/02/2024 00:01"}),
    a_row(**{"Ngày tiếp nhận": "3/1/2024  8:05", "Trạng thái": "4", "Kênh nộp": "2"}),
    a_row(**{"Thu phí": "Không", "Đánh giá": "Rất hài lòng", "Mức độ": ""}),
    a_row(**{"Mã hồ sơ": "\u00a0X-1\u3000", "Số hóa thành phần": "CÓ", "Tái sử dụng": "??"}),
    a_row(**{"Ngày tiếp nhận": "02/01/2024 24:00"}),  # bad_date: hour 24
    a_row(**{"Ngày tiếp nhận": "02/01/1899"}),  # bad_date: before MIN_YEAR
    a_row(**{"Ngày hẹn trả": "20240105170000"}),  # bad_date: layout B's format
    a_row(**{"Mã hồ sơ": "MULTI\nLINE", "Tên thủ tục": 'a "quoted", name'}),
    {"STT": "99", "Chủ hồ sơ": "Only personal data"},  # not a data row
    a_row(**{"Mã cơ quan": "Z" * 200}),  # the detail cites 120 characters
]
# Layout B: its formats (compact, ISO) and the attachment column.
EVERY_REASON_B = [
    b_row(),
    b_row(NgayTiepNhan="2024-01-02T08:00:00", NgayCapNhat="2024-01-02 09:00:00.123"),
    b_row(NgayTiepNhan="02/01/2024 08:00:00"),  # bad_date: layout A's format
    b_row(NgayHenTra="20240230170000"),  # bad_date: no 30 February
    b_row(NgayTiepNhan="2024-01-02T08:00:00Z"),  # bad_date: no offsets
    b_row(DinhKemKetQua="https://example.vn/kq.pdf", TrangThaiHoSo="10"),
    b_row(DinhKemKetQua="ketqua.pdf", TrangThaiHoSo="10", NgayKetThucXuLy="20240103"),
    b_row(KenhThucHien="Trực tuyến", MucDo="Toàn trình", DanhGia="2", CoThuPhi="false"),
    b_row(KenhThucHien="9"),
    b_row(MaDonVi=""),
]
# The rows above as overrides of a_row(), for a workbook.
_A_OVERRIDES = [
    {k: v for k, v in row.items() if a_row().get(k) != v} for row in EVERY_REASON_A[1:15]
]
FOOTER = "Tổng số: 3 hồ sơ"


def _header(rows: list[dict[str, object]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    path.write_bytes(boms.get(encoding, b"") + text.encode(encoding))
    return path


def hand_written(directory: Path) -> dict[str, Path]:
    """Files no landing holds; the rejected ones last."""
    a_text = csv_text(EVERY_REASON_A, header=_header(EVERY_REASON_A))
    b_text = csv_text(EVERY_REASON_B, header=_header(EVERY_REASON_B))
    a_header = _header(EVERY_REASON_A)
    # The footer in the first field's column (STT is read by neither engine).
    footer_text = csv_text(EVERY_REASON_A[:3], header=a_header) + f",{FOOTER}\n"
    footer_text += csv_text([a_row(**{"Mã hồ sơ": "after footer"})], header=a_header).split(
        "\n", 1
    )[1]
    spelled = {
        # Upper case without diacritics, NFD, surrounding spaces: the same headers.
        "upper.csv": [h.upper().replace("Ã", "A") for h in a_header],
        "nfd.csv": [unicodedata.normalize("NFD", h) for h in a_header],
        "spaces.csv": [f"  {h} " for h in a_header],
        # A repeated header (pandas renames the second `x.1`) and another layout's column.
        "repeated.csv": [*a_header[:-1], "Mã hồ sơ"],
        "other_layout_column.csv": [*a_header[:-1], "MaHoSo"],
    }
    files = {
        "every_reason_a.csv": _write(directory / "every_reason_a.csv", a_text),
        "every_reason_b.csv": _write(directory / "every_reason_b.csv", b_text),
        "semicolon_bom.csv": _write(
            directory / "semicolon_bom.csv",
            csv_text(EVERY_REASON_A, sep=";", header=a_header),
            "utf-8-sig",
        ),
        "footer.csv": _write(directory / "footer.csv", footer_text),
        "header_only.csv": _write(directory / "header_only.csv", ",".join(a_header) + "\n"),
    }
    for encoding in ("utf-16-le", "utf-16-be"):
        name = f"{encoding}.csv"
        text = csv_text(EVERY_REASON_B, sep="\t", header=_header(EVERY_REASON_B))
        files[name] = _write(directory / name, text, encoding)
    for name, header in spelled.items():
        rows = [dict(zip(header, row.values(), strict=False)) for row in EVERY_REASON_A[:12]]
        files[name] = _write(directory / name, csv_text(rows, header=header))
    # The known differences (pinned by test_the_known_differences_are_pinned).
    two = csv_text(EVERY_REASON_A[:2], header=a_header).split("\n")
    files["empty_line.csv"] = _write(
        directory / "empty_line.csv", "\n".join([*two[:2], "", *two[2:]])
    )
    files["float.jsonl"] = write_jsonl(directory / "float.jsonl", [b_row(KenhThucHien=1e20)])
    files.update(_jsonl_files(directory))
    files.update(_xlsx_files(directory))
    # Rejected: empty, no known header, a missing required header, not UTF-8, a type.
    files["empty.csv"] = _write(directory / "empty.csv", "")
    files["no_header.csv"] = _write(directory / "no_header.csv", "Họ tên,Ngày sinh\nA,1\n")
    files["missing.csv"] = _write(directory / "missing.csv", "Mã hồ sơ,Mã cơ quan\nX,Y\n")
    (directory / "latin1.csv").write_bytes(",".join(a_header).encode("utf-8") + b"\n\xff\n")
    files["latin1.csv"] = directory / "latin1.csv"
    files["export.xls"] = _write(directory / "export.xls", "anything")
    files["corrupt.xlsx"] = _write(directory / "corrupt.xlsx", "PK\x03\x04 not really a zip")
    return files


# JSON Lines: typed values (4.0 is `4`), nulls, blank lines, a key of two kinds.
JSONL_RECORDS: list[dict[str, object] | str] = [
    b_row(KenhThucHien=2, MucDo=3, TrangThaiHoSo=10, DanhGia=2, NgayTiepNhan=20240102080000)
    | {"NgayKetThucXuLy": "20240103080000", "DinhKemKetQua": "kq.pdf", "DaSoHoa": True},
    "",
    "   ",
    b_row(MucDo=None, NgayHenTra=None, DanhGia=None, DaSoHoa=None, DinhKemKetQua=None)
    | {"TaiSuDung": 1, "CoThuPhi": 0, "ThanhToanTrucTuyen": False},
    b_row(TrangThaiHoSo=4.0, KenhThucHien=1.0, MucDo="  4 "),
    b_row(TrangThaiHoSo="Đã xử lý xong", NgayKetThucXuLy="20240103080000"),
    b_row(TrangThaiHoSo=9, NgayKetThucXuLy=None),  # missing_completion_date
    b_row(MaDonVi=None),  # unknown_agency
    b_row(NgayCapNhat=None),  # bad_date
    b_row(KenhThucHien=2.5),  # unknown_channel, cites `2.5`
    {"ChuHoSo": "only personal data"},  # a record: counted, missing_dossier_code
]


def _jsonl_files(directory: Path) -> dict[str, Path]:
    many = [b_row(MaHoSo=f"HS-{n}") for n in range(1100)]
    files = {
        "typed.jsonl": write_jsonl(directory / "typed.jsonl", JSONL_RECORDS),
        # A key first seen after the sampled records is not read (by either engine).
        "late_key.jsonl": write_jsonl(
            directory / "late_key.jsonl",
            [{k: v for k, v in r.items() if k != "DanhGia"} for r in many] + [b_row(DanhGia=1)],
        ),
    }
    text = (
        "\n".join(json.dumps(r, ensure_ascii=False) for r in JSONL_RECORDS if isinstance(r, dict))
        + "\n"
    )
    files["utf16.jsonl"] = _write(directory / "utf16.jsonl", text, "utf-16-le")
    files["bom.jsonl"] = _write(directory / "bom.jsonl", text, "utf-8-sig")
    # Rejected: blank, a bad line in the sample, past it, not an object.
    files["blank.jsonl"] = _write(directory / "blank.jsonl", "\n  \n")
    files["broken.jsonl"] = _write(directory / "broken.jsonl", '{"MaHoSo": "1"}\n{"MaHoSo": \n')
    files["array.jsonl"] = _write(directory / "array.jsonl", '{"MaHoSo": "1"}\n[1, 2]\n')
    late = write_jsonl(directory / "late_broken.jsonl", [*many, '{"MaHoSo": "x",}'])
    files["late_broken.jsonl"] = late
    return files


def _xlsx_files(directory: Path) -> dict[str, Path]:
    header = list(a_row())
    native = {"Ngày tiếp nhận": datetime(2024, 1, 2, 8, 0), "Mã hồ sơ": "HS-1"}
    due_before = {
        "Ngày tiếp nhận": datetime(2024, 1, 2, 8, 0),
        "Ngày hẹn trả": datetime(2024, 1, 1, 17, 0),
        "Ngày cập nhật": datetime(2024, 1, 2, 9, 0),
    }
    rows = [a_row(**native), a_row(**{"Trạng thái": 4}), a_row(**due_before)]  # type: ignore[arg-type]
    rows += [a_row(**{k: v for k, v in case.items()}) for case in _A_OVERRIDES]
    table = [[row[h] for h in header] for row in rows]
    return {
        "title_block.xlsx": _workbook(
            directory / "title_block.xlsx",
            [
                ["DANH SÁCH HỒ SƠ"],
                [],
                header,
                *table[:2],
                [],
                *table[2:],
                [],
                ["Tổng số: 2 hồ sơ"],
                table[0],
            ],
        ),
        "title_only.xlsx": _workbook(
            directory / "title_only.xlsx", [["DANH SÁCH HỒ SƠ"], ["Tổng số: 0 hồ sơ"]]
        ),
    }


def landed_files() -> list[Path]:
    sample = sorted(p for p in (SAMPLE / "one_stop").rglob("*") if p.suffix in FORMATS)
    examples = sorted(p for p in (EXAMPLES / "one_stop").iterdir() if p.suffix in FORMATS)
    return [*sample, *examples]


def _plain(value: object) -> object:
    """A cell as Python compares it: NaT/NaN/None are None, timestamps are datetimes."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


@dataclass(frozen=True)
class Outcome:
    """One file's result, as plain sorted tuples: comparable between the engines."""

    layout: str
    rows: list[tuple]
    quarantined: list[tuple]
    rows_read: int


def _duckdb(files: list[tuple[Path, str]]) -> list[Outcome | Exception]:
    with OneStopBatch(AGENCIES) as batch:
        outcomes = batch.extract(files)
    return [
        outcome
        if isinstance(outcome, Exception)
        else Outcome(
            outcome.layout,
            sorted(tuple(_plain(v) for v in row.values()) for row in outcome.rows.to_pylist()),
            sorted(tuple(row.values()) for row in outcome.quarantined.to_pylist()),
            outcome.rows_read,
        )
        for outcome in outcomes
    ]


def _spark(batch) -> list[Outcome | Exception]:
    rows: dict[int, list[tuple]] = {}
    for row in batch.rows.collect():
        rows.setdefault(row[0], []).append(tuple(row[1:]))
    quarantined: dict[int, list[tuple]] = {}
    for row in batch.quarantined.collect():
        quarantined.setdefault(row[0], []).append(tuple(row[1:]))
    results: list[Outcome | Exception] = []
    for file_id, outcome in enumerate(batch.outcomes):
        if isinstance(outcome, Exception):
            results.append(outcome)
            continue
        results.append(
            Outcome(
                outcome.layout,
                sorted(rows.get(file_id, [])),
                sorted(quarantined.get(file_id, [])),
                outcome.rows_read,
            )
        )
    return results


@dataclass(frozen=True)
class Corpus:
    labels: list[str]
    duckdb: list[Outcome | Exception]
    spark: list[Outcome | Exception]
    handwritten: dict[str, int]  # name -> position in the corpus
    rows: DataFrame  # the Spark batch's usable rows (cached while the module runs)


@pytest.fixture(scope="module")
def corpus(spark, tmp_path_factory) -> Iterator[Corpus]:
    from orchestration.spark.ingest_one_stop import extract_one_stop_spark

    handwritten = hand_written(tmp_path_factory.mktemp("one_stop"))
    files = [(path, path.relative_to(ROOT).as_posix()) for path in landed_files()]
    positions = {}
    for name, path in handwritten.items():
        positions[name] = len(files)
        files.append((path, f"one_stop/{name}"))
    batch = extract_one_stop_spark(spark, files, AGENCIES)
    labels = [label for _, label in files]
    yield Corpus(labels, _duckdb(files), _spark(batch), positions, batch.rows)
    batch.release()


def test_corpus_is_not_vacuous(corpus: Corpus) -> None:
    assert len(corpus.labels) >= 180
    reasons = {
        row[1]
        for outcome in corpus.duckdb
        if isinstance(outcome, Outcome)
        for row in outcome.quarantined
    }
    assert reasons == set(REASONS)
    layouts = {o.layout for o in corpus.duckdb if isinstance(o, Outcome)}
    assert layouts == {"A", "B"}
    rejected = [o for o in corpus.duckdb if isinstance(o, Exception)]
    assert len(rejected) >= 5, rejected


def test_every_one_stop_file_equals_the_duckdb_extractor(corpus: Corpus) -> None:
    from orchestration.extract.one_stop import ROW_COLUMNS

    assert corpus.rows.columns == ["file_id", *ROW_COLUMNS]
    for label, expected, actual in zip(corpus.labels, corpus.duckdb, corpus.spark, strict=True):
        if label in KNOWN_DIFFERENCES:
            continue
        if isinstance(expected, Exception) or isinstance(actual, Exception):
            assert type(actual) is type(expected), (label, expected, actual)
            assert str(actual) == str(expected), label
            continue
        assert actual.layout == expected.layout, label
        assert actual.rows == expected.rows, label
        assert actual.quarantined == expected.quarantined, label
        assert actual.rows_read == expected.rows_read, label
        assert actual.rows_read == len(actual.rows) + len(actual.quarantined), label


KNOWN_DIFFERENCES = ("one_stop/empty_line.csv", "one_stop/float.jsonl")


def test_the_known_differences_are_pinned(corpus: Corpus) -> None:
    """ingest_one_stop's known differences, pinned so that a fix shows up here. Spark's CSV
    parser skips a fully empty line without counting it (pandas counts it): rows after it
    number one lower. A non-integral float is rendered by Spark, not by Python's repr."""

    def both(name: str) -> tuple[Outcome, Outcome]:
        position = corpus.handwritten[name]
        duckdb, spark = corpus.duckdb[position], corpus.spark[position]
        assert isinstance(duckdb, Outcome) and isinstance(spark, Outcome)
        return duckdb, spark

    duckdb, spark = both("empty_line.csv")
    assert [r[0] for r in duckdb.quarantined] == [4] and [r[0] for r in spark.quarantined] == [3]
    assert duckdb.rows == spark.rows and duckdb.rows_read == spark.rows_read == 2
    duckdb, spark = both("float.jsonl")
    assert duckdb.quarantined == [(1, "unknown_channel", "KenhThucHien='1e+20'")]
    assert spark.quarantined == [(1, "unknown_channel", "KenhThucHien='1.0E20'")]


def test_the_hand_written_files_quarantine_as_the_contract_says(corpus: Corpus) -> None:
    every_a = corpus.spark[corpus.handwritten["every_reason_a.csv"]]
    assert isinstance(every_a, Outcome)
    by_row = {number: (reason, detail) for number, reason, detail in every_a.quarantined}
    assert {reason for reason, _ in by_row.values()} == set(REASONS)
    assert by_row[3] == ("missing_dossier_code", "Mã hồ sơ=''")
    assert by_row[11] == (
        "completed_before_received",
        "Ngày hoàn thành='01/01/2024' < Ngày tiếp nhận='02/01/2024 08:00:00'",
    )
    # The row of personal data only (row 26) is not a data row; its number is skipped.
    assert every_a.rows_read == len(EVERY_REASON_A) - 1
    assert 26 not in by_row and 26 not in {row[0] for row in every_a.rows}
    assert by_row[27] == ("unknown_agency", f"Mã cơ quan='{'Z' * 120}'")
    footer = corpus.spark[corpus.handwritten["footer.csv"]]
    assert isinstance(footer, Outcome) and footer.rows_read == 3  # rows after it are cut
    assert corpus.spark[corpus.handwritten["header_only.csv"]].rows_read == 0  # type: ignore[union-attr]


def test_hand_written_jsonl_and_workbooks(corpus: Corpus) -> None:
    def outcome(name: str) -> Outcome:
        result = corpus.spark[corpus.handwritten[name]]
        assert isinstance(result, Outcome), result
        return result

    typed = outcome("typed.jsonl")
    assert [row[0] for row in typed.rows][:2] == [1, 4]  # blank lines keep their numbers
    assert {row[0]: row[1] for row in typed.quarantined} == {
        7: "missing_completion_date",
        8: "unknown_agency",
        9: "bad_date",
        10: "unknown_channel",
        11: "missing_dossier_code",
    }
    assert ("unknown_channel", "KenhThucHien='2.5'") in {r[1:] for r in typed.quarantined}
    assert outcome("utf16.jsonl").rows_read == outcome("bom.jsonl").rows_read == 9
    assert outcome("late_key.jsonl").rows_read == 1101
    workbook = outcome("title_block.xlsx")
    assert workbook.rows_read == 17  # the rows after the footer are cut
    assert (4, "due_before_received") in {r[:2] for r in workbook.quarantined} or any(
        r[1] == "due_before_received" and "2024-01-01 17:00:00" in r[2]
        for r in workbook.quarantined
    )
    messages = {
        name: str(corpus.spark[corpus.handwritten[name]])
        for name in ("broken.jsonl", "array.jsonl", "late_broken.jsonl", "blank.jsonl")
    }
    assert "line 2 is not valid JSON" in messages["broken.jsonl"]
    assert "line 2 is not a JSON object" in messages["array.jsonl"]
    assert "line 1101 is not valid JSON" in messages["late_broken.jsonl"]  # past the sample
    assert "file is empty" in messages["blank.jsonl"]


def test_pandera_pyspark_model_passes_the_canonical_frame(corpus: Corpus) -> None:
    from orchestration.spark.one_stop_schema import validate_dossier_batch

    validate_dossier_batch(corpus.rows)  # every usable row of the corpus


def test_pandera_pyspark_model_rejects_a_broken_frame(corpus: Corpus) -> None:
    """One case: pandera's PySpark backend runs a Spark job per check (~20 s a validation
    here); its checks failing are tests/test_spark_ingest_queue.py's, through the same
    ``validate_frame``. Rows with a due date before receipt are quarantined, never loaded."""
    from pyspark.sql import functions as F

    from orchestration.spark.one_stop_schema import validate_dossier_batch
    from orchestration.spark.pandera_check import SchemaViolation

    broken = corpus.rows.withColumn("due_at", F.col("received_at") - F.expr("interval 2 days"))
    with pytest.raises(SchemaViolation, match="due_not_before_received"):
        validate_dossier_batch(broken)
    with pytest.raises(SchemaViolation, match="columns"):  # checked before pandera runs
        validate_dossier_batch(broken.select("row_number", "file_id", *broken.columns[2:]))
