"""`make bench` / `python -m bench.run`: the pipeline against the DuckDB floor, at scale.

One command measures, side by side (every measured command a subprocess): the bundled
sample's `cchc run`; on a generated landing tree of N dossier versions the baseline SQL
script (the floor) and the full pipeline (`cchc run` into an empty data dir); a night with
nothing new and the same night with partitions through 2030 (start-up must stay flat); a
one-day night; a late-files night (a week of exports two quarters back landed after a full
run without them, compared table by table with the full rebuild); peak memory at N/2, N, 2N;
the Dagster definitions' load time. Every night is `cchc run --nightly`, as the schedule.

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
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from bench.compare import differing_tables
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
from bench.runlog import start_up
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


def full_run(data_dir: Path, landing: Path, what: str, **env: str) -> Measured:
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    environment = {**_pipeline_env(data_dir, landing), **env}
    return run_measured(command, env=environment, cwd=PROJECT_ROOT).check(what)


def nightly_run(data_dir: Path, landing: Path, what: str, *options: str, **env: str) -> Measured:
    """`cchc run --nightly`: exactly what the 02:00 schedule runs (ingest what is new, one
    dbt build over the periods the new versions change, checks, publish, outputs)."""
    command = [sys.executable, "-m", "orchestration.cli", "run", "--nightly", *options]
    environment = {**_pipeline_env(data_dir, landing), **env}
    return run_measured(command, env=environment, cwd=PROJECT_ROOT).check(what)


def sample_run(work: Path) -> Measured:
    """The bundled sample, as `make demo` runs it, into an empty data dir."""
    data_dir = work / "runs" / "sample" / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    return full_run(data_dir, PROJECT_ROOT / "sources" / "sample" / "landing", "sample run")


# Late files: one week of exports of the quarter two quarters before the tree's last day,
# withheld from a first full run and landed afterwards, as a province re-delivering
# dossiers of an ended quarter does.
LATE_WEEK_DAYS = 7


def late_file_names(tree: Tree) -> set[str]:
    """Names (yyyymmdd.*) of the history files withheld for the late-files night."""
    last = date.fromisoformat(tree.last_day)
    quarter_start = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    two_back = quarter_start
    for _ in range(2):
        two_back = (two_back - timedelta(days=1)).replace(day=1)
        two_back = date(two_back.year, 3 * ((two_back.month - 1) // 3) + 1, 1)
    middle = two_back + timedelta(days=40)
    return {(middle + timedelta(days=d)).strftime("%Y%m%d") for d in range(LATE_WEEK_DAYS)}


def split_late_files(landing: Path, late_dir: Path, names: set[str]) -> list[Path]:
    """Move the withheld files out of a (hard-linked) landing root into ``late_dir``."""
    moved = []
    for path in sorted((landing / "one_stop").rglob("*")):
        if path.is_file() and path.name.split(".")[0] in names:
            target = late_dir / path.relative_to(landing)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
            moved.append(target)
    return moved


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


def _late_rows(tree: Tree, names: set[str]) -> int:
    return sum(
        f["rows_read"]
        for f in tree.manifest["files"]
        if f["root"] == "history" and Path(f["path"]).name.split(".")[0] in names
    )


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one measured story, in order
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

    _say("the bundled sample: cchc run into an empty data dir…")
    sample = sample_run(args.work)
    results.rows.append(
        Row("sample: `cchc run` (bundled sample, empty data dir)", None, None, sample)
    )
    sample_start = start_up(
        args.work / "runs" / "sample" / "data" / "dagster", sample.started_epoch
    )

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
    analytics = Settings(landing, data_dir).analytics_path
    agreement = compare_rates(floor, pipeline_rates(analytics))
    results.notes.append(f"Baseline vs pipeline, province quarterly rates: {agreement}.")
    full_copy = args.work / "runs" / f"full-{n}-analytics.duckdb"
    shutil.copyfile(analytics, full_copy)  # the full rebuild the late-files night must equal

    _say("a night with nothing new (cchc run --nightly)…")
    idle = nightly_run(data_dir, landing, "nightly run with nothing new")
    results.rows.append(
        Row(
            "night, nothing new: `cchc run --nightly`",
            n,
            None,
            idle,
            ratio=f"{idle.seconds / full.seconds:.1%} of full",
        )
    )
    # A night with nothing new starts no run (orchestration/defs/nothing_new.py), so the
    # start-up is measured on nights that do start one: --rehash bypasses the decision
    # taken before the run (its hashing happens inside the first step, after start-up).
    _say("start-up: the same night with --rehash, partitions through today and 2030…")
    night_started = nightly_run(data_dir, landing, "nightly run, --rehash", "--rehash")
    idle_start = start_up(data_dir / "dagster", night_started.started_epoch)
    idle_2030 = nightly_run(
        data_dir,
        landing,
        "nightly run, partitions through 2030",
        "--rehash",
        CCHC_PARTITIONS_THROUGH="2030-Q4",
    )
    start_2030 = start_up(data_dir / "dagster", idle_2030.started_epoch)
    for what, found in (
        ("start-up before the first step: sample `cchc run`", sample_start),
        ("start-up before the first step: night, partitions through today", idle_start),
        ("start-up before the first step: night, partitions through 2030-Q4", start_2030),
    ):
        results.rows.append(
            Row(
                what,
                None,
                None,
                seconds=found.seconds,
                note=f"{found.planned_events} asset/check events planned before step one",
            )
        )

    _say("a one-day night (the increment's day landed, cchc run --nightly)…")
    link_tree(tree.increment_landing, landing)
    increment = nightly_run(data_dir, landing, "one-day night")
    results.increment_steps = step_durations(increment.output)
    results.increment_models = slowest_models(_run_log(data_dir, increment))
    increment_ratio = increment.seconds / full.seconds
    results.rows.append(
        Row(
            f"one-day night: +1 day ({tree.increment_files} files), `cchc run --nightly`",
            n,
            tree.increment_rows,
            increment,
            ratio=f"{increment_ratio:.1%} of full",
        )
    )

    _say("late files: a full run without one week of two quarters back, then that week…")
    late_names = late_file_names(tree)
    late_data, late_landing = fresh_run_dir(args.work, f"late-{n}", tree)
    withheld = split_late_files(late_landing, args.work / "runs" / f"late-{n}" / "late", late_names)
    full_run(late_data, late_landing, "full run without the late week")
    for path in withheld:
        target = late_landing / path.relative_to(args.work / "runs" / f"late-{n}" / "late")
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    late = nightly_run(late_data, late_landing, "late-files night")
    late_ratio = late.seconds / full.seconds
    differences = differing_tables(full_copy, Settings(late_landing, late_data).analytics_path)
    equal = not differences
    results.rows.append(
        Row(
            f"late-files night: {len(withheld)} files of {min(late_names)}–{max(late_names)} "
            "landed after their quarter, `cchc run --nightly`",
            n,
            _late_rows(tree, late_names),
            late,
            ratio=f"{late_ratio:.1%} of full",
            note="equals the full rebuild, every mart table"
            if equal
            else f"DIFFERS from the full rebuild: {differences}",
        )
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
    results.targets = _targets(
        Measurements(
            sample=sample.seconds,
            start_ups=(sample_start.seconds, idle_start.seconds, start_2030.seconds),
            full_ratio=ratio,
            idle=idle.seconds,
            increment_ratio=increment_ratio,
            late_ratio=late_ratio,
            late_equal=equal,
            scaled=scaled,
            n=n,
        )
    )
    results.load_after = load_average()
    results.notes.append(
        "Every night is `cchc run --nightly`, exactly what the `nightly_run` schedule "
        "launches: ingest what is new, one dbt build (the periods the night's files can "
        "change, from the change log int_period_changes; the late-files row proves it equals "
        "a full rebuild), every check, publish, outputs. A night with nothing new starts no "
        "run; the start-up rows are nights run with --rehash, which do."
    )
    results.notes.append(
        "Start-up: from the command's launch to its run's first step starting, read from "
        "the run's Dagster event log."
    )
    results.notes.append(
        "Peak RSS, process tree: the largest sum of resident memory over the command and "
        "all its processes (the run, dbt), sampled every 0.2 s. "
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


@dataclass(frozen=True)
class Measurements:
    sample: float
    start_ups: tuple[float, float, float]  # sample, night through today, night through 2030
    full_ratio: float
    idle: float
    increment_ratio: float
    late_ratio: float
    late_equal: bool
    scaled: dict[int, Measured]
    n: int


def _targets(m: Measurements) -> list[tuple[str, str, str]]:
    """The issue's targets (this machine, 2 cores), each with what was measured."""

    def met(ok: bool) -> str:
        return "yes" if ok else "no"

    peak = max(run.peak_tree_mib for run in m.scaled.values())
    sample_start, today, through_2030 = m.start_ups
    targets = [
        (
            "sample `cchc run` ≤ 20 s wall, start-up included",
            f"{m.sample:.1f} s",
            met(m.sample <= 20),
        ),
        (
            "start-up before the first step ≤ 3 s",
            f"{max(m.start_ups):.1f} s (sample {sample_start:.1f}, night {today:.1f})",
            met(max(m.start_ups) <= 3),
        ),
        (
            "start-up flat as quarters are added (through 2030 / through today)",
            f"{through_2030 / today:.2f}×",
            met(through_2030 / today <= 1.15),
        ),
        ("full pipeline ≤ 3× baseline (wall time)", f"{m.full_ratio:.1f}×", met(m.full_ratio <= 3)),
        ("a night with nothing new ≤ 3 s", f"{m.idle:.1f} s", met(m.idle <= 3)),
        (
            "a one-day night ≤ 5% of the full run",
            f"{m.increment_ratio:.1%}",
            met(m.increment_ratio <= 0.05),
        ),
        (
            "late-files night equals a full rebuild",
            "equal" if m.late_equal else "differs",
            met(m.late_equal),
        ),
        (
            "late-files night ≤ 15% of the full run",
            f"{m.late_ratio:.1%}",
            met(m.late_ratio <= 0.15),
        ),
        (
            "peak memory ≤ 2 GiB (process tree, every size run)",
            f"{peak:,.0f} MiB",
            met(peak <= 2048),
        ),
    ]
    if 2 * m.n in m.scaled:
        growth = m.scaled[2 * m.n].peak_tree_mib / m.scaled[m.n].peak_tree_mib
        targets.append(
            (
                "peak memory flat when the input doubles (2N / N)",
                f"{growth:.2f}×",
                met(growth <= 1.15),
            )
        )
    return targets


if __name__ == "__main__":
    sys.exit(main())
