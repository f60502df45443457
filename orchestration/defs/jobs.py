"""Jobs and the nightly schedule.

- ``cchc_nightly``: ingest what is new → one dbt build → checks → publish → reports. No
  rebuild window is passed: dbt rebuilds the periods the new files can change (their
  earliest date, from the change log int_period_changes), so a nightly run equals a full
  rebuild (on an empty warehouse it is one); with nothing new since the last successful
  run it stops after ingesting (orchestration/defs/ingest.py), and the 02:00 schedule and
  `cchc run` do not even start it (orchestration/defs/nothing_new.py). The
  schedule, the landing sensor and `cchc run` all run exactly this job.
- ``cchc_backfill``: the same assets, with a range of quarters (labels such as 2024-Q2) in
  the dbt step's config, forced into the rebuild; one run for the whole range
  (`cchc run --from … --to …`).

No asset is partitioned, so a run plans one event per asset however many quarters there
are (docs/decisions.md).
"""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)

from orchestration.defs.nothing_new import NOTHING_NEW_MESSAGE, last_success_inputs, nothing_new
from orchestration.defs.resources import WarehouseResource
from orchestration.load.lock import writer_running
from orchestration.partitions import normalise_quarter
from orchestration.settings import LOCAL_TZ

NIGHTLY_JOB = "cchc_nightly"
# The Spark code location's job (orchestration/defs/spark.py); its ingest reads the landing
# with the Spark extractors (orchestration/defs/ingest.py).
SPARK_JOB = "cchc_spark"
BACKFILL_JOB = "cchc_backfill"
DBT_STEP = "dbt_build"

nightly_job = define_asset_job(
    name=NIGHTLY_JOB,
    selection=AssetSelection.all(),
    description="Hằng đêm: nạp tệp mới, dựng mô hình, kiểm tra, công bố, báo cáo / "
    "nightly: ingest, build, check, publish, report",
)

backfill_job = define_asset_job(
    name=BACKFILL_JOB,
    selection=AssetSelection.all(),
    description="Dựng lại các quý ops.dbt_build.config.from_quarter … to_quarter (vd. 2024-Q1 "
    "… 2024-Q2) trong một lượt / rebuild a range of quarters in one run",
)


def backfill_run_config(first_quarter: str, last_quarter: str) -> dict:
    """Run config of one backfill run over quarters ``first``…``last`` (e.g. 2024-Q1)."""
    rebuild = {
        "from_quarter": normalise_quarter(first_quarter),
        "to_quarter": normalise_quarter(last_quarter),
    }
    return {"ops": {DBT_STEP: {"config": rebuild}}}


@schedule(
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone=str(LOCAL_TZ),
    name="nightly_run",
    # A deployment runs nightly without anyone switching the schedule on in the UI.
    default_status=DefaultScheduleStatus.RUNNING,
)
def nightly_schedule(
    context: ScheduleEvaluationContext, warehouse: WarehouseResource
) -> RunRequest | SkipReason:
    """02:00 every night: the nightly job, once per night, with no config; no run at all
    when nothing changed since the last successful one (orchestration/defs/nothing_new.py).
    A run writing the warehouse now is no answer: the night's run is requested."""
    settings = warehouse.settings
    if not writer_running(settings.lock_path) and nothing_new(
        settings, lambda: last_success_inputs(context.instance)
    ):
        return SkipReason(NOTHING_NEW_MESSAGE)
    return RunRequest(run_key=f"nightly-{context.scheduled_execution_time:%Y-%m-%d}")


defs = Definitions(jobs=[nightly_job, backfill_job], schedules=[nightly_schedule])
