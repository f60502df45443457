"""Jobs and the nightly schedule."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)

from orchestration.partitions import (
    previous_quarter,
    quarter_of,
    quarter_to_partition_key,
    quarterly_partitions,
)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

full_run_job = define_asset_job(
    name="cchc_full_run",
    selection=AssetSelection.all(),
    description="Nạp tệp mới, dựng mô hình, kiểm tra, công bố / ingest, build, check, publish",
)


def partition_range_tags(first_quarter: str, last_quarter: str) -> dict[str, str]:
    """Tags that make one run cover a range of quarters (single-run backfill policy)."""
    return {
        RANGE_START_TAG: quarter_to_partition_key(first_quarter),
        RANGE_END_TAG: quarter_to_partition_key(last_quarter),
    }


def recent_quarters(now: datetime) -> tuple[str, str]:
    """The previous and the current quarter (late files change both)."""
    current = quarter_of(now.astimezone(LOCAL_TZ).date())
    return previous_quarter(current), current


def recent_quarters_tags(context) -> dict[str, str]:  # noqa: ANN001 - any evaluation context
    now = getattr(context, "scheduled_execution_time", None) or datetime.now(LOCAL_TZ)
    return partition_range_tags(*recent_quarters(now))


@schedule(
    job=full_run_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    name="nightly_run",
)
def nightly_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    """02:00 every night: ingest what is new, rebuild the current and previous quarter,
    run checks, publish."""
    first, last = recent_quarters(context.scheduled_execution_time)
    return RunRequest(
        run_key=f"nightly-{context.scheduled_execution_time:%Y-%m-%d}",
        tags=partition_range_tags(first, last),
    )


__all__ = ["full_run_job", "nightly_schedule", "quarterly_partitions", "recent_quarters_tags"]
