"""`dbt build --target spark`, in this process (dbt-spark's session is ours, session.py).

Three steps, because dbt-spark has no Python models outside Databricks: everything but
marts.working_days and what depends on it; then the calendar, computed by the DuckDB
build's own Python model function (dbt_project/models/marts/dossiers/working_days.py) and
written to raw.working_days; then marts.working_days (a SQL model on Spark that reads it)
and its dependants. Same selection as the DuckDB pipeline's build: no unit tests.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from orchestration.settings import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

WORKING_DAYS_MODEL = DBT_PROJECT_DIR / "models" / "marts" / "dossiers" / "working_days.py"
CALENDAR_TABLE = "raw.working_days"


class SparkBuildFailed(RuntimeError):
    """dbt reported an error or a failing test on the Spark target."""


def run_dbt(args: Sequence[str], work_dir: Path, dbt_vars: Mapping[str, Any]) -> None:
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DO_NOT_TRACK", "1")
    cli_args = [
        *args,
        "--target",
        "spark",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--vars",
        json.dumps(dict(dbt_vars)),
    ]
    result = dbtRunner().invoke(cli_args)
    if not result.success:
        failed = [
            f"{r.node.unique_id}: {r.status} {r.message or ''}".strip()
            for r in getattr(result.result, "results", None) or []
            if str(r.status) in ("error", "fail")
        ]
        detail = "\n".join(failed) or str(result.exception)
        raise SparkBuildFailed(f"dbt {' '.join(args)} --target spark failed:\n{detail}")


def _working_days_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cchc_working_days", WORKING_DAYS_MODEL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_calendar(spark: SparkSession) -> int:
    """The Python model's calendar over Spark's int_dossiers_latest → raw.working_days."""
    import datetime as dt

    model = _working_days_module()
    first_day, last_day = spark.sql(
        "select min(received_date) as first_day, "
        "max(greatest(updated_date, coalesce(due_date, updated_date))) as last_day "
        "from intermediate.int_dossiers_latest"
    ).collect()[0]
    if first_day is None:  # as the model: no dossiers, an empty calendar of the right shape
        first_day = last_day = dt.date.today()
    adjustments = spark.table("seeds.working_calendar_adjustments").toPandas()
    calendar = model.working_calendar(first_day, last_day, adjustments)
    schema = (
        "calendar_date date, is_working_day boolean, working_day_number bigint, "
        "day_kind string, note string"
    )
    rows = [tuple(row) for row in calendar.itertuples(index=False)]
    rows = [(d, bool(w), int(n), k, note) for d, w, n, k, note in rows]
    spark.createDataFrame(rows, schema).write.mode("overwrite").format("parquet").saveAsTable(
        CALENDAR_TABLE
    )
    return len(rows)


def build(
    spark: SparkSession, work_dir: Path, dbt_vars: Mapping[str, Any], data_tests: bool = True
) -> None:
    """Seeds, models and (unless `data_tests` is false) data tests of the whole project on
    the Spark target. Data tests cost about a second each in local mode; the equality test
    leaves them out (the tables are compared whole instead)."""
    common = ["--exclude-resource-type", "unit_test", *([] if data_tests else ["test"])]
    run_dbt(["build", "--exclude", "working_days+", *common], work_dir, dbt_vars)
    write_calendar(spark)
    run_dbt(["build", "--select", "working_days+", *common], work_dir, dbt_vars)
