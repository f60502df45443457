"""The officials' quarterly reports (Excel + offline HTML), written after publishing.

Not partitioned: which quarters a run reports follows from what the run changed. It
reports the previous and the current quarter (late files change both), every quarter
whose published figures this run restated (marts.restatements of this run), and every
quarter with data that has no report folder yet (on a first run: all of them). A past
quarter's report is only rewritten when its figures changed.
"""

from datetime import datetime
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, Definitions, MaterializeResult, asset

from orchestration.defs.publish import analytics_database
from orchestration.defs.resources import WarehouseResource
from orchestration.partitions import previous_quarter, quarter_of
from orchestration.settings import current_quarter

REPORT_CALENDARS = ("official", "calendar")


def nightly_quarters(analytics_path: Path, reports_dir: Path, run_id: str) -> set[str]:
    """Quarters holding a month or quarter whose figures the run ``run_id`` restated (a
    restated half or year always contains one of those), and quarters with data that were
    never reported."""
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        ends = con.execute(
            "select distinct period_end from marts.restatements "
            "where run_id = ? and grain in ('month', 'quarter')",
            [run_id],
        ).fetchall()
        with_data = con.execute(
            "select distinct period_key from marts.service_rates where grain = 'quarter'"
        ).fetchall()
    finally:
        con.close()
    restated = {quarter_of(end) for (end,) in ends}
    unreported = {key for (key,) in with_data if not (reports_dir / key).is_dir()}
    return restated | unreported


def quarters_to_report(
    context: AssetExecutionContext,
    analytics_path: Path,
    reports_dir: Path,
    now: datetime | None = None,
) -> list[str]:
    current = current_quarter(now)
    changed = nightly_quarters(analytics_path, reports_dir, context.run.run_id)
    return sorted({previous_quarter(current), current, *changed})


@asset(
    name="quarterly_reports",
    group_name="publish",
    deps=[analytics_database],
    description="Báo cáo quý (Excel, HTML) trong data/reports/<quý>/ / quarterly reports",
)
def quarterly_reports(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """Reads only the published file (read-only), so it never touches the warehouse."""
    from orchestration.reports import (  # here: pandas & co. only when the step runs
        report_provinces,
        write_report,
    )

    settings = warehouse.settings
    written, skipped = [], []
    reports_dir = settings.data_dir / "reports"
    quarters = quarters_to_report(context, settings.analytics_path, reports_dir)
    # One report per province of a many-province publication (None: the one province).
    provinces = report_provinces(settings.analytics_path)
    for quarter in quarters:
        for calendar in REPORT_CALENDARS:
            for province in provinces:
                try:
                    paths = write_report(
                        settings.analytics_path, reports_dir, quarter, calendar, province=province
                    )
                except LookupError:
                    # no data for that quarter
                    skipped.append(f"{quarter} ({calendar}) {province or ''}".strip())
                    continue
                written.extend(str(p) for p in paths.values())
    if skipped:
        context.log.info(f"Không có số liệu / no data, no report: {', '.join(skipped)}")
    return MaterializeResult(
        metadata={
            "quarters": ", ".join(quarters),
            "reports_written": len(written),
            "files": "\n".join(written) or "-",
        }
    )


defs = Definitions(assets=[quarterly_reports])
