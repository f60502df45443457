"""Dagster resources: where the warehouse lives, and the only way to write it.

Configured from the deployment's environment with `EnvVar` (the UI, the daemon and the
sensor resolve them when they run, never at import). `cchc` resolves the same variables
with the sample's defaults (`orchestration.settings.load_settings`) and passes the result
as the run's resource config (`warehouse_run_config`), so a CLI run never writes the
environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, Definitions, EnvVar

from orchestration.defs.dbt_project import CchcDbtCliResource, cchc_dbt_project, dbt_executable
from orchestration.load.lock import writer_lock
from orchestration.settings import (
    DATA_DIR_ENV,
    LANDING_DIR_ENV,
    OFFICIAL_CUTOFF_DAY_ENV,
    Settings,
)

WAREHOUSE = "warehouse"


class WarehouseResource(ConfigurableResource):
    """Paths of the landing root and data dir, and the official cut-off day."""

    landing_dir: str
    data_dir: str
    official_cutoff_day: int = 15
    # A run's own choice (`cchc run --rehash`); CCHC_REHASH=1 in the environment does it too.
    rehash: bool = False

    @property
    def settings(self) -> Settings:
        return Settings(
            Path(self.landing_dir), Path(self.data_dir), self.official_cutoff_day, self.rehash
        )

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Exclusive write connection; closed before anything else (dbt, publish) opens it."""
        settings = self.settings
        from orchestration.load.warehouse import (
            connect,
        )  # here: pandas & co. only when the step runs (definitions load fast)

        with writer_lock(settings.lock_path):
            con = connect(settings.warehouse_path)
            try:
                yield con
            finally:
                con.close()


def warehouse_run_config(settings: Settings) -> dict:
    """Run config that sets the warehouse resource to ``settings`` (used by `cchc`)."""
    return {
        "resources": {
            WAREHOUSE: {
                "config": {
                    "landing_dir": str(settings.landing_dir),
                    "data_dir": str(settings.data_dir),
                    "official_cutoff_day": settings.official_cutoff_day,
                    "rehash": settings.rehash,
                }
            }
        }
    }


defs = Definitions(
    resources={
        WAREHOUSE: WarehouseResource(
            landing_dir=EnvVar(LANDING_DIR_ENV),
            data_dir=EnvVar(DATA_DIR_ENV),
            official_cutoff_day=EnvVar.int(OFFICIAL_CUTOFF_DAY_ENV),
        ),
        "dbt": CchcDbtCliResource(project_dir=cchc_dbt_project(), dbt_executable=dbt_executable()),
    }
)
