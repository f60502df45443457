"""Pandera models of the canonical catalogue frames (raw.agencies, raw.procedures).

Checked on the rows that passed the quarantine rules of ``extract/reference.py``, so a
failure here is a bug in the extractor, not bad data: it stops the file instead of loading
rows that break the raw table's contract.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# The vocabularies the extractor's rules check, so that the two cannot drift apart.
from orchestration.extract.reference import FIELD_GROUPS, LEVELS, SERVICE_LEVELS


class AgencySchema(pa.DataFrameModel):
    row_number: Series[int] = pa.Field(ge=2)  # CSV: the header is row 1
    agency_code: Series[str] = pa.Field(str_length={"min_value": 1}, unique=True)
    agency_name: Series[str] = pa.Field(str_length={"min_value": 1})
    level: Series[str] = pa.Field(isin=LEVELS)
    parent_code: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    province_code: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        ordered = True


class ProcedureSchema(pa.DataFrameModel):
    row_number: Series[int] = pa.Field(ge=2)
    procedure_code: Series[str] = pa.Field(str_length={"min_value": 1})
    procedure_name: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    field_code: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    field_name: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    field_group: Series[str] = pa.Field(nullable=True, isin=FIELD_GROUPS)
    level: Series[str] = pa.Field(isin=LEVELS)
    agency_code: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    service_level: Series[str] = pa.Field(isin=SERVICE_LEVELS)
    has_fee: Series[bool]

    class Config:
        strict = True
        ordered = True
        # One row per procedure and level at which it is handled.
        unique = ["procedure_code", "level"]

    @pa.dataframe_check
    def provincial_rows_name_their_department(cls, frame: pd.DataFrame) -> pd.Series:
        return ~((frame["level"] == "tinh") & frame["agency_code"].isna())
