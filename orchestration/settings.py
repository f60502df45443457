"""Where things live, read once from the environment (with defaults for the bundled sample)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# A build artefact (`make manifest` = dbt parse): Dagster and orchestration/contract.py read it.
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
SAMPLE_LANDING_DIR = PROJECT_ROOT / "sources" / "sample" / "landing"
# The catalogues every landing root must hold (sources.md), checked by `cchc` before a run
# starts (preflight) and by the loader: once in a one-province landing, once per province
# folder in a many-province one (landing_reference_files).
REQUIRED_REFERENCE_FILES = ("reference/agencies.csv", "reference/procedures.csv")
# The sources' folders under the landing root; any other top-level folder is a province's
# (landing/<province_code>/<source>/..., docs/decisions.md "Many provinces in one landing").
LANDING_SOURCES = ("reference", "one_stop", "agency_reports", "queue")


def landing_provinces(landing_dir: Path) -> list[str]:
    """The province folders of a many-province landing, by name (none: one province)."""
    if not landing_dir.is_dir():
        return []
    return sorted(
        path.name
        for path in landing_dir.iterdir()
        if path.is_dir() and path.name not in LANDING_SOURCES and not path.name.startswith(".")
    )


def landing_reference_files(landing_dir: Path) -> list[str]:
    """The required catalogues, relative to the landing root: each province's own."""
    provinces = landing_provinces(landing_dir)
    if not provinces:
        return list(REQUIRED_REFERENCE_FILES)
    return [
        f"{province}/{relative}" for province in provinces for relative in REQUIRED_REFERENCE_FILES
    ]


# DuckDB's own default is 80 % of RAM: on a big landing tree the dbt build alone grew to
# 3 GiB. Capped, DuckDB spills to a temporary directory beside the database instead, so the
# run's memory stays flat as the input grows. dbt reads the same variable (profiles.yml).
DUCKDB_MEMORY_LIMIT_ENV = "CCHC_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"

# The environment variables of a deployment. The Dagster resources are configured from them
# with `EnvVar` (orchestration/defs/resources.py); `cchc` resolves them here, with the
# bundled sample's defaults, and hands the result to its run as resource config.
LANDING_DIR_ENV = "CCHC_LANDING_DIR"
DATA_DIR_ENV = "CCHC_DATA_DIR"
OFFICIAL_CUTOFF_DAY_ENV = "CCHC_OFFICIAL_CUTOFF_DAY"
# The last quarter the backfill job offers as a partition (default: the quarter in
# progress). The bench sets it to 2030-Q4 to show that a run's start-up does not grow with it.
PARTITIONS_THROUGH_ENV = "CCHC_PARTITIONS_THROUGH"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Who issues the reports (their heading): e.g. "Tỉnh Lào Cai" and "Văn phòng Ủy ban nhân dân
# tỉnh Lào Cai". Unset: named from the catalogue's province code (reports/heading.py).
PROVINCE_NAME_ENV = "CCHC_PROVINCE_NAME"
ISSUING_BODY_ENV = "CCHC_ISSUING_BODY"


def duckdb_config() -> dict[str, str]:
    """Settings for every connection that writes the warehouse or the published copy."""
    limit = os.environ.get(DUCKDB_MEMORY_LIMIT_ENV, "").strip() or DEFAULT_DUCKDB_MEMORY_LIMIT
    return {"memory_limit": limit}


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    data_dir: Path
    official_cutoff_day: int = 15
    # Hash every landed file again, whatever its stat (CCHC_REHASH=1, `cchc run --rehash`).
    rehash: bool = False

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
    landing = Path(os.environ.get(LANDING_DIR_ENV, SAMPLE_LANDING_DIR)).resolve()
    data = Path(os.environ.get(DATA_DIR_ENV, PROJECT_ROOT / "data")).resolve()
    cutoff = int(os.environ.get(OFFICIAL_CUTOFF_DAY_ENV, "15"))
    return Settings(landing_dir=landing, data_dir=data, official_cutoff_day=cutoff)


def current_quarter(now: datetime | None = None) -> str:
    """The quarter in progress in the province's time zone, e.g. '2024-Q2'."""
    today = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ).date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def partitions_through() -> str:
    """The last quarter of the backfill job's partitions."""
    return os.environ.get(PARTITIONS_THROUGH_ENV, "").strip().upper() or current_quarter()


def report_issuer_settings() -> tuple[str | None, str | None]:
    """The province's name and the issuing body, as the deployment sets them (or None)."""
    name = os.environ.get(PROVINCE_NAME_ENV, "").strip() or None
    body = os.environ.get(ISSUING_BODY_ENV, "").strip() or None
    return name, body
