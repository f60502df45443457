"""Period keys as the contract writes them (``2024``, ``2024-H1``, ``2024-Q2``, ``2024-03``).

Only key arithmetic lives here. The dates of a period are read from the marts
(``period_start``, ``period_end``), never recomputed: the official cut-off day is a
setting of the pipeline, and the report must show the window the figures were built on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<m>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class PeriodKey:
    key: str
    grain: str  # month | quarter | half_year | year
    year: int
    number: int  # month, quarter or half number; 1 for a year


@dataclass(frozen=True)
class Period:
    calendar: str
    grain: str
    key: str
    year: int
    number: int
    start: dt.date
    end: dt.date


def parse_period_key(key: str) -> PeriodKey:
    """Infer the grain from the key's shape; reject anything else with a readable message."""
    match = _KEY.match(key.strip())
    if not match:
        raise ValueError(
            f"Kỳ báo cáo không hợp lệ: {key!r} (ví dụ 2024-Q2, 2024-H1, 2024, 2024-03) / "
            f"invalid period key {key!r}"
        )
    year = int(match["year"])
    if match["q"]:
        return PeriodKey(key, "quarter", year, int(match["q"]))
    if match["h"]:
        return PeriodKey(key, "half_year", year, int(match["h"]))
    if match["m"]:
        return PeriodKey(key, "month", year, int(match["m"]))
    return PeriodKey(key, "year", year, 1)


def last_quarter_of(key: PeriodKey) -> tuple[int, int]:
    """The (year, quarter) that ends the period: the trend charts end there."""
    if key.grain == "quarter":
        return key.year, key.number
    if key.grain == "half_year":
        return key.year, 2 * key.number
    if key.grain == "month":
        return key.year, (key.number - 1) // 3 + 1
    return key.year, 4


def quarters_ending(year: int, quarter: int, count: int = 8) -> list[str]:
    """The ``count`` quarter keys ending with (year, quarter), oldest first."""
    index = year * 4 + quarter - 1
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]
