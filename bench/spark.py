"""`make bench-spark` / `python -m bench.spark`: the same dbt project on DuckDB and on Spark
(local mode) over the same ingested raw tables, at 5M and 20M versions by default.

Per size: one DuckDB ingest of the generated tree (shared by both engines, measured as its
own row), then each engine's build + publish from that raw warehouse, each a measured
subprocess (wall, CPU of the process tree, peak RSS of the tree: the JVM is a child of the
Spark step), and the two published analytics files compared table by table
(bench/compare.py). Results: bench/results-spark.md.

Sizes: BENCH_SPARK_VERSIONS="5000000 20000000" (or --versions 5000000 20000000); the trees
are the ones `make bench` generates and reuses (bench/trees.py), under --work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from bench.compare import differing_tables
from bench.measure import Measured, run_measured
from bench.report import load_average, machine_facts
from bench.run import DEFAULT_SEED, PROJECT_ROOT
from bench.trees import ensure_tree

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_SIZES = (5_000_000, 20_000_000)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    env_sizes = os.environ.get("BENCH_SPARK_VERSIONS", "")
    default = [int(v) for v in env_sizes.split()] or list(DEFAULT_SIZES)
    parser = argparse.ArgumentParser(prog="python -m bench.spark", description=__doc__)
    parser.add_argument("--versions", type=int, nargs="+", default=default)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "work")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results-spark.md")
    return parser.parse_args(argv)


def _say(message: str) -> None:
    print(f"[bench-spark {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _step(*args: str) -> Measured:
    env = {**os.environ, "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "false"}
    command = [sys.executable, "-m", "bench.engines", *args]
    return run_measured(command, env=env, cwd=PROJECT_ROOT).check(f"bench.engines {args[0]}")


def _row(engine: str, what: str, versions: int, measured: Measured, ratio: str = "") -> str:
    return (
        f"| {versions:,} | {engine} | {what} | {measured.seconds:.0f} | "
        f"{measured.cpu_seconds:.0f} | {measured.peak_tree_mib:,.0f} | "
        f"{measured.largest or f'{measured.max_process_mib:,.0f} MiB'} | {ratio} |"
    )


def bench_size(work: Path, versions: int, seed: int) -> list[str]:
    tree, generated = ensure_tree(work, versions, seed)
    if generated is not None:
        _say(f"generated {versions:,} versions in {generated:.0f} s")
    run_dir = work / "runs" / f"spark-{versions}"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    raw_dir, duckdb_dir, spark_dir = run_dir / "raw", run_dir / "duckdb", run_dir / "spark"
    landing = str(tree.landing)
    _say(f"{versions:,}: DuckDB ingest")
    ingested = _step("ingest", landing, str(raw_dir))
    raw_warehouse = raw_dir / "warehouse.duckdb"
    # The DuckDB build writes into its warehouse: it gets a copy (not measured).
    duckdb_dir.mkdir(parents=True)
    shutil.copy2(raw_warehouse, duckdb_dir / "warehouse.duckdb")
    _say(f"{versions:,}: dbt build + publish on DuckDB")
    on_duckdb = _step("duckdb", landing, str(duckdb_dir))
    _say(f"{versions:,}: dbt build + publish on Spark (local mode)")
    on_spark = _step("spark", landing, str(spark_dir), str(raw_warehouse))
    differences = differing_tables(duckdb_dir / "analytics.duckdb", spark_dir / "analytics.duckdb")
    ratio = (
        f"{on_spark.seconds / on_duckdb.seconds:.1f}× DuckDB "
        f"(CPU {on_spark.cpu_seconds / on_duckdb.cpu_seconds:.1f}×)"
    )
    rows = [
        _row("DuckDB", "ingest (shared by both)", versions, ingested),
        _row("DuckDB", "dbt build + publish", versions, on_duckdb),
        _row(
            "Spark local[2]",
            "raw → Parquet, dbt build --target spark, publish",
            versions,
            on_spark,
            ratio,
        ),
    ]
    verdict = "equal, every mart table" if not differences else f"DIFFERENT: {differences}"
    rows.append(f"| {versions:,} | | published marts, Spark vs DuckDB | | | | | {verdict} |")
    spark_steps = [line for line in on_spark.output.splitlines() if line.endswith(" s")]
    return rows + [f"<!-- spark steps {versions}: {'; '.join(spark_steps)} -->"]


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    load_before = load_average()
    lines: list[str] = []
    for versions in args.versions:
        lines += bench_size(args.work, versions, args.seed)
    facts = [*machine_facts(), ("load average before / after", f"{load_before} → {load_average()}")]
    table = [
        "| versions (N) | engine | what | wall s | CPU s | peak RSS, process tree (MiB) "
        "| largest process (sampled) | ratio / result |",
        "|---|---|---|---|---|---|---|---|",
        *[line for line in lines if line.startswith("|")],
    ]
    steps = [line[5:-4] for line in lines if line.startswith("<!--")]
    text = "\n".join(
        [
            "# Benchmark: DuckDB against Spark (local mode), same dbt project",
            "",
            "Written by `make bench-spark` (`python -m bench.spark`); how to read it: the "
            "module's docstring.",
            "",
            "| machine | |",
            "|---|---|",
            *[f"| {name} | {value} |" for name, value in facts],
            "",
            *table,
            "",
            "Spark's own steps (seconds, from its log):",
            "",
            *[f"- {step}" for step in steps],
            "",
        ]
    )
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
