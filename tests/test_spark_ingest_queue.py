"""The queue (xếp hàng) ingest on Spark equals the DuckDB extractor's, file by file
(issue 14, item 2; orchestration/spark/ingest_queue.py).

For every queue file of the bundled sample, the contract's example and hand-written files
hitting every quarantine reason, encoding and delimiter: the same usable rows (values), the
same quarantined row numbers, reasons and details, and rows_read = loaded + quarantined.
Also: the same rejections, and pandera's PySpark model of the canonical frame.

Needs pyspark and Java 17 (like tests/test_spark_equals_duckdb.py).
"""

from __future__ import annotations

import csv
import math
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from orchestration.extract.queue import extract_queue
from orchestration.extract.types import RejectedFile
from tests.support.queue_csv import HEADER, A, write_csv

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

ROOT = Path(__file__).parent.parent
SAMPLE_QUEUE = ROOT / "sources" / "sample" / "landing" / "queue"
CONTRACT_EXAMPLE = (
    ROOT / "tests" / "fixtures" / "contract_examples" / "queue" / "ve_xep_hang_2024-01.csv"
)
AGENCIES_CSV = ROOT / "sources" / "sample" / "landing" / "reference" / "agencies.csv"


def sample_agencies() -> frozenset[str]:
    with AGENCIES_CSV.open(encoding="utf-8") as stream:
        return frozenset(row["agency_code"] for row in csv.DictReader(stream))


AGENCIES = sample_agencies()


# Every reason, in the contract's order of precedence, and the date spellings at the edges
# of what parsing.parse_datetimes accepts.
EVERY_REASON = [
    [A, "1", "02/01/2024 08:00:00", "02/01/2024 08:05:00", "02/01/2024 08:15:00"],  # ok
    ["999.T01", "2", "02/01/2024 08:00:00", "", ""],  # unknown_agency
    ["", "", "", "", ""],  # blank: not a data row
    ["", "3", "02/01/2024 08:00:00", "", ""],  # unknown_agency (empty code)
    [A, "", "02/01/2024 08:00:00", "", ""],  # missing_ticket_number
    [A, "4", "", "02/01/2024 08:05:00", ""],  # missing_taken_time
    [A, "5", "2024-01-02 08:00:00", "", ""],  # bad_date: ISO is not accepted
    [A, "6", "02/01/2024 08:00:00", "31/02/2024 08:05", ""],  # bad_date: no 31 February
    [A, "7", "02/01/2024 08:00:00", "02/01/2024 08:05:00", "xx"],  # bad_date
    [A, "8", "02/01/24 08:00:00", "", ""],  # bad_date: two-digit year
    [A, "9", "29/02/2023", "", ""],  # bad_date: 2023 is no leap year
    [A, "10", "29/02/2024", "29/02/2024 00:01", ""],  # ok: 2024 is
    [A, "11", "02/01/2024 24:00:00", "", ""],  # bad_date: hour 24
    [A, "12", "02/01/2024 08:00:60", "", ""],  # bad_date: second 60
    [A, "13", "02/13/2024 08:00:00", "", ""],  # bad_date: month first
    [A, "14", "02/01/1899 08:00:00", "", ""],  # bad_date: before MIN_YEAR
    [A, "15", "3/1/2024 8:05", "3/1/2024  9:05:07", ""],  # ok: short fields, two spaces
    [A, "16", "03/01/2024\t08:00", "", ""],  # ok: a tab between date and time
    [A, "17", "03/01/2024 08:00:00", "", "03/01/2024 09:00"],  # ok: abandoned, finished
    [A, "18", "02/01/2024 08:00:00", "02/01/2024 07:59:59", ""],  # called_before_taken
    [A, "19", "02/01/2024 08:00:00", "02/01/2024 08:05:00", "02/01/2024 08:04:00"],
    [A, "1", "02/01/2024 15:00:00", "02/01/2024 15:05:00", ""],  # duplicate of row 2
    [A, "20", "02/01/2024 09:00:00", "", ""],  # ok: abandoned
    [A, "20", "02/01/2024 09:30:00", "", ""],  # duplicate of the row above
    [A, "1", "03/01/2024 15:00:00", "", ""],  # ok: another day
    [f"\u00a0{A} ", " 21\t", "\u300003/01/2024 10:00:00 ", "", ""],  # ok once trimmed
    [A, "22", '"02/01/2024 08:00:00"', "", ""],  # bad_date: quotes inside the cell
    [A, "2,5", "02/01/2024 08:00:00", "", ""],  # ok: a quoted delimiter
    [A, "dup", "99/99/9999", "", ""],  # bad_date (not a duplicate: no day)
    [A, "dup", "99/99/9999", "", ""],  # bad_date
]


