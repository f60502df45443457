"""Read delimited text files of unknown encoding and delimiter into string frames."""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from orchestration.extract.types import RejectedFile

_DELIMITERS = (",", ";", "\t")


def text_encoding(head: bytes) -> str:
    """The Python codec of a file from its first bytes: UTF-8 with its BOM, UTF-16 LE/BE
    with its BOM (the codec reads the byte order from it), else UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def empty_file(file_label: str) -> RejectedFile:
    """The rejection of a file without content (the Spark reader raises it too)."""
    return RejectedFile(f"{file_label}: tệp rỗng / file is empty")


def decode_text(raw: bytes, file_label: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 LE/BE with BOM; anything else is rejected."""
    try:
        return raw.decode(text_encoding(raw))
    except UnicodeDecodeError as exc:
        raise RejectedFile(
            f"{file_label}: không đọc được mã hóa ký tự (cần UTF-8 hoặc UTF-16) / "
            f"encoding is not UTF-8 or UTF-16 ({exc.reason} at byte {exc.start})"
        ) from exc


def detect_delimiter(first_line: str) -> str:
    """The candidate that splits the header line into the most fields, quotes respected."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    in_quotes = False
    for ch in first_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    return max(_DELIMITERS, key=lambda d: counts[d])


def read_delimited(
    path: Path,
    file_label: str | None = None,
    keep_column: Callable[[str], bool] | None = None,
) -> pd.DataFrame:
    """All cells as strings ('' for empty), headers exactly as written (BOM stripped).

    The frame's index is the data row number as a spreadsheet shows it: the header is
    row 1, so the first data row is 2. Fully blank lines are not data rows and are dropped
    (their numbers are skipped, so later rows keep the number an official sees).
    ``keep_column`` (called with the header as written) drops columns at parse time, so
    personal-data columns never become part of a frame.
    """
    label = file_label or path.name
    text = decode_text(path.read_bytes(), label)
    if not text.strip():
        raise empty_file(label)
    first_line = text.split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=detect_delimiter(first_line),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            usecols=(lambda c: keep_column(str(c).lstrip("\ufeff").strip()))
            if keep_column
            else None,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise RejectedFile(f"{label}: lỗi đọc CSV / CSV parse error: {exc}") from exc
    frame.columns = [str(c).lstrip("\ufeff").strip() for c in frame.columns]
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    blank = (frame == "").all(axis=1)
    return frame.loc[~blank]
