"""Validation: the stage between extraction and loading, with one entry point.

The ingest driver (orchestration.load.sources) hands every extracted file's usable rows
here before anything is written: ``validate`` for one file, ``validate_files`` for many
at once (the one-stop batch: one pandera call for the whole batch; when it fails, each
file is checked alone, so that only the guilty file is refused, by name, and the others
load). The rows are checked against the pandera model of their raw table. Extraction has
already quarantined every row its rules call unusable, so a failure here is a gap in the
extractor, not bad data: the file is refused (``RejectedFile``, or ``DossierSchemaError``
for dossier rows) rather than loading rows that break the raw table's contract.

The schema modules are imported when first needed: a process that validates only queue
tickets (an extraction worker) never starts Polars.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from orchestration.extract.types import RejectedFile

Rows = pd.DataFrame | pa.Table

_MAX_ERROR_TEXT = 1000  # the ledger message stays readable


def validate(table: str, rows: Rows, file_label: str) -> Rows:
    """``rows`` (a file's usable rows for ``raw.<table>``) as validated, or the error that
    refuses the file, naming it."""
    if table == "dossier_versions":
        from orchestration.validate.dossier_schema import validate_dossier_rows

        validate_dossier_rows(rows, file_label)
        return rows
    return _validate_frame(table, rows, file_label)


def validate_files(table: str, files: Sequence[tuple[str, Rows]]) -> list[Rows | Exception]:
    """Per ``(file_label, rows)``, in order: the rows as validated, or the error that
    refuses that file. Dossier rows as Arrow are checked in one call for all files, then,
    only if that fails, file by file."""
    if table == "dossier_versions" and all(isinstance(rows, pa.Table) for _, rows in files):
        from orchestration.validate.dossier_schema import validate_dossier_batch

        try:
            validate_dossier_batch(_tagged(files), [label for label, _ in files])
            return [rows for _, rows in files]
        except Exception as exc:  # noqa: BLE001 - find the guilty file: check each alone
            if len(files) == 1:
                return [exc]
            return [validate_files(table, [file])[0] for file in files]
    outcomes: list[Rows | Exception] = []
    for label, rows in files:
        try:
            outcomes.append(validate(table, rows, label))
        except Exception as exc:  # noqa: BLE001 - the file is refused with this error
            outcomes.append(exc)
    return outcomes


def _tagged(files: Sequence[tuple[str, Rows]]) -> pa.Table:
    """The files' rows as one table, each row tagged with its file's position (file_id)."""
    tables = [
        rows.add_column(0, "file_id", pa.array(np.full(rows.num_rows, i, dtype=np.int32)))
        for i, (_, rows) in enumerate(files)
        if isinstance(rows, pa.Table)
    ]
    return pa.concat_tables(tables)


def _validate_frame(table: str, rows: Rows, file_label: str) -> pd.DataFrame:
    import pandera.pandas as pandera

    schema = _frame_schema(table)
    try:
        return schema.validate(rows, lazy=True)
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError) as exc:
        raise RejectedFile(
            f"{file_label}: dữ liệu không khớp lược đồ {schema.__name__} / "
            f"rows fail schema {schema.__name__}: {str(exc)[:_MAX_ERROR_TEXT]}"
        ) from exc


def _frame_schema(table: str) -> type:
    if table in ("agencies", "procedures"):
        from orchestration.validate.reference_schema import AgencySchema, ProcedureSchema

        return AgencySchema if table == "agencies" else ProcedureSchema
    if table == "queue_tickets":
        from orchestration.validate.queue_schema import QueueTicketSchema

        return QueueTicketSchema
    if table == "agency_report_rows":
        from orchestration.validate.report_schema import ReportRowSchema

        return ReportRowSchema
    raise KeyError(f"no schema for raw.{table}")
