"""The dbt project as Dagster assets. The manifest is prepared at build time (`make
manifest` runs `dbt parse`), never at import."""

from __future__ import annotations

import os

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.resources import WarehouseResource
from orchestration.load.warehouse import writer_lock
from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def dbt_environment(warehouse: WarehouseResource) -> None:
    """dbt reads the warehouse path and settings from the environment (profiles.yml)."""
    os.environ["CCHC_WAREHOUSE_PATH"] = str(warehouse.settings.warehouse_path)
    os.environ["DO_NOT_TRACK"] = "1"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool="warehouse_writer")
def cchc_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    dbt_environment(warehouse)
    dbt_vars = {"official_cutoff_day": warehouse.official_cutoff_day}
    import json

    with writer_lock(warehouse.settings.lock_path):
        yield from dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context).stream()
