"""Deterministic synthetic-province generator: the bundled sample and benchmark trees.

``generate(out, seed=...)`` writes ``out/landing/`` (the landing tree of the source
contract) and ``out/expected/`` (manifest.json and the truth files) and returns the
manifest. ``truth.accounting`` is the reference implementation of the dossier accounting
of marts.md that the warehouse is tested against.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from samplegen.bench import BenchConfig, generate_bench
from samplegen.dates import day_number
from samplegen.dossiers import VERSIONS_PER_DOSSIER, per_day_for
from samplegen.sample import (
    DEFAULT_END,
    DEFAULT_SEED,
    DEFAULT_START,
    SampleConfig,
    generate_sample,
)
from samplegen.truth import accounting

__all__ = ["DEFAULT_SEED", "accounting", "generate"]


def generate(
    out: Path,
    seed: int = DEFAULT_SEED,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    dossier_versions: int | None = None,
    bench: bool = False,
    increment_dir: Path | None = None,
) -> dict[str, object]:
    """Write a landing tree below ``out`` and return its manifest.

    Sample mode (default) writes every layout and quirk of the contract plus the expected
    answer; ``dossier_versions`` then sets the volume (versions generated; about half are
    written, as most exports show a dossier's latest state per window). Bench mode writes
    only CSV and JSON Lines daily deltas of ``dossier_versions`` versions (default
    5 000 000) and the reference files; ``increment_dir`` receives the last day's deltas
    instead of ``out``.
    """
    out = Path(out)
    if bench:
        config = BenchConfig(seed=seed, start=start, end=end)
        if dossier_versions is not None:
            config = BenchConfig(seed=seed, start=start, end=end, versions=dossier_versions)
        return generate_bench(out, config, increment_dir)
    if increment_dir is not None:
        raise ValueError("--increment-dir is a bench-mode option")
    config = SampleConfig(seed=seed, start=start, end=end)
    if dossier_versions is not None:
        first, last = day_number(start), day_number(end)
        per_day = per_day_for(dossier_versions / VERSIONS_PER_DOSSIER, first, last)
        config = SampleConfig(seed=seed, start=start, end=end, dossiers_per_day=per_day)
    return generate_sample(out, config)
