"""The pipeline with the Spark target: DuckDB ingest → raw.* as Parquet → `dbt build
--target spark` → publish from Spark. `make demo-spark` runs it on the bundled sample as
the Dagster job cchc_spark (orchestration/defs/spark.py): the nightly ingest asset, then
`build_and_publish`; `make bench-spark` calls the two functions directly."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.load.sources import ingest_all
from orchestration.load.warehouse import connect
from orchestration.publish import PublishResult
from orchestration.settings import Settings
from orchestration.spark.build import build
from orchestration.spark.publish import publish_from_spark
from orchestration.spark.raw import export_raw, register_raw
from orchestration.spark.session import start_session

# The steps of `build_and_publish`, as `SparkRun.seconds` names them.
RAW_STEP = "Spark start + raw.* as Parquet"
DBT_STEP = "dbt build --target spark"
PUBLISH_STEP = "publish from Spark"


@dataclass
class SparkRun:
    published: PublishResult
    seconds: dict[str, float] = field(default_factory=dict)


def ingest(settings: Settings) -> None:
    """The DuckDB ingest of `cchc run`'s first step, into the run's own warehouse."""
    con = connect(settings.warehouse_path)
    try:
        ingest_all(con, settings.landing_dir)
    finally:
        con.close()


def build_and_publish(
    settings: Settings,
    raw_warehouse: Path,
    log: Callable[[str], None] = print,
    data_tests: bool = True,
    run_id: str = "spark",
) -> SparkRun:
    """Everything after the ingest: raw.* of `raw_warehouse` as Parquet → `dbt build
    --target spark` → publish into `settings`' warehouse and analytics file. The Dagster
    asset of the Spark code location (orchestration/defs/spark.py) runs this step."""
    seconds: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        seconds[name] = round(time.monotonic() - started, 1)
        log(f"{name}: {seconds[name]} s")

    spark_dir = settings.data_dir / "spark"
    started = time.monotonic()
    spark = start_session(spark_dir)
    register_raw(spark, export_raw(raw_warehouse, spark_dir / "raw"))
    step(RAW_STEP, started)
    started = time.monotonic()
    dbt_vars = {"official_cutoff_day": settings.official_cutoff_day}
    build(spark, spark_dir / "dbt", dbt_vars, data_tests=data_tests)
    step(DBT_STEP, started)
    started = time.monotonic()
    published = publish_from_spark(
        spark, spark_dir / "marts", settings.warehouse_path, settings.analytics_path, run_id=run_id
    )
    step(PUBLISH_STEP, started)
    return SparkRun(published, seconds)
