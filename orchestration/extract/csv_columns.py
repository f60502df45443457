"""Read a delimited file's known columns by header (reference catalogue, queue exports).

Headers are matched by their normalised spelling; a repeated or missing required header
rejects the file (named); unknown columns (personal data included) are dropped while
parsing, so they never reach a frame.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orchestration.extract.headers import normalise_header
from orchestration.extract.readers import read_delimited
from orchestration.extract.types import RejectedFile


@dataclass(frozen=True)
class ColumnSpec:
    """A canonical column and the header that carries it (matched normalised)."""

    name: str
    header: str
    required: bool = True


# pandas renames a repeated header "x" to "x.1", "x.2", …; undo that to spot repeats.
_PANDAS_DUPLICATE_SUFFIX = re.compile(r"\.\d+$")


def _header_key(header: str) -> str:
    return normalise_header(_PANDAS_DUPLICATE_SUFFIX.sub("", header))


def check_headers(keys: Sequence[str], specs: Sequence[ColumnSpec], file_label: str) -> None:
    """Reject the file when a known header (``keys``: the normalised headers of the known
    columns, as found) is repeated, or a required one is missing, naming them."""
    by_key = {normalise_header(spec.header): spec for spec in specs}
    repeated = sorted({by_key[k].header for k in keys if keys.count(k) > 1})
    if repeated:
        names = ", ".join(repeated)
        raise RejectedFile(
            f"{file_label}: cột bị lặp lại: {names} / header appears more than once: {names}"
        )
    missing = [s.header for s in specs if s.required and normalise_header(s.header) not in keys]
    if missing:
        names = ", ".join(missing)
        raise RejectedFile(
            f"{file_label}: thiếu cột bắt buộc: {names} / missing required headers: {names}"
        )


def column_positions(
    headers: Sequence[str], specs: Sequence[ColumnSpec], file_label: str
) -> dict[str, int]:
    """For a header row as written, the position of each known column by canonical name
    (unknown columns have none); rejected as ``read_columns`` rejects it. For readers that
    parse the file themselves (the Spark ingest)."""
    by_key = {normalise_header(spec.header): spec for spec in specs}
    keys = [normalise_header(header) for header in headers]
    check_headers([k for k in keys if k in by_key], specs, file_label)
    return {by_key[k].name: position for position, k in enumerate(keys) if k in by_key}


def read_columns(path: Path, file_label: str, specs: Sequence[ColumnSpec]) -> pd.DataFrame:
    """The file's known columns under their canonical names, cells trimmed, plus
    ``row_number``; absent optional columns are filled with ''.

    Unknown columns are dropped while parsing, so nothing unexpected (personal data
    included) ever reaches a frame.
    """
    by_key = {normalise_header(spec.header): spec for spec in specs}
    frame = read_delimited(path, file_label, keep_column=lambda h: _header_key(h) in by_key)
    keys = [_header_key(str(c)) for c in frame.columns]
    check_headers(keys, specs, file_label)
    frame.columns = [by_key[k].name for k in keys]
    result = pd.DataFrame(index=frame.index)
    result["row_number"] = frame.index.astype("int64")
    for spec in specs:
        result[spec.name] = frame[spec.name].str.strip() if spec.name in frame else ""
    return result.reset_index(drop=True)


def empty_to_null(values: pd.Series) -> pd.Series:
    return values.where(values != "", None).astype(object)
