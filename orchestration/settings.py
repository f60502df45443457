"""Where things live, read once from the environment (with defaults for the bundled sample)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SAMPLE_LANDING_DIR = PROJECT_ROOT / "sources" / "sample" / "landing"

# DuckDB's own default is 80 % of RAM: on a big landing tree the dbt build alone grew to
# 3 GiB. Capped, DuckDB spills to a temporary directory beside the database instead, so the
# run's memory stays flat as the input grows. dbt reads the same variable (profiles.yml).
DUCKDB_MEMORY_LIMIT_ENV = "CCHC_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"


def duckdb_config() -> dict[str, str]:
    """Settings for every connection that writes the warehouse or the published copy."""
    limit = os.environ.get(DUCKDB_MEMORY_LIMIT_ENV, "").strip() or DEFAULT_DUCKDB_MEMORY_LIMIT
    return {"memory_limit": limit}


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    data_dir: Path
    official_cutoff_day: int = 15

    @property
    def warehouse_path(self) -> Path:
        """The single-writer working database (raw + staging + marts)."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def analytics_path(self) -> Path:
        """The published, read-only copy for analysts (marts only)."""
        return self.data_dir / "analytics.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "warehouse.lock"


def load_settings() -> Settings:
    landing = Path(os.environ.get("CCHC_LANDING_DIR", SAMPLE_LANDING_DIR)).resolve()
    data = Path(os.environ.get("CCHC_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    cutoff = int(os.environ.get("CCHC_OFFICIAL_CUTOFF_DAY", "15"))
    return Settings(landing_dir=landing, data_dir=data, official_cutoff_day=cutoff)
