"""Extract the reference catalogue: ``reference/agencies.csv`` and ``reference/procedures.csv``.

Both files are read with ``read_delimited`` (encoding and delimiter detected), headers
matched by their normalised spelling, cells trimmed. Enumerated values (level,
service_level, field_group, has_fee) are compared case-insensitively and stored in the
contract's lower-case spelling. Empty optional text cells become NULL.

A file is rejected (``RejectedFile``) when a required header is missing (named in the
message), a header appears twice, or it holds no data row (an empty catalogue would wipe
the province's agencies or procedures).

Required headers: agencies ``agency_code, agency_name, level, province_code``
(``parent_code`` may be absent); procedures ``procedure_code, level, service_level,
has_fee`` (``procedure_name, field_code, field_name, field_group, agency_code`` may be
absent: their values are then NULL).

Row quarantine reasons, the first that applies, in this order:

agencies
  - ``missing_agency_code``: agency_code empty.
  - ``unknown_level``: level not ``tinh``, ``huyen`` or ``xa``.
  - ``missing_agency_name``: agency_name empty (raw.agencies requires it).
  - ``missing_province_code``: province_code empty (raw.agencies requires it).
  - ``duplicate_agency_code``: a code already held by an earlier usable row of the file.

procedures
  - ``missing_procedure_code``: procedure_code empty.
  - ``unknown_level``: level not ``tinh``, ``huyen`` or ``xa``.
  - ``unknown_service_level``: service_level not ``full``, ``partial`` or ``info``.
  - ``bad_flag``: has_fee not ``true`` or ``false``.
  - ``unknown_field_group``: field_group neither empty nor one of the six groups.
  - ``missing_agency_code``: level ``tinh`` without agency_code.
  - ``duplicate_procedure_level``: procedure_code and level already held by an earlier
    usable row of the file.

Duplicates are looked for among rows that no earlier rule quarantined, so the first
*usable* row of a key is loaded and later ones are quarantined with the row they repeat.

The helpers in the second half (``ColumnSpec``, ``read_columns``, ``Reasons``,
``later_duplicates``, ``split_rows``, ``validate_rows``) are shared with ``queue.py``
(and ``validate_rows`` with ``bieu06.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from orchestration.extract.headers import normalise_header
from orchestration.extract.raw_schema import column_names
from orchestration.extract.readers import read_delimited
from orchestration.extract.types import QUARANTINE_COLUMNS, Extracted, RejectedFile
from orchestration.validate.reference_schema import (
    FIELD_GROUPS,
    LEVELS,
    SERVICE_LEVELS,
    AgencySchema,
    ProcedureSchema,
)

LAYOUT = "reference"


@dataclass(frozen=True)
class ColumnSpec:
    """A canonical column and the header that carries it (matched normalised)."""

    name: str
    header: str
    required: bool = True


AGENCY_COLUMNS = (
    ColumnSpec("agency_code", "agency_code"),
    ColumnSpec("agency_name", "agency_name"),
    ColumnSpec("level", "level"),
    ColumnSpec("parent_code", "parent_code", required=False),
    ColumnSpec("province_code", "province_code"),
)

PROCEDURE_COLUMNS = (
    ColumnSpec("procedure_code", "procedure_code"),
    ColumnSpec("procedure_name", "procedure_name", required=False),
    ColumnSpec("field_code", "field_code", required=False),
    ColumnSpec("field_name", "field_name", required=False),
    ColumnSpec("field_group", "field_group", required=False),
    ColumnSpec("level", "level"),
    ColumnSpec("agency_code", "agency_code", required=False),
    ColumnSpec("service_level", "service_level"),
    ColumnSpec("has_fee", "has_fee"),
)

_FLAGS = {"true": True, "false": False}


def extract_agencies(path: Path, file_label: str) -> Extracted:
    frame = read_columns(path, file_label, AGENCY_COLUMNS)
    _require_rows(frame, file_label)
    reasons = Reasons(frame.copy())
    frame["level"] = frame["level"].str.lower()

    reasons.add("missing_agency_code", frame["agency_code"] == "", ["agency_code"])
    reasons.add("unknown_level", ~frame["level"].isin(LEVELS), ["level"])
    reasons.add("missing_agency_name", frame["agency_name"] == "", ["agency_name"])
    reasons.add("missing_province_code", frame["province_code"] == "", ["province_code"])
    duplicate, note = later_duplicates(frame, ["agency_code"], reasons.passed)
    reasons.add("duplicate_agency_code", duplicate, ["agency_code"], note)

    frame["parent_code"] = empty_to_null(frame["parent_code"])
    return split_rows(frame, reasons, "agencies", AgencySchema, file_label)


def extract_procedures(path: Path, file_label: str) -> Extracted:
    frame = read_columns(path, file_label, PROCEDURE_COLUMNS)
    _require_rows(frame, file_label)
    reasons = Reasons(frame.copy())
    for column in ("level", "service_level", "has_fee", "field_group"):
        frame[column] = frame[column].str.lower()

    reasons.add("missing_procedure_code", frame["procedure_code"] == "", ["procedure_code"])
    reasons.add("unknown_level", ~frame["level"].isin(LEVELS), ["level"])
    reasons.add(
        "unknown_service_level", ~frame["service_level"].isin(SERVICE_LEVELS), ["service_level"]
    )
    reasons.add("bad_flag", ~frame["has_fee"].isin(_FLAGS), ["has_fee"])
    unknown_group = (frame["field_group"] != "") & ~frame["field_group"].isin(FIELD_GROUPS)
    reasons.add("unknown_field_group", unknown_group, ["field_group"])
    provincial_without_agency = (frame["level"] == "tinh") & (frame["agency_code"] == "")
    reasons.add("missing_agency_code", provincial_without_agency, ["level", "agency_code"])
    keys = ["procedure_code", "level"]
    duplicate, note = later_duplicates(frame, keys, reasons.passed)
    reasons.add("duplicate_procedure_level", duplicate, keys, note)

    for column in ("procedure_name", "field_code", "field_name", "field_group", "agency_code"):
        frame[column] = empty_to_null(frame[column])
    # Rows with a bad flag are quarantined, so only true/false matter here.
    frame["has_fee"] = frame["has_fee"].map(_FLAGS).eq(True)
    return split_rows(frame, reasons, "procedures", ProcedureSchema, file_label)


def _require_rows(frame: pd.DataFrame, file_label: str) -> None:
    if frame.empty:
        raise RejectedFile(
            f"{file_label}: danh mục không có dòng dữ liệu nào / catalogue has no data rows"
        )


# --- Helpers shared with queue.py and bieu06.py ------------------------------------------

# pandas renames a repeated header "x" to "x.1", "x.2", …; undo that to spot repeats.
_PANDAS_DUPLICATE_SUFFIX = re.compile(r"\.\d+$")


def _header_key(header: str) -> str:
    return normalise_header(_PANDAS_DUPLICATE_SUFFIX.sub("", header))


def read_columns(path: Path, file_label: str, specs: Sequence[ColumnSpec]) -> pd.DataFrame:
    """The file's known columns under their canonical names, cells trimmed, plus
    ``row_number``; absent optional columns are filled with ''.

    Unknown columns are dropped while parsing, so nothing unexpected (personal data
    included) ever reaches a frame.
    """
    by_key = {normalise_header(spec.header): spec for spec in specs}
    frame = read_delimited(path, file_label, keep_column=lambda h: _header_key(h) in by_key)
    keys = [_header_key(str(c)) for c in frame.columns]
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
    frame.columns = [by_key[k].name for k in keys]
    result = pd.DataFrame(index=frame.index)
    result["row_number"] = frame.index.astype("int64")
    for spec in specs:
        result[spec.name] = frame[spec.name].str.strip() if spec.name in frame else ""
    return result.reset_index(drop=True)


def empty_to_null(values: pd.Series) -> pd.Series:
    return values.where(values != "", None).astype(object)


class Reasons:
    """One quarantine reason per row: the first rule (in the order added) that applies.

    ``values`` holds the cells as read (text), so a detail shows what the file says;
    ``labels`` names a column as the file's header writes it. Details are built only for
    the rows a rule takes, which keeps large files cheap.
    """

    def __init__(self, values: pd.DataFrame, labels: Mapping[str, str] | None = None) -> None:
        self.values = values
        self.labels = dict(labels or {})
        self.reason = pd.Series(None, index=values.index, dtype=object)
        self.detail = pd.Series(None, index=values.index, dtype=object)

    @property
    def passed(self) -> pd.Series:
        return self.reason.isna()

    def add(
        self,
        reason: str,
        applies: pd.Series,
        columns: Sequence[str],
        note: pd.Series | None = None,
    ) -> None:
        """Quarantine rows where ``applies`` holds and no earlier rule did; the detail is
        ``label='value'`` for each of ``columns``, then ``note`` if given."""
        take = applies.fillna(False).astype(bool) & self.passed
        if not take.any():
            return
        self.reason[take] = reason
        self.detail[take] = self.describe(take, columns, note)

    def describe(
        self, take: pd.Series, columns: Sequence[str], note: pd.Series | None
    ) -> pd.Series:
        parts = [
            self.labels.get(column, column) + "='" + self.values.loc[take, column].astype(str) + "'"
            for column in columns
        ]
        detail = parts[0]
        for part in parts[1:]:
            detail = detail + ", " + part
        if note is not None:
            detail = detail + note[take]
        return detail


def later_duplicates(
    frame: pd.DataFrame, keys: list[str], candidates: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Rows among ``candidates`` whose key an earlier candidate already holds, and a note
    naming the row that holds it first (NaN on other rows)."""
    pool = frame.loc[candidates]
    duplicate = pool.duplicated(subset=keys, keep="first")
    first_row = pool.groupby(keys, sort=False)["row_number"].transform("first")
    first_row = first_row[duplicate].astype(str)
    note = " (trùng dòng " + first_row + " / duplicate of row " + first_row + ")"
    return duplicate.reindex(frame.index, fill_value=False), note.reindex(frame.index)


