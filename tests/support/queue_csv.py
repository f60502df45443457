"""Queue (xếp hàng) export files written for tests: the contract's header, any delimiter,
UTF-8 or UTF-16 with its BOM (tests/test_extract_queue.py, tests/test_spark_ingest_queue.py)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

HEADER = ["Mã cơ quan", "Số phiếu", "Thời điểm lấy số", "Thời điểm gọi số", "Thời điểm kết thúc"]
A = "000.00.05.T01"  # an agency of the sample's catalogue


def write_csv(
    path: Path,
    rows: list[list[str]],
    header: list[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    text = buffer.getvalue()
    boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    path.write_bytes(boms.get(encoding, b"") + text.encode(encoding))
    return path
