"""A pandera PySpark model's verdict on a frame, as a raised error.

pandera's PySpark backend does not raise: it collects errors on the validated frame
(`frame.pandera.errors`), per check, without failing rows. Its `ordered` option is not
used (pandera 0.35 walks the columns as a set), so the column order is checked here.
"""

from __future__ import annotations

import pandera.pyspark as pa
from pyspark.sql import DataFrame


class SchemaViolation(ValueError):
    """A canonical frame broke its PySpark model; the message names what failed."""


def validate_frame(model: type[pa.DataFrameModel], table: str, frame: DataFrame) -> DataFrame:
    """``frame`` checked by ``model``; raises SchemaViolation naming what failed."""
    expected = list(model.to_schema().columns)
    if frame.columns != expected:
        raise SchemaViolation(f"{table} columns {frame.columns} are not {expected}")
    validated = model.validate(frame)
    errors = validated.pandera.errors
    if errors:
        raise SchemaViolation(f"{table} failed its PySpark schema: {dict(errors)}")
    return validated
