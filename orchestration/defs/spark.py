"""The Spark pipeline as Dagster assets (issue 14): its own code location,
`orchestration.definitions_spark`, with its own data dir (`make demo-spark`).

Job ``cchc_spark``: the DuckDB ingest asset of the nightly job (the same files, rules,
ledger and reconciliation check), then ONE step ``spark_pipeline`` that materialises three
assets: raw.* as Parquet registered in Spark, the dbt models built with `--target spark`,
and the analysts' file published from Spark. One step, not three, because dbt-spark's
`session` method builds in the Spark session of its own process: a session cannot be
handed from one step's process to the next. A separate location, not a job beside the
nightly one: a successful Spark run in the nightly job's data dir would make the next
night see "nothing new" (orchestration/defs/nothing_new.py) and skip the DuckDB build.
"""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    Config,
    Definitions,
    MaterializeResult,
    define_asset_job,
    multi_asset,
)

from orchestration.defs.ingest import INGEST_GROUP, RAW_KEYS_BY_SOURCE
from orchestration.defs.jobs import SPARK_JOB
from orchestration.defs.resources import WarehouseResource
from orchestration.load.lock import writer_lock

SPARK_GROUP = "spark"
SPARK_RAW_KEY = AssetKey(["spark", "raw"])
SPARK_MARTS_KEY = AssetKey(["spark", "marts"])
SPARK_ANALYTICS_KEY = AssetKey(["spark", "analytics"])


class SparkBuildConfig(Config):
    # The data tests cost about a second each in local mode; the equality test, which
    # compares every published table whole, leaves them out.
    data_tests: bool = True


@multi_asset(
    name="spark_pipeline",
    specs=[
        AssetSpec(
            SPARK_RAW_KEY,
            group_name=SPARK_GROUP,
            deps=[key for keys in RAW_KEYS_BY_SOURCE.values() for key in keys],
            description="raw.* dạng Parquet cho Spark / raw tables as Parquet, in Spark",
        ),
        AssetSpec(
            SPARK_MARTS_KEY,
            group_name=SPARK_GROUP,
            deps=[SPARK_RAW_KEY],
            description="dbt build --target spark (mô hình, seeds, kiểm thử dữ liệu)",
        ),
        AssetSpec(
            SPARK_ANALYTICS_KEY,
            group_name=SPARK_GROUP,
            deps=[SPARK_MARTS_KEY],
            description="analytics.duckdb công bố từ Spark / published from Spark",
        ),
    ],
    pool="warehouse_writer",
)
def spark_pipeline(
    context: AssetExecutionContext, config: SparkBuildConfig, warehouse: WarehouseResource
):
    """raw.* → Parquet → `dbt build --target spark` → publish, in this step's process."""
    # Here, not at the top: pyspark and dbt load only when the step runs.
    from orchestration.spark.pipeline import (
        DBT_STEP,
        PUBLISH_STEP,
        RAW_STEP,
        build_and_publish,
    )

    settings = warehouse.settings
    # The publish step writes the warehouse's marts: the single-writer lock, as every writer.
    with writer_lock(settings.lock_path):
        result = build_and_publish(
            settings,
            settings.warehouse_path,
            log=context.log.info,
            data_tests=config.data_tests,
            run_id=context.run.run_id,
        )
    seconds = result.seconds
    yield MaterializeResult(
        asset_key=SPARK_RAW_KEY,
        metadata={"seconds": seconds[RAW_STEP]},
    )
    yield MaterializeResult(
        asset_key=SPARK_MARTS_KEY,
        metadata={
            "seconds": seconds[DBT_STEP],
            "data_tests": config.data_tests,
        },
    )
    yield MaterializeResult(
        asset_key=SPARK_ANALYTICS_KEY,
        metadata={
            "seconds": seconds[PUBLISH_STEP],
            "path": str(result.published.path),
            "rows": sum(result.published.tables.values()),
            "restatements": result.published.restatements,
        },
    )


spark_job = define_asset_job(
    name=SPARK_JOB,
    selection=AssetSelection.groups(INGEST_GROUP, SPARK_GROUP),
    description="Nạp tệp mới (DuckDB), dựng mô hình trên Spark, công bố / "
    "ingest, build on Spark, publish",
)

defs = Definitions(assets=[spark_pipeline], jobs=[spark_job])
