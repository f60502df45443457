"""The Dagster instance used by the CLI and `make ui`: DAGSTER_HOME under the data dir."""

from __future__ import annotations

import os
import shutil

from orchestration.settings import PROJECT_ROOT, Settings


def prepare_dagster_home(settings: Settings) -> str:
    home = settings.data_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    checked_in = PROJECT_ROOT / "dagster.yaml"
    target = home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != checked_in.read_bytes():
        shutil.copyfile(checked_in, target)
    os.environ["DAGSTER_HOME"] = str(home)
    return str(home)
