"""The dbt project as Dagster assets, split by selector into three steps:

1. ``dbt_foundation``: seeds, staging, intermediate and data-quality marts (unpartitioned:
   they always reflect everything loaded).
2. ``dbt_period_marts``: the per-period marts (period_accounting, service_rates), partitioned
   by quarter; a run rebuilds the periods of both calendars overlapping its quarters
   (incremental delete+insert on the dbt vars ``rebuild_from``/``rebuild_to``).
3. ``dbt_downstream_marts``: marts computed from the period marts (targets, service index,
   reconciliation), rebuilt whole after them.

The manifest is prepared at build time (`make manifest` runs `dbt parse`), never at import.
"""

import json
import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, BackfillPolicy
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.resources import WarehouseResource
from orchestration.failpoints import failpoint
from orchestration.load.warehouse import writer_lock
from orchestration.partitions import quarterly_partitions, rebuild_window
from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()

# Earliest / latest dates dbt treats as "no bound" when a run covers the first or the
# current quarter: data outside the partition range (older history, future-dated rows) is
# then rebuilt too, so a run over every quarter equals a full rebuild.
UNBOUNDED_FROM = "1900-01-01"
UNBOUNDED_TO = "9999-12-31"


def dbt_vars_for_window(
    start: datetime,
    end: datetime,
    cutoff_day: int,
    first_partition_start: datetime,
    last_partition_end: datetime,
) -> dict[str, Any]:
    """Pure: partition time window [start, end) → dbt vars."""
    window = rebuild_window(start, end, cutoff_day)
    if start <= first_partition_start:
        window["rebuild_from"] = UNBOUNDED_FROM
    if end >= last_partition_end:
        window["rebuild_to"] = UNBOUNDED_TO
    return {"official_cutoff_day": cutoff_day, **window}


def _partition_vars(context: AssetExecutionContext, cutoff_day: int) -> dict[str, Any]:
    window = context.partition_time_window
    first = quarterly_partitions.get_first_partition_window()
    last = quarterly_partitions.get_last_partition_window()
    return dbt_vars_for_window(window.start, window.end, cutoff_day, first.start, last.end)


def dbt_build_args(dbt_vars: Mapping[str, Any]) -> list[str]:
    """Pure: the `dbt build` of a run. Data tests run (they check the night's data and
    block publishing); dbt unit tests do not: they check the SQL's logic on fixed fixtures,
    which no night's data changes, so they run in the test suite (pytest), not every night."""
    return ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(dict(dbt_vars))]


def dbt_target_path(data_dir: Path, step: str) -> Path:
    """Pure: one dbt target folder per step, kept between runs under the data dir.

    dbt reuses its parse of the project (partial_parse.msgpack in the target folder) only
    when the vars and the profile (the warehouse path) are those it was parsed with. The
    build-time parse has neither, so a fresh folder per run re-parsed the whole project in
    every step (~2 s each); the same step of the next run has both (the period step's vars
    change once a quarter). dbt re-checks every file's checksum, so a changed project is
    still re-parsed. Runs are serialised by the writer lock, so nothing shares the folder.
    """
    return data_dir / "dbt" / step


def _run_dbt(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    dbt_vars: Mapping[str, Any],
    step: str,
) -> Iterator[Any]:
    # dbt reads the warehouse path from the environment (profiles.yml).
    os.environ["CCHC_WAREHOUSE_PATH"] = str(warehouse.settings.warehouse_path)
    os.environ["DO_NOT_TRACK"] = "1"
    context.log.info(f"dbt vars: {json.dumps(dict(dbt_vars))}")
    with writer_lock(warehouse.settings.lock_path):
        invocation = dbt.cli(
            dbt_build_args(dbt_vars),
            context=context,
            target_path=dbt_target_path(warehouse.settings.data_dir, step),
        )
        for event in invocation.stream():
            failpoint("dbt")  # dbt is part-way through building models
            yield event


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="tag:foundation",
    name="dbt_foundation",
    pool="warehouse_writer",
)
def dbt_foundation(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    yield from _run_dbt(
        context,
        dbt,
        warehouse,
        {"official_cutoff_day": warehouse.official_cutoff_day},
        "dbt_foundation",
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="tag:period_marts",
    name="dbt_period_marts",
    partitions_def=quarterly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool="warehouse_writer",
)
def dbt_period_marts(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    yield from _run_dbt(
        context,
        dbt,
        warehouse,
        _partition_vars(context, warehouse.official_cutoff_day),
        "dbt_period_marts",
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="tag:downstream_marts",
    name="dbt_downstream_marts",
    pool="warehouse_writer",
)
def dbt_downstream_marts(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    yield from _run_dbt(
        context,
        dbt,
        warehouse,
        {"official_cutoff_day": warehouse.official_cutoff_day},
        "dbt_downstream_marts",
    )


DBT_ASSETS = [dbt_foundation, dbt_period_marts, dbt_downstream_marts]
