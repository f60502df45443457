"""`make bench` / `python -m bench.run`: the pipeline against the DuckDB floor, at scale.

One command measures, on the same generated landing tree of N dossier versions:
(a) the full pipeline (`cchc run` into an empty data dir), (b) the baseline SQL script,
(c) the nightly increment (one more day landed, then the nightly job's run over the
previous and current quarter), (d) memory of each, and the full pipeline at N/2 and 2N;
plus the Dagster definitions' load time. Every measured command is a subprocess.

Sizes: BENCH_VERSIONS (default 5 000 000), BENCH_QUICK=1 (200 000, a smoke run),
BENCH_SCALING=0 to skip N/2 and 2N, BENCH_SEED; or the matching command-line options.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.measure import Measured, run_measured
from bench.report import (
    Results,
    Row,
    load_average,
    markdown,
    slowest_models,
    step_durations,
    table_lines,
)
from bench.trees import Tree, ensure_tree, link_tree
from orchestration.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
DEFAULT_VERSIONS = 5_000_000
QUICK_VERSIONS = 200_000
DEFAULT_SEED = 20240101  # samplegen's default (sources/samplegen)
BIN = Path(sys.executable).parent


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    quick = env.get("BENCH_QUICK", "") not in ("", "0")
    parser.add_argument("--quick", action="store_true", default=quick)
    parser.add_argument("--versions", type=int, default=int(env.get("BENCH_VERSIONS") or 0))
    parser.add_argument("--seed", type=int, default=int(env.get("BENCH_SEED") or DEFAULT_SEED))
    parser.add_argument(
        "--no-scaling",
        action="store_true",
        default=env.get("BENCH_SCALING", "1") == "0",
        help="skip the N/2 and 2N runs",
    )
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "work")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default bench/results.md; quick runs: bench/work/results-quick.md)",
    )
    args = parser.parse_args(argv)
    if not args.versions:
        args.versions = QUICK_VERSIONS if args.quick else DEFAULT_VERSIONS
    if args.output is None:
        args.output = args.work / "results-quick.md" if args.quick else BENCH_DIR / "results.md"
    return args


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the measured commands ----------------------------------------------------------------


def definitions_load_seconds(repeats: int = 3) -> float:
    """Best of ``repeats`` fresh interpreters importing the Dagster code location."""
    code = (
        "import time; t = time.perf_counter(); import orchestration.definitions; "
        "print(time.perf_counter() - t)"
    )
    best = float("inf")
    for _ in range(repeats):
        measured = run_measured([sys.executable, "-c", code], cwd=PROJECT_ROOT).check(
            "loading orchestration.definitions"
        )
        best = min(best, float(measured.output.strip().splitlines()[-1]))
    return best


def baseline(tree: Tree, repeats: int = 3) -> tuple[Measured, dict]:
    """The floor, best of ``repeats`` (it is short, so another process's burst of work
    on a shared machine moves it most)."""
    command = [sys.executable, "-m", "bench.baseline", str(tree.landing)]
    runs = [run_measured(command, cwd=PROJECT_ROOT).check("baseline") for _ in range(repeats)]
    best = min(runs, key=lambda measured: measured.seconds)
    return best, json.loads(best.output.strip().splitlines()[-1])


def _pipeline_env(data_dir: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CCHC_DATA_DIR": str(data_dir),
        "CCHC_LANDING_DIR": str(landing),
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }


def fresh_run_dir(work: Path, name: str, tree: Tree) -> tuple[Path, Path]:
    """An empty data dir and a landing root of the tree's history (hard links)."""
    run_dir = work / "runs" / name
    if run_dir.exists():
        shutil.rmtree(run_dir)
    landing = run_dir / "landing"
    link_tree(tree.landing, landing)
    return run_dir / "data", landing


def full_run(data_dir: Path, landing: Path, what: str) -> Measured:
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    env = _pipeline_env(data_dir, landing)
    return run_measured(command, env=env, cwd=PROJECT_ROOT).check(what)


