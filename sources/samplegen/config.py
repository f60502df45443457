"""Settings of a sample generation and the seeded random generators it draws from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

DEFAULT_SEED = 20240101
DEFAULT_START = date(2023, 11, 1)
DEFAULT_END = date(2024, 12, 31)
PLANTS_PER_REASON = 3  # planted quarantine rows per contract reason
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class SampleConfig:
    seed: int = DEFAULT_SEED
    start: date = DEFAULT_START
    end: date = DEFAULT_END
    # Base intake of a working day (see dossiers.intake_weights): ≈7 000 dossiers over the
    # default 14 months, the most a git-friendly sample (≈6 MB) can hold.
    dossiers_per_day: float = 19.5
    people: int = 4000  # applicants drawn from (one citizen files several dossiers)

    @property
    def horizon(self) -> date:
        """Last day any export covers: the Sunday of the week after ``end`` (updates run
        a little past the last intake day)."""
        return self.end + timedelta(days=6 - self.end.weekday() + 7)


def rng_for(seed: int, purpose: int, *more: int) -> np.random.Generator:
    """An independent stream per purpose (and file): changing how one part draws never
    reshuffles another part's values."""
    return np.random.default_rng([seed, purpose, *more])