def hand_written(directory: Path) -> dict[str, Path]:
    """Files no landing holds: every reason, each encoding and delimiter, headers spelled
    otherwise, the finish column absent, no ticket, and a file larger than the sniffed
    head."""
    two = [
        [A, "1", "02/01/2024 08:00:00", "02/01/2024 08:05:00", ""],
        [A, "2", "02/01/2024 08:10:00", "", ""],
    ]
    files = {
        "every_reason.csv": write_csv(directory / "every_reason.csv", EVERY_REASON),
        "header_only.csv": write_csv(directory / "header_only.csv", []),
        "no_finish.csv": write_csv(
            directory / "no_finish.csv",
            [[r[1], r[0], "Nguyễn Văn A", r[2], r[3]] for r in two],
            header=[
                "SỐ PHIẾU",
                "ma co quan",
                "Chủ hồ sơ",
                "Thoi diem lay so",
                " Thời  điểm gọi số ",
            ],
        ),
    }
    for delimiter, encoding in [("\t", "utf-16-le"), ("\t", "utf-16-be"), (";", "utf-8-sig")]:
        name = f"{encoding}.csv"
        files[name] = write_csv(
            directory / name, EVERY_REASON, delimiter=delimiter, encoding=encoding
        )
    # Past the 64 KiB head that is sniffed in Python, with a multi-byte character at the cut.
    many = [[A, f"{n}é", "04/01/2024 08:00:00", "04/01/2024 08:01:00", ""] for n in range(2500)]
    files["large.csv"] = write_csv(directory / "large.csv", many + two)
    return files


@pytest.fixture(scope="module")
def handwritten(tmp_path_factory) -> dict[str, Path]:
    return hand_written(tmp_path_factory.mktemp("queue"))


