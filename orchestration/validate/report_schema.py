"""Pandera model of the canonical Biểu 06 row frame (raw.agency_report_rows).

Checked on the rows that passed the quarantine rules of ``extract/bieu06.py``. Only types,
presence and signs are checked: the form's identity rules (received = online + offline +
carried over, …) are dbt's to flag, and a report that breaks them is loaded as written.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from orchestration.extract.bieu06 import COUNT_COLUMNS, TOTAL_FIELD_NAME


class ReportRowSchema(pa.DataFrameModel):
    row_number: Series[int] = pa.Field(ge=1)  # the sheet's row number
    stt: Series[str] = pa.Field(nullable=True)
    field_name: Series[str] = pa.Field(str_length={"min_value": 1})
    is_total: Series[bool]
    received_total: Series[int] = pa.Field(ge=0)
    received_online: Series[int] = pa.Field(ge=0)
    received_offline: Series[int] = pa.Field(ge=0)
    carried_over: Series[int] = pa.Field(ge=0)
    resolved_total: Series[int] = pa.Field(ge=0)
    resolved_early: Series[int] = pa.Field(ge=0)
    resolved_on_time: Series[int] = pa.Field(ge=0)
    resolved_late: Series[int] = pa.Field(ge=0)
    pending_total: Series[int] = pa.Field(ge=0)
    pending_in_time: Series[int] = pa.Field(ge=0)
    pending_overdue: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        ordered = True
        unique = ["row_number"]

    @pa.dataframe_check
    def total_row_is_marked(cls, frame: pd.DataFrame) -> pd.Series:
        # The Tổng cộng row, and only it, carries field_name '*' and no STT.
        marked = frame["field_name"] == TOTAL_FIELD_NAME
        return (marked == frame["is_total"]) & (~frame["is_total"] | frame["stt"].isna())

    @pa.dataframe_check
    def at_most_one_total_row(cls, frame: pd.DataFrame) -> bool:
        return int(frame["is_total"].sum()) <= 1


# The model spells the counts out; they must be the extractor's, in the form's order.
assert tuple(ReportRowSchema.to_schema().columns)[4:] == COUNT_COLUMNS
