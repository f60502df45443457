"""pandera's PySpark model of a one-stop batch's canonical rows, the Spark twin of
``orchestration.validate.dossier_schema.DossierBatchRow`` (the same columns and checks).

As for the queue (``queue_schema``): the PySpark backend reports each check as passed or
failed, without failing rows, so quarantine stays in the rules' SQL (``ingest_one_stop``)
and this model checks what the rules let through — a failure is an extractor bug, as on
the DuckDB path. Uniqueness and the date checks are frame checks; the column order is
checked beside the model.
"""

from __future__ import annotations

import pandera.pyspark as pa
import pyspark.sql.types as T
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# The canonical codes the DuckDB model checks, so that the two cannot drift apart.
from orchestration.spark.pandera_check import validate_frame
from orchestration.validate.dossier_schema import (
    CHANNELS,
    RATINGS,
    RESOLVED_STATUSES,
    SERVICE_LEVELS,
)

_NON_EMPTY = {"str_length": {"min_value": 1}}


def _none(frame: DataFrame, condition: F.Column) -> bool:
    return frame.where(condition).isEmpty()


class SparkDossierBatchSchema(pa.DataFrameModel):
    file_id: T.IntegerType()
    row_number: T.IntegerType() = pa.Field(ge=1)
    layout: T.StringType() = pa.Field(isin=["A", "B"])
    dossier_code: T.StringType() = pa.Field(**_NON_EMPTY)
    procedure_code: T.StringType() = pa.Field(nullable=True, **_NON_EMPTY)
    agency_code: T.StringType() = pa.Field(**_NON_EMPTY)
    channel: T.StringType() = pa.Field(isin=list(CHANNELS))
    service_level: T.StringType() = pa.Field(nullable=True, isin=list(SERVICE_LEVELS))
    received_at: T.TimestampNTZType()
    due_at: T.TimestampNTZType() = pa.Field(nullable=True)
    completed_at: T.TimestampNTZType() = pa.Field(nullable=True)
    returned_at: T.TimestampNTZType() = pa.Field(nullable=True)
    status: T.ShortType() = pa.Field(ge=1, le=10)
    is_digitized: T.BooleanType()
    is_reused: T.BooleanType()
    has_e_result: T.BooleanType()
    owes_fee: T.BooleanType()
    paid_online: T.BooleanType()
    rating: T.StringType() = pa.Field(nullable=True, isin=list(RATINGS))
    updated_at: T.TimestampNTZType()

    class Config:
        # Not `ordered` (pandera 0.35's PySpark backend walks the columns as a set):
        # validate_dossier_batch checks the order.
        strict = True

    @pa.dataframe_check
    def one_row_per_file_and_number(cls, frame: DataFrame) -> bool:
        key = ["file_id", "row_number"]
        return frame.groupBy(*key).count().where(F.col("count") > 1).isEmpty()

    # Dates are compared as calendar days, as the quarantine rules do.
    @pa.dataframe_check
    def due_not_before_received(cls, frame: DataFrame) -> bool:
        return _none(frame, F.to_date("due_at") < F.to_date("received_at"))

    @pa.dataframe_check
    def completed_not_before_received(cls, frame: DataFrame) -> bool:
        return _none(frame, F.to_date("completed_at") < F.to_date("received_at"))

    @pa.dataframe_check
    def resolved_has_completion(cls, frame: DataFrame) -> bool:
        resolved = F.col("status").isin(list(RESOLVED_STATUSES))
        return _none(frame, resolved & F.col("completed_at").isNull())


def validate_dossier_batch(frame: DataFrame) -> DataFrame:
    """A batch's usable rows (``SparkOneStopBatch.rows``) checked by the model; raises
    SchemaViolation naming what failed."""
    return validate_frame(SparkDossierBatchSchema, "dossier_versions", frame)
