"""The Dagster instance used by the CLI and `make ui`: DAGSTER_HOME under the data dir."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:  # dagster takes seconds to import; read commands of the CLI never need it
    from dagster import DagsterInstance


def prepare_dagster_home(settings: Settings) -> Path:
    """``<data dir>/dagster`` with the checked-in dagster.yaml (copied when it changed)."""
    home = settings.data_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    checked_in = PROJECT_ROOT / "dagster.yaml"
    target = home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != checked_in.read_bytes():
        shutil.copyfile(checked_in, target)
    return home


def dagster_instance(settings: Settings) -> DagsterInstance:
    """The instance of the data dir, opened from its folder (the environment is not
    touched: DAGSTER_HOME is for the UI and the daemon)."""
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(prepare_dagster_home(settings)))
