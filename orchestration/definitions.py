"""The Dagster code location: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import Definitions
from dagster_dbt import DbtCliResource

from orchestration.defs.alerts import due_date_alerts
from orchestration.defs.dbt import DBT_ASSETS, dbt_project
from orchestration.defs.ingest import ingest_landing
from orchestration.defs.jobs import full_run_job, nightly_schedule
from orchestration.defs.publish import analytics_database
from orchestration.defs.quality import great_expectations_marts
from orchestration.defs.reports import quarterly_reports
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.sensors import landing_files_sensor

defs = Definitions(
    assets=[ingest_landing, *DBT_ASSETS, analytics_database, quarterly_reports, due_date_alerts],
    asset_checks=[great_expectations_marts],
    jobs=[full_run_job],
    schedules=[nightly_schedule],
    sensors=[landing_files_sensor],
    resources={
        "warehouse": WarehouseResource.from_environment(),
        # The venv's dbt, whether or not the venv is on PATH (cron, the daemon, tests).
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))
        ),
    },
)
