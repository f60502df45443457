"""pandera's PySpark model of the canonical queue-ticket frame, the Spark twin of
``orchestration.validate.queue_schema.QueueTicketSchema`` (the same columns and checks).

pandera's PySpark backend reports each check as passed or failed, without the failing
values or their rows: quarantine stays in the rules' SQL (``ingest_queue``), and this model
checks the frame those rules let through.
"""

from __future__ import annotations

import pandera.pyspark as pa
import pyspark.sql.types as T
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from orchestration.spark.pandera_check import validate_frame


class SparkQueueTicketSchema(pa.DataFrameModel):
    row_number: T.IntegerType() = pa.Field(ge=2)  # CSV: the header is row 1
    agency_code: T.StringType() = pa.Field(str_length={"min_value": 1})
    ticket_number: T.StringType() = pa.Field(str_length={"min_value": 1})
    taken_at: T.TimestampNTZType()
    called_at: T.TimestampNTZType() = pa.Field(nullable=True)  # NULL: abandoned
    finished_at: T.TimestampNTZType() = pa.Field(nullable=True)

    class Config:
        # Not `ordered`: pandera 0.35's PySpark backend walks the frame's columns as a set
        # (`list(set(columns))`), so its order check fails on a frame in the right order;
        # validate_queue_tickets checks the order instead.
        strict = True

    # The PySpark backend's frame checks answer one boolean for the whole frame.
    @pa.dataframe_check
    def called_not_before_taken(cls, frame: DataFrame) -> bool:
        return frame.where(F.col("called_at") < F.col("taken_at")).isEmpty()

    @pa.dataframe_check
    def finished_not_before_called(cls, frame: DataFrame) -> bool:
        return frame.where(F.col("finished_at") < F.col("called_at")).isEmpty()

    @pa.dataframe_check
    def one_ticket_per_agency_number_day(cls, frame: DataFrame) -> bool:
        key = ["agency_code", "ticket_number", F.to_date("taken_at")]
        return frame.groupBy(*key).count().where(F.col("count") > 1).isEmpty()


def validate_queue_tickets(frame: DataFrame) -> DataFrame:
    """``frame`` checked by the model; raises SchemaViolation naming what failed."""
    return validate_frame(SparkQueueTicketSchema, "queue_tickets", frame)
