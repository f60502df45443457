"""The results table (terminal and bench/results.md) and the machine facts it is read with."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.measure import Measured

_STEP_LINE = re.compile(r"^[✓✗] (?P<step>\S+)\s+(?P<at>[\d.]+)s\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# dbt's result line of a model, as the run's log (data dir logs/run-<id>.log) holds it.
_DBT_MODEL = re.compile(
    r"OK created sql (?:\w+ )?model (?P<model>\S+) \.*\s*\[OK in (?P<seconds>[\d.]+)s\]"
)


@dataclass(frozen=True)
class Row:
    what: str
    versions: int | None  # size of the tree the row was measured on
    rows: int | None  # rows processed (rows/s is computed from it)
    measured: Measured | None = None
    seconds: float | None = None  # when there is no Measured (definitions load)
    ratio: str = ""  # e.g. "1.9× baseline"
    note: str = ""

    @property
    def wall(self) -> float:
        return self.measured.seconds if self.measured else float(self.seconds or 0)


@dataclass
class Results:
    versions: int
    seed: int
    quick: bool
    rows: list[Row] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)  # full run at N
    increment_steps: list[tuple[str, float]] = field(default_factory=list)
    models: list[tuple[str, float]] = field(default_factory=list)  # slowest dbt models, N
    increment_models: list[tuple[str, float]] = field(default_factory=list)
    targets: list[tuple[str, str, str]] = field(default_factory=list)  # target, value, met
    notes: list[str] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""


def step_durations(output: str) -> list[tuple[str, float]]:
    """`cchc run` prints each finished step with the elapsed time since the start of the
    run; the difference between consecutive lines is each step's own time."""
    steps, previous = [], 0.0
    for line in output.splitlines():
        match = _STEP_LINE.match(line.strip())
        if match:
            at = float(match["at"])
            steps.append((match["step"], at - previous))
            previous = at
    return steps


def slowest_models(log: Path, top: int = 8) -> list[tuple[str, float]]:
    """The slowest dbt models of one run, from the run's log (dbt's own timings)."""
    found = [
        (m["model"], float(m["seconds"]))
        for m in _DBT_MODEL.finditer(_ANSI.sub("", log.read_text(errors="replace")))
    ]
    return sorted(found, key=lambda item: -item[1])[:top]


def machine_facts() -> list[tuple[str, str]]:
    meminfo = Path("/proc/meminfo").read_text()
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import duckdb
    import pandas

    return [
        ("date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("nproc", str(os.cpu_count())),
        ("RAM", f"{total_kib / 2**20:.1f} GiB"),
        ("CPU", cpu),
        ("Python", platform.python_version()),
        ("duckdb / pandas", f"{duckdb.__version__} / {pandas.__version__}"),
    ]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def _fmt_rows_per_second(row: Row) -> str:
    if not row.rows or not row.wall:
        return ""
    return f"{row.rows / row.wall:,.0f}"


def table_lines(rows: list[Row]) -> list[str]:
    header = (
        "| step | versions (N) | rows | wall s | CPU s | rows/s | ratio "
        "| peak RSS, process tree (MiB) | largest process (MiB) | note |"
    )
    lines = [header, "|" + "---|" * 10]
    for row in rows:
        m = row.measured
        lines.append(
            "| "
            + " | ".join(
                [
                    row.what,
                    f"{row.versions:,}" if row.versions else "",
                    f"{row.rows:,}" if row.rows else "",
                    f"{row.wall:.1f}" if row.wall < 10 else f"{row.wall:.0f}",
                    f"{m.cpu_seconds:.0f}" if m else "",
                    _fmt_rows_per_second(row),
                    row.ratio,
                    f"{m.peak_tree_mib:,.0f}" if m else "",
                    f"{m.max_process_mib:,.0f}" if m else "",
                    row.note or (f"largest: {m.largest}" if m and m.largest else ""),
                ]
            )
            + " |"
        )
    return lines


def markdown(results: Results) -> str:
    size = "quick (smoke) size" if results.quick else "default size"
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run`); overwritten by every run at the "
        "default size. How to read it: bench/README.md.",
        "",
        f"N = {results.versions:,} dossier versions ({size}), seed {results.seed}.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine_facts()],
        f"| load average (1/5/15 min) before / after | {results.load_before} → "
        f"{results.load_after} |",
        "",
        "## Results",
        "",
        *table_lines(results.rows),
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *[f"| {target} | {value} | {met} |" for target, value, met in results.targets],
    ]
    for title, heading, digits, timings in (
        ("Where the full run's time goes (N)", "Dagster step", 1, results.steps),
        ("Where the nightly increment's time goes", "Dagster step", 1, results.increment_steps),
        ("Slowest dbt models, full run (N)", "model", 2, results.models),
        ("Slowest dbt models, nightly increment", "model", 2, results.increment_models),
    ):
        if timings:
            out += ["", f"## {title}", "", f"| {heading} | s |", "|---|---|"]
            out += [f"| {name} | {seconds:.{digits}f} |" for name, seconds in timings]
    if results.notes:
        out += ["", "## Notes", ""] + [f"- {note}" for note in results.notes]
    return "\n".join(out) + "\n"
