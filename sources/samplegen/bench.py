"""Benchmark trees: millions of dossier versions as daily delta files, memory-bounded.

Only the formats a benchmark needs at volume: layout A CSV (provincial departments),
layout B CSV and JSON Lines (districts and communes), one file per system and day,
every version written. Intake days are generated in chunks; each chunk's versions are
rendered column-wise and *appended* to the files of the days they were updated on, so
memory holds one chunk, whatever the total. ``increment_dir`` receives the last day's
files (a benchmark loads the history, then lands one more day).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from samplegen.catalogue import Catalogue, build_catalogue
from samplegen.config import DEFAULT_END, DEFAULT_SEED, DEFAULT_START
from samplegen.dates import DAY, day_number, to_date
from samplegen.dossiers import (
    VERSIONS_PER_DOSSIER,
    expand_versions,
    generate_dossiers,
    per_day_for,
)
from samplegen.formats import DateRenderer
from samplegen.layouts import StyleA, StyleB, render_a, render_b
from samplegen.manifest import json_bytes
from samplegen.onestop import export_frame
from samplegen.people import build_people
from samplegen.writers import delimited_text, json_strings

# JSON values that never need escaping (codes, digits, dates, URLs, e-mails).
_PLAIN_KEYS = frozenset(
    {"code", "procedure_code", "agency_code", "id_number", "phone", "email", "e_result"}
    | {"received", "due", "completed", "returned", "updated"}
    | {"digitized", "reused", "fee", "paid"}
)


@dataclass(frozen=True)
class BenchConfig:
    seed: int = DEFAULT_SEED
    start: date = DEFAULT_START
    end: date = DEFAULT_END
    versions: int = 5_000_000
    chunk_days: int = 0  # 0: sized for ~120 000 versions per chunk
    people: int = 20_000


@dataclass(frozen=True)
class BenchFeed:
    name: str
    directory: str
    style: StyleA | StyleB

    @property
    def suffix(self) -> str:
        return "jsonl" if self.style.fmt == "jsonl" else "csv"

    def path(self, day: date) -> str:
        return f"one_stop/{self.directory}/{day.year}/{day:%Y%m%d}.{self.suffix}"


FEEDS = (
    BenchFeed("A", "mot_cua_tinh", StyleA(names=False, stt=False)),
    BenchFeed("B_csv", "dvc_dongbo/csv", StyleB()),
    BenchFeed("B_jsonl", "dvc_dongbo/jsonl", StyleB(fmt="jsonl")),
)


def _feed_of_agency(catalogue: Catalogue) -> dict[str, int]:
    """Departments → layout A; each district and its communes → one of the two B feeds."""
    out: dict[str, int] = {}
    for row in catalogue.agencies.itertuples():
        if row.level == "tinh":
            out[row.agency_code] = 0
        else:
            district = row.agency_code if row.level == "huyen" else row.parent_code
            out[row.agency_code] = 1 + int(district.split(".")[2]) % 2
    return out


def _csv_cells(values: np.ndarray, key: str, delimiter: str) -> np.ndarray:
    """Cells quoted as csv.QUOTE_MINIMAL would (codes and dates never need it; texts from
    small vocabularies are checked once per distinct value)."""
    if key in _PLAIN_KEYS:
        return values
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    special = (delimiter, '"', "\n", "\r")
    quoted = [
        '"' + u.replace('"', '""') + '"' if any(c in u for c in special) else u for u in uniques
    ]
    return np.array(quoted, dtype=object)[codes]


def _lines(cols: dict[str, np.ndarray], style: StyleA | StyleB) -> list[str]:
    """One text line per row (no line end). Rows are joined in C (``str.join`` over
    ``zip``); the constant parts of a JSON line (keys, quotes of plain strings) sit in
    separators between the columns, so no per-column string concatenation is needed."""
    keys = list(cols)
    if style.fmt != "jsonl":
        tokens = [_csv_cells(cols[k], k, style.delimiter) for k in keys]
        return list(map(style.delimiter.join, zip(*tokens, strict=True)))
    parts: list[object] = []
    closing = ""
    for i, key in enumerate(keys):
        plain = key in _PLAIN_KEYS
        opening = ("{" if i == 0 else ", ") + f'"{style.header(key)}": ' + ('"' if plain else "")
        parts.append(repeat(closing + opening))
        numeric = key in ("channel", "level", "status", "rating")
        parts.append(cols[key] if plain or numeric else json_strings(cols[key]))
        closing = '"' if plain else ""
    parts.append(repeat(closing + "}"))
    return list(map("".join, zip(*parts, strict=False)))  # repeat() parts are endless


class _DayFiles:
    """Per-day files built in memory and written once, as soon as no later chunk can add
    to them (a version is never updated before its dossier's intake day minus one), so
    memory holds only the days still open, whatever the total volume."""

    def __init__(self, roots: tuple[Path, Path | None], last_day: int) -> None:
        self.roots = roots
        self.last_day = last_day
        self.pending: dict[tuple[str, int], list[str]] = {}
        self.headers: dict[str, str] = {}
        self.rows: dict[str, int] = {}
        self.bytes: dict[str, int] = {}
        self.in_increment: set[str] = set()

    def add(self, feed: BenchFeed, day: int, header: str, lines: list[str]) -> None:
        path = feed.path(to_date(day))
        self.headers[path] = header
        self.pending.setdefault((path, day), []).extend(lines)

    def flush(self, before_day: int | None = None) -> None:
        for key in sorted(self.pending):
            path, day = key
            if before_day is not None and day >= before_day:
                continue
            lines = self.pending.pop(key)
            increment = self.roots[1] is not None and day == self.last_day
            root = self.roots[1] if increment else self.roots[0]
            assert root is not None
            data = (self.headers[path] + "\n".join(lines) + "\n").encode("utf-8")
            target = root / "landing" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self.rows[path] = len(lines)
            self.bytes[path] = len(data)
            if increment:
                self.in_increment.add(path)


def _write_feed_chunk(
    feed: BenchFeed,
    frame: pd.DataFrame,
    rng: np.random.Generator,
    dates: DateRenderer,
    files: _DayFiles,
) -> None:
    style = feed.style  # frame: ordered by update time (so by day)
    if isinstance(style, StyleA):
        cols = render_a(frame, style, rng, dates)
    else:
        cols = render_b(frame, style, rng, dates)
    header = ""
    if style.fmt != "jsonl":
        header = delimited_text([style.header(k) for k in cols], [], style.delimiter, "\n")
    lines = _lines(cols, style)
    days = frame["updated_day"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, days[1:] != days[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        files.add(feed, int(days[lo]), header, lines[lo:hi])


def generate_bench(
    out: Path, cfg: BenchConfig, increment_dir: Path | None = None
) -> dict[str, object]:
    started = time.perf_counter()
    for target in (out / "landing", out / "expected"):
        if target.exists():
            shutil.rmtree(target)
    if increment_dir is not None and (increment_dir / "landing" / "one_stop").exists():
        shutil.rmtree(increment_dir / "landing" / "one_stop")

    catalogue = build_catalogue(cfg.seed, cfg.start, cfg.end)
    reference = out / "landing" / "reference"
    reference.mkdir(parents=True)
    (reference / "agencies.csv").write_bytes(catalogue.agencies_csv())
    (reference / "procedures.csv").write_bytes(catalogue.procedures_csv())

    places = [
        n.removeprefix("UBND ")
        for n in catalogue.agencies.loc[catalogue.agencies["level"] == "xa", "agency_name"]
    ]
    people = build_people(np.random.default_rng([cfg.seed, 102]), cfg.people, places)
    first, last = day_number(cfg.start), day_number(cfg.end)
    per_day = per_day_for(cfg.versions / VERSIONS_PER_DOSSIER, first, last)
    horizon_at = (last + 1) * DAY - 1  # the history ends with the last intake day
    dates = DateRenderer(first - 1, last + 120)  # due dates run past the last day
    feed_of = _feed_of_agency(catalogue)
    agency_feed = catalogue.agencies["agency_code"].map(feed_of).to_numpy()
    procs = catalogue.procedures
    files = _DayFiles((out, increment_dir), last)

    # About 120 000 versions per chunk: memory stays flat whatever the total.
    chunk_days = cfg.chunk_days or max(1, round(120_000 * (last - first + 1) / cfg.versions))
    dossiers = versions = 0
    for chunk, lo in enumerate(range(first, last + 1, chunk_days)):
        hi = min(lo + chunk_days - 1, last)
        rng = np.random.default_rng([cfg.seed, 100, chunk])
        d = generate_dossiers(rng, catalogue, lo, hi, per_day, first, last, cfg.people)
        d["procedure_code"] = procs["procedure_code"].to_numpy()[d["proc_idx"].to_numpy()]
        d["procedure_name"] = procs["procedure_name"].to_numpy()[d["proc_idx"].to_numpy()]
        v = expand_versions(rng, d, horizon_at)
        # Order once by system, day and time (stable: ties keep the dossier order), so
        # each system's rows are one slice and each day's rows a sub-slice.
        feed = agency_feed[d["agency_idx"].to_numpy()[v["d"].to_numpy()]]
        order = np.lexsort((v["updated_at"].to_numpy(), feed))
        v, feed = v.iloc[order], feed[order]
        frame = export_frame(v, d, catalogue, people)
        bounds = np.searchsorted(feed, np.arange(len(FEEDS) + 1))
        for i, bench_feed in enumerate(FEEDS):
            if bounds[i + 1] > bounds[i]:
                part = frame.iloc[bounds[i] : bounds[i + 1]]
                _write_feed_chunk(bench_feed, part, rng, dates, files)
        dossiers += len(d)
        versions += len(v)
        # Later chunks receive from hi + 1 on; a registration may precede intake by a day.
        files.flush(before_day=hi)
    files.flush()

    listing = [
        {
            "path": path,
            "rows_read": files.rows[path],
            "bytes": files.bytes[path],
            "root": "increment" if path in files.in_increment else "history",
        }
        for path in sorted(files.rows, key=lambda p: p.encode())
    ]
    manifest: dict[str, object] = {
        "generator": "samplegen",
        "mode": "bench",
        "seed": cfg.seed,
        "start": cfg.start.isoformat(),
        "end": cfg.end.isoformat(),
        "exports_until": cfg.end.isoformat(),
        "counts": {
            "dossiers_generated": dossiers,
            "versions_written": versions,
            "files": len(listing) + 2,
            "increment_files": len(files.in_increment),
            "increment_rows": sum(files.rows[p] for p in files.in_increment),
        },
        "files": listing,
    }
    (out / "expected").mkdir(parents=True)
    (out / "expected" / "manifest.json").write_bytes(json_bytes(manifest))
    # Timing is reported to the caller but never written: files stay reproducible.
    return {**manifest, "seconds": round(time.perf_counter() - started, 2)}
