"""The dbt project Dagster reads, as in the Dagster University dbt course: one cached
`DbtProject`. Its manifest is prepared at build time (`make manifest` runs `dbt parse`;
`cchc` builds it if a checkout lacks it), never when the code location is imported, so
loading the definitions (UI, daemon, every run) never runs dbt."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR


def dbt_executable() -> str:
    """The venv's dbt, whether or not the venv is on PATH (a fresh shell, cron, the daemon)."""
    return str(Path(sys.executable).with_name("dbt"))


@cache
def cchc_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