def _plain(value: object) -> object:
    """A cell as Python compares it: NaT/NaN/None are None, timestamps are datetimes."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def duckdb_side(path: Path, label: str) -> tuple[list[tuple], list[tuple], int]:
    extracted = extract_queue(path, label, AGENCIES)
    rows = [tuple(_plain(v) for v in row) for row in extracted.rows.itertuples(index=False)]
    quarantined = [
        tuple(_plain(v) for v in row) for row in extracted.quarantined.itertuples(index=False)
    ]
    return sorted(rows), sorted(quarantined), extracted.rows_read


def spark_side(spark, path: Path, label: str) -> tuple[list[tuple], list[tuple], int, list[str]]:
    from orchestration.spark.ingest_queue import extract_queue_spark

    extracted = extract_queue_spark(spark, path, label, AGENCIES)
    rows = sorted(tuple(row) for row in extracted.rows.collect())
    quarantined = sorted(tuple(row) for row in extracted.quarantined.collect())
    extracted.release()
    return rows, quarantined, extracted.rows_read, extracted.rows.columns


def landed_files() -> list[Path]:
    return [*sorted(SAMPLE_QUEUE.rglob("*.csv")), CONTRACT_EXAMPLE]


def test_corpus_is_not_vacuous(handwritten) -> None:
    assert len(landed_files()) >= 15
    reasons = {row[1] for row in duckdb_side(handwritten["every_reason.csv"], "q")[1]}
    assert reasons == {
        "unknown_agency",
        "missing_ticket_number",
        "missing_taken_time",
        "bad_date",
        "called_before_taken",
        "finished_before_called",
        "duplicate_ticket",
    }


def test_every_queue_file_equals_the_duckdb_extractor(spark, handwritten) -> None:
    cases = [(path, path.relative_to(ROOT).as_posix()) for path in landed_files()]
    cases += [(path, f"queue/{name}") for name, path in handwritten.items()]
    for path, label in cases:
        expected_rows, expected_quarantined, expected_read = duckdb_side(path, label)
        rows, quarantined, rows_read, columns = spark_side(spark, path, label)
        assert columns == [
            "row_number",
            "agency_code",
            "ticket_number",
            "taken_at",
            "called_at",
            "finished_at",
        ], label
        assert rows == expected_rows, label
        assert quarantined == expected_quarantined, label
        assert rows_read == expected_read == len(rows) + len(quarantined), label


def test_the_hand_written_file_quarantines_as_the_contract_says(spark, handwritten) -> None:
    rows, quarantined, rows_read, _ = spark_side(spark, handwritten["every_reason.csv"], "q")
    by_row = {number: (reason, detail) for number, reason, detail in quarantined}
    assert rows_read == len(EVERY_REASON) - 1  # the blank line is not a data row
    assert by_row[9] == ("bad_date", "Thời điểm gọi số='31/02/2024 08:05'")
    assert by_row[23][0] == "duplicate_ticket"
    assert by_row[23][1].endswith("(trùng dòng 2 / duplicate of row 2)")
    trimmed = next(row for row in rows if row[2] == "21")
    assert trimmed[1:4] == (A, "21", datetime(2024, 1, 3, 10, 0))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "tệp rỗng"),
        (",".join(HEADER[:2]).encode() + b"\r\nA,1\r\n", "thiếu cột bắt buộc"),
        (",".join([*HEADER, "ma co quan"]).encode() + b"\r\n", "cột bị lặp lại"),
        (",".join(HEADER).encode() + b"\n\xff\xfe\xfa\n", "UTF-8"),
    ],
)
def test_rejections_are_the_duckdb_extractors(spark, tmp_path, content, message) -> None:
    from orchestration.spark.ingest_queue import extract_queue_spark

    path = tmp_path / "q.csv"
    path.write_bytes(content)
    with pytest.raises(RejectedFile) as expected:
        extract_queue(path, "queue/q.csv", AGENCIES)
    with pytest.raises(RejectedFile) as actual:
        extract_queue_spark(spark, path, "queue/q.csv", AGENCIES)
    assert message in str(actual.value)
    assert str(actual.value) == str(expected.value)


def test_an_empty_line_is_not_counted_on_spark(spark, tmp_path) -> None:
    """The one known difference (ingest_queue's docstring): Spark's CSV parser skips a fully
    empty line, pandas counts its number. Pinned so that a fix shows up here."""
    path = tmp_path / "q.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + f"{A},1,02/01/2024 08:00:00,,\n\n{A},2,02/01/2024 08:00:00,,\n",
        encoding="utf-8",
    )
    assert [row[0] for row in duckdb_side(path, "q")[0]] == [2, 4]
    assert [row[0] for row in spark_side(spark, path, "q")[0]] == [2, 3]


@pytest.fixture(scope="module")
def example_rows(spark):
    from orchestration.spark.ingest_queue import extract_queue_spark

    extracted = extract_queue_spark(spark, CONTRACT_EXAMPLE, "queue/q.csv", AGENCIES)
    yield extracted.rows
    extracted.release()


def test_pandera_pyspark_model_passes_the_canonical_frame(spark, example_rows) -> None:
    from orchestration.spark.queue_schema import validate_queue_tickets

    validate_queue_tickets(example_rows)


@pytest.mark.parametrize(
    "broken",
    [
        "select 1 as row_number, agency_code, ticket_number, taken_at, called_at, finished_at",
        "select row_number, agency_code, '' as ticket_number, taken_at, called_at, finished_at",
        "select row_number, agency_code, ticket_number, taken_at, "
        "taken_at - interval 1 minute as called_at, finished_at",
        "select row_number, agency_code, '1' as ticket_number, taken_at, called_at, finished_at",
        "select agency_code, row_number, ticket_number, taken_at, called_at, finished_at",
    ],
    ids=[
        "row_number_ge_2",
        "ticket_number_empty",
        "called_before_taken",
        "duplicate_ticket",
        "column_order",
    ],
)
def test_pandera_pyspark_model_rejects_a_broken_frame(spark, example_rows, broken) -> None:
    from orchestration.spark.pandera_check import SchemaViolation
    from orchestration.spark.queue_schema import validate_queue_tickets

    example_rows.createOrReplaceTempView("queue_rows")
    try:
        with pytest.raises(SchemaViolation):
            validate_queue_tickets(spark.sql(f"{broken} from queue_rows"))
    finally:
        spark.catalog.dropTempView("queue_rows")
