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

The rules are data (``AGENCY_RULES``, ``PROCEDURE_RULES``), judged by the quarantine
engine every source shares (orchestration.extract.rules); the usable rows are validated
by the ingest driver (orchestration.validate), not here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from orchestration.extract.csv_columns import ColumnSpec, empty_to_null, read_columns
from orchestration.extract.rules import Rule, cite_all, judge, split_rows, sql_in
from orchestration.extract.types import Extracted, RejectedFile

LAYOUT = "reference"

# The catalogue's vocabularies (the contract's lower-case spelling); the validate schemas
# check the loaded rows against the same tuples.
LEVELS = ("tinh", "huyen", "xa")
SERVICE_LEVELS = ("full", "partial", "info")
FIELD_GROUPS = ("dau_tu", "dat_dai", "xay_dung", "thue", "hai_quan", "doanh_nghiep")

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

# Over the cells as read (the details cite them) and `<column>_value`, the lower-cased
# enumerations. In the contract's order: the first that applies is the reason.
AGENCY_RULES = (
    Rule("missing_agency_code", "agency_code = ''", cite_all(["agency_code"])),
    Rule("unknown_level", f"level_value not in {sql_in(LEVELS)}", cite_all(["level"])),
    Rule("missing_agency_name", "agency_name = ''", cite_all(["agency_name"])),
    Rule("missing_province_code", "province_code = ''", cite_all(["province_code"])),
    Rule("duplicate_agency_code", detail=cite_all(["agency_code"]), duplicate_of=("agency_code",)),
)

PROCEDURE_RULES = (
    Rule("missing_procedure_code", "procedure_code = ''", cite_all(["procedure_code"])),
    Rule("unknown_level", f"level_value not in {sql_in(LEVELS)}", cite_all(["level"])),
    Rule(
        "unknown_service_level",
        f"service_level_value not in {sql_in(SERVICE_LEVELS)}",
        cite_all(["service_level"]),
    ),
    Rule("bad_flag", f"has_fee_value not in {sql_in(_FLAGS)}", cite_all(["has_fee"])),
    Rule(
        "unknown_field_group",
        f"field_group_value <> '' and field_group_value not in {sql_in(FIELD_GROUPS)}",
        cite_all(["field_group"]),
    ),
    Rule(
        "missing_agency_code",
        "level_value = 'tinh' and agency_code = ''",
        cite_all(["level", "agency_code"]),
    ),
    Rule(
        "duplicate_procedure_level",
        detail=cite_all(["procedure_code", "level"]),
        duplicate_of=("procedure_code", "level_value"),
    ),
)


def extract_agencies(path: Path, file_label: str) -> Extracted:
    frame = read_columns(path, file_label, AGENCY_COLUMNS)
    _require_rows(frame, file_label)
    reason, detail = judge(_with_lowered(frame, ["level"]), AGENCY_RULES)
    frame["level"] = frame["level"].str.lower()
    frame["parent_code"] = empty_to_null(frame["parent_code"])
    return split_rows(frame, reason, detail, "agencies", LAYOUT)


def extract_procedures(path: Path, file_label: str) -> Extracted:
    frame = read_columns(path, file_label, PROCEDURE_COLUMNS)
    _require_rows(frame, file_label)
    enumerations = ["level", "service_level", "has_fee", "field_group"]
    reason, detail = judge(_with_lowered(frame, enumerations), PROCEDURE_RULES)
    for column in enumerations:
        frame[column] = frame[column].str.lower()
    for column in ("procedure_name", "field_code", "field_name", "field_group", "agency_code"):
        frame[column] = empty_to_null(frame[column])
    # Rows with a bad flag are quarantined, so only true/false matter here.
    frame["has_fee"] = frame["has_fee"].map(_FLAGS).eq(True)
    return split_rows(frame, reason, detail, "procedures", LAYOUT)


def _with_lowered(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The cells as read, plus ``<column>_value`` lower-cased (as they are loaded)."""
    return frame.assign(**{f"{c}_value": frame[c].str.lower() for c in columns})


def _require_rows(frame: pd.DataFrame, file_label: str) -> None:
    if frame.empty:
        raise no_data_rows(file_label)


def no_data_rows(file_label: str) -> RejectedFile:
    """The rejection of a catalogue file without data rows (the Spark ingest raises it too)."""
    return RejectedFile(
        f"{file_label}: danh mục không có dòng dữ liệu nào / catalogue has no data rows"
    )
