"""Benchmark landing trees, generated once per (versions, seed) and kept under bench/work/.

A tree is `python -m samplegen --bench` (sources/samplegen): the history's daily one-stop
files (CSV and JSON Lines) plus the reference catalogue, and an increment dir holding the
last day's files. ``params.json`` is written last, so a generation that was interrupted is redone.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import run_measured


@dataclass(frozen=True)
class Tree:
    versions: int  # as asked of the generator
    seed: int
    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "history" / "landing"

    @property
    def increment_landing(self) -> Path:
        return self.root / "increment" / "landing"

    @property
    def manifest(self) -> dict:
        return json.loads((self.root / "history" / "expected" / "manifest.json").read_text())

    @property
    def history_rows(self) -> int:
        return sum(f["rows_read"] for f in self.manifest["files"] if f["root"] == "history")

    @property
    def history_files(self) -> int:
        return sum(1 for f in self.manifest["files"] if f["root"] == "history")

    @property
    def increment_rows(self) -> int:
        return int(self.manifest["counts"]["increment_rows"])

    @property
    def increment_files(self) -> int:
        return int(self.manifest["counts"]["increment_files"])

    @property
    def last_day(self) -> str:
        return str(self.manifest["exports_until"])


def ensure_tree(work: Path, versions: int, seed: int) -> tuple[Tree, float | None]:
    """The tree for these parameters, generating it if needed. Also returns the generation
    time in seconds, or None when a cached tree was reused."""
    tree = Tree(versions, seed, work / "trees" / f"v{versions}-s{seed}")
    # The generator moved to sources/samplegen (module `samplegen`), but this string is the
    # cache key of the trees already generated under bench/work: changing it would regenerate
    # the 2.5M/5M/10M-version trees (tens of minutes each) for identical output. Keep it.
    params = {"versions": versions, "seed": seed, "generator": "orchestration.samplegen --bench"}
    marker = tree.root / "params.json"
    if marker.exists() and json.loads(marker.read_text()) == params:
        return tree, None
    if tree.root.exists():
        shutil.rmtree(tree.root)
    tree.root.mkdir(parents=True)
    command = [
        sys.executable,
        "-m",
        "samplegen",
        "--out",
        str(tree.root / "history"),
        "--bench",
        "--dossier-versions",
        str(versions),
        "--seed",
        str(seed),
        "--increment-dir",
        str(tree.root / "increment"),
    ]
    started = time.perf_counter()
    run_measured(command).check(f"generating {versions} versions")
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps(params))
    return tree, seconds


def link_tree(source: Path, target: Path) -> int:
    """Hard-link every file below ``source`` into ``target`` (copy across devices), so a
    run's landing root is built without copying gigabytes. Returns the number of files."""
    count = 0
    for directory, _, names in os.walk(source):
        relative = Path(directory).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            src, dst = Path(directory) / name, target / relative / name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            count += 1
    return count
