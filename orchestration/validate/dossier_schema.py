"""The canonical dossier row (raw.dossier_versions without file_path), as a pandera model.

Extraction quarantines every row the contract calls unusable *before* this check, so a
failure here means the extractor is wrong, not the file: validation raises
``DossierSchemaError`` instead of quarantining. (A `schema_violation` quarantine reason was
considered and rejected: the contract's list of reasons is closed, and hiding an extractor
bug behind a data-quality figure would let it go unnoticed.)

The rows come out of the engine as Arrow; they are checked with pandera's Polars backend on
a zero-copy ``polars.from_arrow`` view, once per batch of files (pandera's fixed cost per
call is then paid once per batch, not per file), through pandera's public ``validate``
only. Failure cases carry row positions, so a message names the file and its rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pandera.polars as pa
import polars as pl
import pyarrow as pa_arrow
from pandera.errors import SchemaError, SchemaErrors

from orchestration.extract import one_stop_layouts


def _codes(vocabulary: dict[str, str | None]) -> tuple[str, ...]:
    """The canonical codes a vocabulary maps to (a value mapped to None means "blank")."""
    return tuple(sorted({code for code in vocabulary.values() if code is not None}))


# The canonical codes of the extract stage's vocabularies: one list, the contract's.
CHANNELS = _codes(one_stop_layouts.CHANNELS)
SERVICE_LEVELS = _codes(one_stop_layouts.SERVICE_LEVELS)
RATINGS = _codes(one_stop_layouts.RATINGS)
RESOLVED_STATUSES = (9, 10)


class DossierSchemaError(RuntimeError):
    """Canonical rows broke the schema: a programming error in the extractor."""


def _day(column: str) -> pl.Expr:
    return pl.col(column).dt.date()


class DossierVersionRow(pa.DataFrameModel):
    row_number: pl.Int64 = pa.Field(ge=1, unique=True)
    layout: pl.String = pa.Field(isin=("A", "B"))
    dossier_code: pl.String = pa.Field(ne="")
    procedure_code: pl.String = pa.Field(nullable=True, ne="")
    agency_code: pl.String = pa.Field(ne="")
    channel: pl.String = pa.Field(isin=CHANNELS)
    service_level: pl.String = pa.Field(isin=SERVICE_LEVELS, nullable=True)
    received_at: pl.Datetime
    due_at: pl.Datetime = pa.Field(nullable=True)
    completed_at: pl.Datetime = pa.Field(nullable=True)
    returned_at: pl.Datetime = pa.Field(nullable=True)
    status: pl.Int16 = pa.Field(ge=1, le=10)
    is_digitized: pl.Boolean
    is_reused: pl.Boolean
    has_e_result: pl.Boolean
    owes_fee: pl.Boolean
    paid_online: pl.Boolean
    rating: pl.String = pa.Field(isin=RATINGS, nullable=True)
    updated_at: pl.Datetime

    class Config:
        strict = True  # exactly the raw table's columns (file_path is the loader's)
        ordered = True
        coerce = False  # the extractor must produce the types; coercion would hide bugs

    # Dates are compared as calendar days, as the quarantine rules do.
    @pa.dataframe_check(error="due_at is before received_at (as dates)")
    def due_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("due_at").is_null() | (_day("due_at") >= _day("received_at"))
        )

    @pa.dataframe_check(error="completed_at is before received_at (as dates)")
    def completed_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("completed_at").is_null() | (_day("completed_at") >= _day("received_at"))
        )

    @pa.dataframe_check(error="status 9 or 10 without completed_at")
    def resolved_has_completion(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.col("status").is_in(RESOLVED_STATUSES) | pl.col("completed_at").is_not_null()
        )


class DossierBatchRow(DossierVersionRow):
    """The rows of a batch of files: each row also names its file (``file_id``, the
    position in the batch), and row numbers are unique within a file."""

    file_id: pl.Int32
    row_number: pl.Int64 = pa.Field(ge=1)

    class Config:
        strict = True
        ordered = False  # file_id leads the batch table
        coerce = False
        unique = ["file_id", "row_number"]


_SCHEMA = DossierVersionRow.to_schema()
_BATCH_SCHEMA = DossierBatchRow.to_schema()


def validate_dossier_batch(rows: pa_arrow.Table, file_labels: Sequence[str]) -> None:
    """Raise DossierSchemaError naming the files, checks and first row numbers at fault."""
    frame = pl.from_arrow(rows)
    assert isinstance(frame, pl.DataFrame)
    try:
        _BATCH_SCHEMA.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        labels = _files_at_fault(exc, frame, file_labels)
        raise DossierSchemaError(
            f"{labels}: canonical dossier rows fail the schema (extractor bug): "
            f"{_summarise(exc, frame)}"
        ) from exc


def validate_dossier_rows(rows: pd.DataFrame | pa_arrow.Table, file_label: str) -> object:
    """``rows`` unchanged if valid; otherwise DossierSchemaError naming the file, the
    failed checks and the first offending row numbers (rows hold no personal data)."""
    frame = _as_polars(rows)
    try:
        _SCHEMA.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        raise DossierSchemaError(
            f"{file_label}: canonical dossier rows fail the schema (extractor bug): "
            f"{_summarise(exc, frame)}"
        ) from exc
    return rows


def _as_polars(rows: pd.DataFrame | pa_arrow.Table) -> pl.DataFrame:
    if isinstance(rows, pd.DataFrame):
        table = pa_arrow.Table.from_pandas(rows, preserve_index=False)
        # pandas holds nanoseconds and all-None columns have no type: only the unit and
        # the type of an empty column are set here, no value is converted.
        columns = []
        for field in table.schema:
            column = table.column(field.name)
            if pa_arrow.types.is_timestamp(field.type):
                column = column.cast(pa_arrow.timestamp("us"))
            elif pa_arrow.types.is_null(field.type):
                column = column.cast(pa_arrow.string())
            columns.append(column)
        rows = pa_arrow.table(columns, names=table.column_names)
    frame = pl.from_arrow(rows)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _failures(exc: SchemaErrors | SchemaError) -> pl.DataFrame:
    cases = exc.failure_cases
    if isinstance(cases, pl.DataFrame):
        return cases
    return pl.DataFrame({"check": [str(getattr(exc, "check", exc))], "index": [None]})


def _files_at_fault(
    exc: SchemaErrors | SchemaError, frame: pl.DataFrame, file_labels: Sequence[str]
) -> str:
    positions = _failures(exc).get_column("index").drop_nulls().unique().to_list()
    ids: list[int] = []
    if "file_id" in frame.columns:
        ids = sorted({int(frame["file_id"][p]) for p in positions if p < frame.height})
    return ", ".join(file_labels[i] for i in ids) or ", ".join(file_labels)


def _summarise(exc: SchemaErrors | SchemaError, frame: pl.DataFrame, limit: int = 5) -> str:
    """One part per failed check: where, what, how many rows, the first row numbers."""
    failures = _failures(exc)
    parts = []
    for check in failures.get_column("check").unique(maintain_order=True).to_list():
        group = failures.filter(pl.col("check") == check)
        columns = []
        if "column" in group.columns:
            columns = group.get_column("column").drop_nulls().unique(maintain_order=True)
            columns = [str(c) for c in columns.to_list()]
        where = ", ".join(columns) or "dataframe"
        positions = group.get_column("index").drop_nulls().unique(maintain_order=True).to_list()
        numbers = []
        if "row_number" in frame.columns:
            numbers = [int(frame["row_number"][p]) for p in positions[:limit] if p < frame.height]
        if numbers:
            parts.append(f"{where}: {check} ({len(positions)} rows, e.g. {numbers})")
        else:  # a dtype or column-set failure: the failure case says what was found
            found = ", ".join(map(str, group.get_column("failure_case").head(limit).to_list()))
            parts.append(f"{where}: {check} (found {found})")
    return "; ".join(parts)
