"""Great Expectations over the marts, as a blocking Dagster asset check.

It reads the marts from the working warehouse *before* publishing: the check is blocking,
so when it fails the publish step does not run and analysts keep the previous file.
Data Docs are written to ``$CCHC_DATA_DIR/quality/``.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetKey,
    Definitions,
    asset_check,
)

from orchestration.defs.resources import WarehouseResource
from orchestration.load.lock import writer_lock

# The last mart built (target attainment reads service_rates); dagster-dbt keys models as
# [schema, name].
CHECKED_ASSET = AssetKey(["marts", "target_attainment"])


@asset_check(
    asset=CHECKED_ASSET,
    name="great_expectations_marts",
    blocking=True,
    description="Kiểm tra chất lượng các bảng marts (Great Expectations) trước khi công bố",
)
def great_expectations_marts(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    # Imported here, not at module level: Great Expectations takes seconds to import, and
    # every process that loads the code location (UI, daemon, each run, sensors) paid it.
    from orchestration.quality.checkpoint import run_mart_checks

    settings = warehouse.settings
    with writer_lock(settings.lock_path):  # nobody writes while we read the warehouse
        result = run_mart_checks(settings.warehouse_path, settings.data_dir / "quality")
    failures = result.failures
    for failure in failures[:20]:
        context.log.error(f"Không đạt / failed: {failure}")
    return AssetCheckResult(
        passed=result.success,
        metadata={
            "expectations": len(result.results),
            "failed": len(failures),
            "failures": "\n".join(str(f) for f in failures[:50]) or "-",
            "data_docs": str(result.docs_index),
        },
    )


defs = Definitions(asset_checks=[great_expectations_marts])
