"""Dagster resources: where the warehouse lives, and the only way to write it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from orchestration.load.warehouse import connect, writer_lock
from orchestration.settings import Settings, load_settings


class WarehouseResource(ConfigurableResource):
    """Paths of the landing root and data dir; defaults come from the environment."""

    landing_dir: str = ""
    data_dir: str = ""
    official_cutoff_day: int = 15

    @classmethod
    def from_environment(cls) -> WarehouseResource:
        settings = load_settings()
        return cls(
            landing_dir=str(settings.landing_dir),
            data_dir=str(settings.data_dir),
            official_cutoff_day=settings.official_cutoff_day,
        )

    @property
    def settings(self) -> Settings:
        return Settings(Path(self.landing_dir), Path(self.data_dir), self.official_cutoff_day)

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Exclusive write connection; closed before anything else (dbt, publish) opens it."""
        settings = self.settings
        with writer_lock(settings.lock_path):
            con = connect(settings.warehouse_path)
            try:
                yield con
            finally:
                con.close()
