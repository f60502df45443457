"""`python -m orchestration.spark`: the pipeline on the Spark target (pipeline.py) with
`cchc`'s settings (CCHC_LANDING_DIR, CCHC_DATA_DIR, CCHC_OFFICIAL_CUTOFF_DAY)."""

from __future__ import annotations

from orchestration.settings import load_settings
from orchestration.spark.pipeline import run


def main() -> None:
    settings = load_settings()
    print(f"landing: {settings.landing_dir}\ndata: {settings.data_dir}")
    result = run(settings)
    tables = ", ".join(f"{name} {rows}" for name, rows in sorted(result.published.tables.items()))
    print(f"published {result.published.path} ({tables})")


if __name__ == "__main__":
    main()
