"""The officials' quarterly report (Excel + offline HTML), one partition per quarter."""

from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, asset

from orchestration.defs.publish import analytics_database
from orchestration.defs.resources import WarehouseResource
from orchestration.partitions import partition_key_to_quarter, quarterly_partitions
from orchestration.reports import write_report

REPORT_CALENDARS = ("official", "calendar")


@asset(
    name="quarterly_reports",
    group_name="publish",
    deps=[analytics_database],
    partitions_def=quarterly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    description="Báo cáo quý (Excel, HTML) trong data/reports/<quý>/ / quarterly reports",
)
def quarterly_reports(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """Reads only the published file (read-only), so it never touches the warehouse."""
    settings = warehouse.settings
    written, skipped = [], []
    for key in context.partition_keys:
        quarter = partition_key_to_quarter(key)
        for calendar in REPORT_CALENDARS:
            try:
                paths = write_report(
                    settings.analytics_path, settings.data_dir / "reports", quarter, calendar
                )
            except LookupError:
                skipped.append(f"{quarter} ({calendar})")  # no data for that quarter
                continue
            written.extend(str(p) for p in paths.values())
    if skipped:
        context.log.info(f"Không có số liệu / no data, no report: {', '.join(skipped)}")
    return MaterializeResult(
        metadata={"reports_written": len(written), "files": "\n".join(written) or "-"}
    )
