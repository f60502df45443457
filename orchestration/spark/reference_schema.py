"""pandera's PySpark models of the canonical catalogue frames, the Spark twins of
``orchestration.validate.reference_schema`` (AgencySchema, ProcedureSchema: the same columns
and checks).

As for the queue (``queue_schema``): the PySpark backend reports each check as passed or
failed, so quarantine stays in the rules' SQL and these models check what the rules let
through; uniqueness, which the backend has no column check for, is a frame check, and the
column order is checked beside the model.
"""

from __future__ import annotations

import pandera.pyspark as pa
import pyspark.sql.types as T
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# The vocabularies the extractor's rules check, so that the two cannot drift apart.
from orchestration.extract.reference import FIELD_GROUPS, LEVELS, SERVICE_LEVELS
from orchestration.spark.pandera_check import validate_frame

__all__ = ["SparkAgencySchema", "SparkProcedureSchema", "validate_reference"]

_NON_EMPTY = {"str_length": {"min_value": 1}}


def _unique(frame: DataFrame, *key: str) -> bool:
    return frame.groupBy(*key).count().where(F.col("count") > 1).isEmpty()


class SparkAgencySchema(pa.DataFrameModel):
    row_number: T.IntegerType() = pa.Field(ge=2)  # CSV: the header is row 1
    agency_code: T.StringType() = pa.Field(**_NON_EMPTY)
    agency_name: T.StringType() = pa.Field(**_NON_EMPTY)
    level: T.StringType() = pa.Field(isin=list(LEVELS))
    parent_code: T.StringType() = pa.Field(nullable=True, **_NON_EMPTY)
    province_code: T.StringType() = pa.Field(**_NON_EMPTY)

    class Config:
        # Not `ordered` (pandera 0.35's PySpark backend walks the columns as a set):
        # validate_reference checks the order.
        strict = True

    @pa.dataframe_check
    def agency_code_unique(cls, frame: DataFrame) -> bool:
        return _unique(frame, "agency_code")


class SparkProcedureSchema(pa.DataFrameModel):
    row_number: T.IntegerType() = pa.Field(ge=2)
    procedure_code: T.StringType() = pa.Field(**_NON_EMPTY)
    procedure_name: T.StringType() = pa.Field(nullable=True, **_NON_EMPTY)
    field_code: T.StringType() = pa.Field(nullable=True, **_NON_EMPTY)
    field_name: T.StringType() = pa.Field(nullable=True, **_NON_EMPTY)
    field_group: T.StringType() = pa.Field(nullable=True, isin=list(FIELD_GROUPS))
    level: T.StringType() = pa.Field(isin=list(LEVELS))
    agency_code: T.StringType() = pa.Field(nullable=True, **_NON_EMPTY)
    service_level: T.StringType() = pa.Field(isin=list(SERVICE_LEVELS))
    has_fee: T.BooleanType()

    class Config:
        strict = True

    @pa.dataframe_check
    def one_row_per_procedure_and_level(cls, frame: DataFrame) -> bool:
        return _unique(frame, "procedure_code", "level")

    @pa.dataframe_check
    def provincial_rows_name_their_department(cls, frame: DataFrame) -> bool:
        return frame.where((F.col("level") == "tinh") & F.col("agency_code").isNull()).isEmpty()


_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "agencies": SparkAgencySchema,
    "procedures": SparkProcedureSchema,
}


def validate_reference(table: str, frame: DataFrame) -> DataFrame:
    """``frame`` (the usable rows of ``agencies`` or ``procedures``) checked by its model;
    raises SchemaViolation naming what failed."""
    return validate_frame(_MODELS[table], table, frame)
