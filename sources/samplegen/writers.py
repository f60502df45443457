"""Bytes of the delivered files: delimited text in any encoding, JSON Lines, layout A XLSX.

Everything returns ``bytes`` so that the caller writes files once and hashes what it wrote;
nothing here reads a clock (XLSX core properties get a fixed date, zip members the
xlsxwriter in-memory epoch), so the same input gives the same bytes on every run.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
import xlsxwriter

from samplegen.text import thousands

# Core-properties date of every generated workbook: fixed, so re-generating changes no byte.
WORKBOOK_DATE = datetime(2025, 1, 15, 8, 0, 0)


def encode(text: str, encoding: str) -> bytes:
    """``utf-16-le``/``utf-16-be`` are written with their BOM, as Excel's "Unicode text"."""
    if encoding == "utf-8":
        return text.encode("utf-8")
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    raise ValueError(f"unsupported encoding {encoding}")


def delimited_text(
    headers: Sequence[str], columns: Sequence[np.ndarray], delimiter: str, newline: str
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(headers)
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def json_strings(values: np.ndarray) -> np.ndarray:
    """JSON string tokens (``"..."``), escaping each distinct value once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    tokens = np.array([json.dumps(str(u), ensure_ascii=False) for u in uniques], dtype=object)
    return tokens[codes] if len(uniques) else np.array([], dtype=object)


def jsonl_text(keys: Sequence[str], tokens: Sequence[np.ndarray]) -> str:
    """One object per line from pre-rendered JSON value tokens, keys in the given order."""
    template = "{" + ", ".join(f'"{k}": %s' for k in keys) + "}"
    lines = [template % row for row in zip(*tokens, strict=True)]
    return "".join(line + "\n" for line in lines)


def new_workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": WORKBOOK_DATE, "author": "Hệ thống một cửa điện tử"})
    return workbook


def xlsx_layout_a(
    headers: Sequence[str],
    columns: Sequence[np.ndarray],
    title: str,
    window_line: str,
    footer: bool = True,
) -> bytes:
    """Layout A workbook as the provincial one-stop system exports it: title, ``Từ ngày …
    đến ngày …``, a blank row, the table (native date cells), a blank row, ``Tổng số``."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet("DanhSachHoSo")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(1, 0, window_line)
    header_row = 3
    for c, header in enumerate(headers):
        sheet.write_string(header_row, c, header, bold)
    r = header_row
    for r, row in enumerate(zip(*columns, strict=True), start=header_row + 1):
        for c, value in enumerate(row):
            if value is None or (isinstance(value, str) and value == ""):
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, int | np.integer):
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, str(value))
    n_rows = r - header_row
    if footer:
        sheet.write_string(r + 2, 0, f"Tổng số: {thousands(n_rows)} hồ sơ", bold)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, len(headers) - 1, 18)
    workbook.close()
    return buffer.getvalue()


CORRUPT_WORKBOOK = (
    '<html><head><meta charset="utf-8"><title>Lỗi 500</title></head>\n'
    "<body><h1>Lỗi hệ thống</h1><p>Không thể xuất danh sách hồ sơ. Vui lòng thử lại sau."
    "</p></body></html>\n"
).encode()
