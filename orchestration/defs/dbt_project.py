"""The dbt project Dagster reads, as in the Dagster University dbt course: one cached
`DbtProject`. Its manifest is prepared at build time (`make manifest` runs `dbt parse`;
`cchc` builds it if a checkout lacks it), never when the code location is imported, so
loading the definitions (UI, daemon, every run) never runs dbt."""

from __future__ import annotations

import sys
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration.settings import DBT_PROJECT_DIR


def dbt_executable() -> str:
    """The venv's dbt, whether or not the venv is on PATH (a fresh shell, cron, the daemon)."""
    return str(Path(sys.executable).with_name("dbt"))


@cache
def cchc_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class CchcDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without the ~7 s of CPU it spends before every `dbt build`
    that nothing here uses (measured on the sample: 4.3 s for a `dbt --version` subprocess,
    3.0 s to build a dbt Core adapter in this process).

    - The dbt executable is the venv's (``dbt_executable``), so its version is the installed
      dbt-core package's: read from the package metadata, not from a subprocess.
    - The in-process adapter only serves dagster-dbt's ``fetch_row_counts`` /
      ``fetch_column_metadata``, which this project does not call: None, the value dagster-dbt
      itself passes with the Fusion engine. The build runs in dbt's own process either way.
    Both override private members of ``DbtCliResource``; tests/test_definitions.py fails
    if an upgrade renames them (the cost would then silently return).
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> None:  # noqa: ANN401 - dbt's args
        return None
