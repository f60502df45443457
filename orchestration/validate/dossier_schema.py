"""The canonical dossier row (raw.dossier_versions without file_path), as a pandera model.

Extraction quarantines every row the contract calls unusable *before* this check, so a
failure here means the extractor is wrong, not the file: ``validate_dossier_rows`` raises
``DossierSchemaError`` instead of quarantining. (A `schema_violation` quarantine reason was
considered and rejected: the contract's list of reasons is closed, and hiding an extractor
bug behind a data-quality figure would let it go unnoticed.)

Cost: every check is a vectorised column expression. Text columns are declared `object`
with a one-pass "all str" check (``_all_text``) rather than pandera's `str` dtype, which
tests each element in Python and was a third of the extraction time on 200k rows. A file
that passes ``orchestration.validate.fast`` (the same rules as plain vectorised calls) skips
pandera's per-call machinery; any doubt or failure goes to pandera for the verdict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from orchestration.validate.fast import validate_quickly

CHANNELS = ("in_person", "online", "postal")
SERVICE_LEVELS = ("full", "partial", "info")
RATINGS = ("very_satisfied", "satisfied", "dissatisfied")
RESOLVED_STATUSES = (9, 10)


class DossierSchemaError(RuntimeError):
    """Canonical rows broke the schema: a programming error in the extractor."""


TEXT_COLUMNS = ("layout", "dossier_code", "procedure_code", "agency_code", "channel")
NULLABLE_TEXT_COLUMNS = ("service_level", "rating")


class DossierVersionRow(pa.DataFrameModel):
    row_number: Series[np.int64] = pa.Field(ge=1, unique=True)
    layout: Series[object] = pa.Field(isin=("A", "B"))
    dossier_code: Series[object] = pa.Field(ne="")
    procedure_code: Series[object] = pa.Field(nullable=True, ne="")
    agency_code: Series[object] = pa.Field(ne="")
    channel: Series[object] = pa.Field(isin=CHANNELS)
    service_level: Series[object] = pa.Field(isin=SERVICE_LEVELS, nullable=True)
    received_at: Series[pa.DateTime]
    due_at: Series[pa.DateTime] = pa.Field(nullable=True)
    completed_at: Series[pa.DateTime] = pa.Field(nullable=True)
    returned_at: Series[pa.DateTime] = pa.Field(nullable=True)
    status: Series[np.int16] = pa.Field(ge=1, le=10)
    is_digitized: Series[bool]
    is_reused: Series[bool]
    has_e_result: Series[bool]
    owes_fee: Series[bool]
    paid_online: Series[bool]
    rating: Series[object] = pa.Field(isin=RATINGS, nullable=True)
    updated_at: Series[pa.DateTime]

    class Config:
        strict = True  # exactly the raw table's columns (file_path is the loader's)
        ordered = True
        coerce = False  # the extractor must produce the types; coercion would hide bugs

    @pa.check(*TEXT_COLUMNS, *NULLABLE_TEXT_COLUMNS, name="all_text", element_wise=False)
    def _all_text(cls, values: Series[object]) -> bool:
        # One C pass; nulls are left to each column's nullable setting.
        return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")

    # Dates are compared as calendar days, as the quarantine rules do.
    @pa.dataframe_check(error="due_at is before received_at (as dates)")
    def due_not_before_received(cls, df: pd.DataFrame) -> Series[bool]:
        return df["due_at"].isna() | (
            df["due_at"].dt.normalize() >= df["received_at"].dt.normalize()
        )

    @pa.dataframe_check(error="completed_at is before received_at (as dates)")
    def completed_not_before_received(cls, df: pd.DataFrame) -> Series[bool]:
        return df["completed_at"].isna() | (
            df["completed_at"].dt.normalize() >= df["received_at"].dt.normalize()
        )

    @pa.dataframe_check(error="status 9 or 10 without completed_at")
    def resolved_has_completion(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["status"].isin(RESOLVED_STATUSES) | df["completed_at"].notna()


_SCHEMA = DossierVersionRow.to_schema()


def validate_dossier_rows(rows: pd.DataFrame, file_label: str) -> pd.DataFrame:
    """``rows`` unchanged if valid; otherwise DossierSchemaError naming the file, the
    failed checks and the first offending row numbers (rows hold no personal data)."""
    try:
        return validate_quickly(_SCHEMA, rows)
    except SchemaErrors as exc:
        raise DossierSchemaError(
            f"{file_label}: canonical dossier rows fail the schema (extractor bug): "
            f"{_summarise(exc.failure_cases, rows)}"
        ) from exc


def _summarise(failures: pd.DataFrame, rows: pd.DataFrame, limit: int = 5) -> str:
    """One part per failed check: where, what, how many rows, the first row numbers."""
    parts = []
    for check, group in failures.groupby("check", sort=False):
        columns = group.loc[group["schema_context"] == "Column", "column"].dropna().unique()
        where = ", ".join(map(str, columns)) or "dataframe"
        positions = pd.unique(group["index"].dropna().astype("int64"))
        row_numbers = [int(rows["row_number"].iloc[p]) for p in positions[:limit] if p < len(rows)]
        if row_numbers:
            parts.append(f"{where}: {check} ({len(positions)} rows, e.g. {row_numbers})")
        else:  # a dtype or column-set failure: the failure case says what was found
            found = ", ".join(map(str, group["failure_case"].head(limit)))
            parts.append(f"{where}: {check} (found {found})")
    return "; ".join(parts)
