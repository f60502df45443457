"""Pandera model of the canonical queue-ticket frame (raw.queue_tickets).

Checked on the rows that passed the quarantine rules of ``extract/queue.py``.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class QueueTicketSchema(pa.DataFrameModel):
    row_number: Series[int] = pa.Field(ge=2)  # CSV: the header is row 1
    agency_code: Series[str] = pa.Field(str_length={"min_value": 1})
    ticket_number: Series[str] = pa.Field(str_length={"min_value": 1})
    taken_at: Series[pd.Timestamp]
    called_at: Series[pd.Timestamp] = pa.Field(nullable=True)  # NULL: abandoned
    finished_at: Series[pd.Timestamp] = pa.Field(nullable=True)

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    def called_not_before_taken(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["called_at"].isna() | (frame["called_at"] >= frame["taken_at"])

    @pa.dataframe_check
    def finished_not_before_called(cls, frame: pd.DataFrame) -> pd.Series:
        unknown = frame["called_at"].isna() | frame["finished_at"].isna()
        return unknown | (frame["finished_at"] >= frame["called_at"])

    @pa.dataframe_check
    def one_ticket_per_agency_number_day(cls, frame: pd.DataFrame) -> pd.Series:
        day = frame["taken_at"].dt.normalize()
        keys = pd.DataFrame({"a": frame["agency_code"], "t": frame["ticket_number"], "d": day})
        return ~keys.duplicated(keep=False)