def split_rows(
    frame: pd.DataFrame,
    reasons: Reasons,
    table: str,
    schema: type[pa.DataFrameModel],
    file_label: str,
    layout: str = LAYOUT,
) -> Extracted:
    """Usable rows (in the raw table's column order, validated) and quarantined rows."""
    columns = [c for c in column_names(table) if c != "file_path"]
    rows = frame.loc[reasons.passed, columns].reset_index(drop=True)
    quarantined = pd.DataFrame(
        {
            "row_number": frame.loc[~reasons.passed, "row_number"].astype("int64"),
            "reason": reasons.reason[~reasons.passed],
            "detail": reasons.detail[~reasons.passed],
        },
        columns=QUARANTINE_COLUMNS,
    ).reset_index(drop=True)
    return Extracted(
        layout=layout,
        rows=validate_rows(schema, rows, file_label),
        quarantined=quarantined,
        rows_read=len(frame),
    )


_MAX_ERROR_TEXT = 1000  # the ledger message stays readable


def validate_rows(
    schema: type[pa.DataFrameModel], rows: pd.DataFrame, file_label: str
) -> pd.DataFrame:
    """Rows that passed quarantine must fit the raw table; if not, the extractor has a gap,
    and refusing the file beats loading rows that break the table's contract."""
    try:
        return schema.validate(rows, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise RejectedFile(
            f"{file_label}: dữ liệu không khớp lược đồ {schema.__name__} / "
            f"rows fail schema {schema.__name__}: {str(exc)[:_MAX_ERROR_TEXT]}"
        ) from exc