def nightly_quarters(last_day: str) -> tuple[str, str]:
    """The quarters the nightly schedule covers when it runs at 02:00 after the increment's
    day: the previous and the current quarter of that night (orchestration.defs.jobs)."""
    night = date.fromisoformat(last_day) + timedelta(days=1)

    def quarter(day: date) -> str:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"

    first_of_quarter = date(night.year, 3 * ((night.month - 1) // 3) + 1, 1)
    return quarter(first_of_quarter - timedelta(days=1)), quarter(night)


def nightly_run(tree: Tree, data_dir: Path, landing: Path, what: str) -> tuple[Measured, str]:
    """The nightly job's run of the night after the tree's last day (`cchc backfill` over
    the same two quarters the schedule picks)."""
    first, last = nightly_quarters(tree.last_day)
    command = [sys.executable, "-m", "orchestration.cli", "backfill", "--from", first, "--to", last]
    measured = run_measured(command, env=_pipeline_env(data_dir, landing), cwd=PROJECT_ROOT)
    return measured.check(what), f"{first}..{last}"


def nightly_increment(tree: Tree, data_dir: Path, landing: Path) -> tuple[Measured, str]:
    link_tree(tree.increment_landing, landing)
    return nightly_run(tree, data_dir, landing, "nightly increment")


def _run_log(data_dir: Path, measured: Measured) -> Path:
    """The detailed log `cchc` named in its output (dbt's lines are there)."""
    match = re.search(r"(\S*logs/run-[\w-]+\.log)", measured.output.replace("\n", ""))
    if match and Path(match[1]).exists():
        return Path(match[1])
    return max((data_dir / "logs").glob("run-*.log"), key=lambda p: p.stat().st_mtime)


# --- checks on what was measured ----------------------------------------------------------


def pipeline_rates(analytics: Path) -> dict[str, dict[str, float]]:
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        rows = con.execute(
            """
            select period_key, indicator, rate from marts.service_rates
            where calendar = 'calendar' and grain = 'quarter' and scope_type = 'province'
              and indicator in ('online_rate', 'on_time_rate')
            """
        ).fetchall()
    finally:
        con.close()
    rates: dict[str, dict[str, float]] = {}
    for period, indicator, rate in rows:
        rates.setdefault(period, {})[indicator] = rate
    return rates


def compare_rates(floor: dict, pipeline: dict[str, dict[str, float]]) -> str:
    """Both compute the same figures from the same files; the largest difference shows
    the baseline does the work it claims to."""
    worst = 0.0
    for quarter, figures in floor["quarters"].items():
        for indicator in ("online_rate", "on_time_rate"):
            ours, theirs = figures[indicator], pipeline.get(quarter, {}).get(indicator)
            if ours is None or theirs is None:
                return f"quarter {quarter} {indicator} missing on one side"
            worst = max(worst, abs(ours - theirs))
    return f"max |difference| of the quarterly rates = {worst:.2g}"


# --- the whole benchmark ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    n = args.versions
    results = Results(versions=n, seed=args.seed, quick=args.quick, load_before=load_average())
    sizes = [n] if args.no_scaling else [n, n // 2, 2 * n]
    trees: dict[int, Tree] = {}
    for size in sizes:
        _say(f"landing tree of {size:,} versions…")
        tree, generated = ensure_tree(args.work, size, args.seed)
        trees[size] = tree
        how = f"generated in {generated:.0f} s" if generated is not None else "cached"
        _say(f"  {tree.history_files} files, {tree.history_rows:,} rows ({how})")
    tree = trees[n]

    _say("Dagster definitions load (best of 3)…")
    defs_seconds = definitions_load_seconds()

    _say("baseline (one DuckDB SQL script, best of 3)…")
    floor_measured, floor = baseline(tree)
    results.rows.append(
        Row("baseline: DuckDB SQL over the files (best of 3)", n, floor["versions"], floor_measured)
    )

    _say("full pipeline (cchc run, empty data dir)…")
    data_dir, landing = fresh_run_dir(args.work, f"full-{n}", tree)
    full = full_run(data_dir, landing, "full pipeline")
    results.steps = step_durations(full.output)
    results.models = slowest_models(_run_log(data_dir, full))
    ratio = full.seconds / floor_measured.seconds
    cpu_ratio = full.cpu_seconds / floor_measured.cpu_seconds
    results.rows.append(
        Row(
            "full pipeline: `cchc run`",
            n,
            tree.history_rows,
            full,
            ratio=f"{ratio:.1f}× baseline (CPU {cpu_ratio:.1f}×)",
        )
    )
    agreement = compare_rates(floor, pipeline_rates(Settings(landing, data_dir).analytics_path))
    results.notes.append(f"Baseline vs pipeline, province quarterly rates: {agreement}.")

    _say("nightly increment (one more day, nightly run over two quarters)…")
    increment, quarters = nightly_increment(tree, data_dir, landing)
    results.increment_steps = step_durations(increment.output)
    results.increment_models = slowest_models(_run_log(data_dir, increment))
    increment_ratio = increment.seconds / full.seconds
    results.rows.append(
        Row(
            f"nightly increment: +1 day ({tree.increment_files} files), `cchc backfill` {quarters}",
            n,
            tree.increment_rows,
            increment,
            ratio=f"{increment_ratio:.1%} of full",
        )
    )

    # The same night once more, with nothing new landed: what a night costs whatever the
    # data (dbt start-up, checks, publish); the increment less this is what the day's
    # files themselves cost.
    _say("nightly run with nothing new (the fixed cost of a night)…")
    idle, _ = nightly_run(tree, data_dir, landing, "nightly run with nothing new")
    results.rows.append(
        Row(
            f"nightly run, nothing new, `cchc backfill` {quarters}",
            n,
            None,
            idle,
            ratio=f"{idle.seconds / full.seconds:.1%} of full",
        )
    )
    dependent = max(0.0, increment.seconds - idle.seconds)
    results.notes.append(
        f"Of the nightly increment's {increment.seconds:.0f} s, {idle.seconds:.0f} s are the "
        "cost of a night with nothing new (the same run again: dbt's three builds, checks, "
        f"publish); the day's files themselves cost {dependent:.0f} s, "
        f"{dependent / full.seconds:.1%} of the full run."
    )

    scaled: dict[int, Measured] = {n: full}
    for size in sizes[1:]:
        _say(f"full pipeline at {size:,} versions…")
        data_dir, landing = fresh_run_dir(args.work, f"full-{size}", trees[size])
        measured = full_run(data_dir, landing, f"full pipeline at {size}")
        scaled[size] = measured
        results.rows.append(
            Row(
                "full pipeline: `cchc run`",
                size,
                trees[size].history_rows,
                measured,
                ratio=f"{measured.seconds / full.seconds:.2f}× the run at N",
            )
        )

    results.rows.append(
        Row("Dagster definitions load (best of 3)", None, None, seconds=defs_seconds)
    )
    results.targets = _targets(ratio, increment_ratio, scaled, n, defs_seconds)
    results.load_after = load_average()
    results.notes.append(
        "The nightly increment is `cchc backfill --from <previous> --to <current quarter>` "
        "of the night after the increment's day: the same job and partition range the "
        "`nightly_run` schedule launches (ingest what is new, rebuild the periods of "
        "both calendars overlapping those quarters, run every check, publish)."
    )
    results.notes.append(
        "Peak RSS, process tree: the largest sum of resident memory over the command and "
        "all its processes (the run, dbt, extraction workers), sampled every 0.2 s. "
        "Largest process: the kernel's exact peak of the single biggest process."
    )
    text = markdown(results)
    args.output.write_text(text, encoding="utf-8")
    print()
    print("\n".join(table_lines(results.rows)))
    print()
    for target, value, met in results.targets:
        print(f"{met:4}  {target}: {value}")
    print(f"\nwritten to {args.output}")
    return 0


def _targets(
    ratio: float,
    increment_ratio: float,
    scaled: dict[int, Measured],
    n: int,
    defs_seconds: float,
) -> list[tuple[str, str, str]]:
    def met(ok: bool) -> str:
        return "yes" if ok else "no"

    peak = max(m.peak_tree_mib for m in scaled.values())
    targets = [
        ("full pipeline ≤ 3× baseline (wall time)", f"{ratio:.1f}×", met(ratio <= 3)),
        (
            "nightly increment ≤ 5% of the full run",
            f"{increment_ratio:.1%}",
            met(increment_ratio <= 0.05),
        ),
        (
            "peak memory ≤ 2 GiB (process tree, every size run)",
            f"{peak:,.0f} MiB",
            met(peak <= 2048),
        ),
    ]
    if 2 * n in scaled:
        growth = scaled[2 * n].peak_tree_mib / scaled[n].peak_tree_mib
        targets.append(
            (
                "peak memory flat when the input doubles (2N / N)",
                f"{growth:.2f}×",
                met(growth <= 1.15),
            )
        )
    targets.append(
        ("Dagster definitions load < 3 s", f"{defs_seconds:.2f} s", met(defs_seconds < 3))
    )
    return targets


if __name__ == "__main__":
    sys.exit(main())
