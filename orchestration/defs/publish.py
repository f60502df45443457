"""Publishing the analysts' database: only after every upstream check passed."""

from dagster import AssetExecutionContext, Definitions, MaterializeResult, asset

from orchestration.defs.dbt import dbt_build
from orchestration.defs.resources import WarehouseResource
from orchestration.load.lock import writer_lock
from orchestration.publish import publish


@asset(
    name="analytics_database",
    group_name="publish",
    deps=[dbt_build],
    description="analytics.duckdb: bản công bố chỉ đọc cho phân tích / read-only analyst copy",
    pool="warehouse_writer",
)
def analytics_database(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    settings = warehouse.settings
    with writer_lock(settings.lock_path):
        result = publish(
            settings.warehouse_path, settings.analytics_path, run_id=context.run.run_id
        )
    context.log.info(
        f"Đã công bố / published {result.path} ({len(result.tables)} bảng / tables, "
        f"{result.restatements} số liệu điều chỉnh / restated figures)"
    )
    return MaterializeResult(
        metadata={"path": str(result.path), "restatements": result.restatements, **result.tables}
    )


defs = Definitions(assets=[analytics_database])
