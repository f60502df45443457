"""One engine's step of `make bench-spark`, run as a measured subprocess (bench/spark.py).

    python -m bench.engines ingest LANDING DATA_DIR     DuckDB ingest → DATA_DIR/warehouse.duckdb
    python -m bench.engines duckdb LANDING DATA_DIR     dbt build (DuckDB) + publish, in place
    python -m bench.engines spark LANDING DATA_DIR RAW  Spark: RAW's raw.* → Parquet → dbt build
                                                        --target spark → publish from Spark

Both builds run what the pipeline's dbt step runs (seeds, models, data tests; no unit
tests) and publish with the pipeline's own code, so the two analytics files can be
compared table by table.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings


def _settings(landing: str, data_dir: str) -> Settings:
    return Settings(Path(landing), Path(data_dir))


def ingest(settings: Settings) -> None:
    from orchestration.spark.pipeline import ingest as duckdb_ingest

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    duckdb_ingest(settings)


def duckdb_build(settings: Settings) -> None:
    import json
    import subprocess

    from orchestration.defs.dbt import dbt_build_args
    from orchestration.publish import publish

    work = settings.data_dir / "dbt"
    dbt_vars = {
        "official_cutoff_day": settings.official_cutoff_day,
        "warehouse_path": str(settings.warehouse_path),
    }
    started = time.monotonic()
    # dbt's own process, as the pipeline's dbt step runs it (dbt-duckdb keeps its
    # connection open in the invoking process, which publishing must not share).
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *dbt_build_args(dbt_vars),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"dbt build (DuckDB) failed (exit {result.returncode}), see {work}/logs")
    print(f"dbt build (DuckDB): {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    published = publish(settings.warehouse_path, settings.analytics_path, run_id="bench-duckdb")
    print(f"publish: {time.monotonic() - started:.1f} s", flush=True)
    print(json.dumps({"tables": published.tables}), flush=True)


def spark_build(settings: Settings, raw_warehouse: Path) -> None:
    from orchestration.spark.pipeline import build_and_publish

    build_and_publish(settings, raw_warehouse, log=lambda line: print(line, flush=True))


def main(argv: list[str]) -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    step, landing, data_dir, *rest = argv
    settings = _settings(landing, data_dir)
    if step == "ingest":
        ingest(settings)
    elif step == "duckdb":
        duckdb_build(settings)
    elif step == "spark":
        spark_build(settings, Path(rest[0]))
    else:
        raise SystemExit(f"unknown step {step!r}: ingest | duckdb | spark")


if __name__ == "__main__":
    main(sys.argv[1:])
