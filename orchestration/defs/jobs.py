"""Jobs and the nightly schedule."""

from __future__ import annotations

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

full_run_job = define_asset_job(
    name="cchc_full_run",
    selection=AssetSelection.all(),
    description="Nạp tệp mới, dựng mô hình, kiểm tra, công bố / ingest, build, check, publish",
)

nightly_schedule = ScheduleDefinition(
    name="nightly_run",
    job=full_run_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
)
