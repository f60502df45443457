"""Period keys (``2024``, ``2024-H1``, ``2024-Q2``, ``2024-03``), quarters, and the dbt window a
backfill of quarters rebuilds (pure helpers). The one parser of period keys: reports,
quality checks, the CLI and the Dagster wiring all read keys through this module.

Periods are named as an operator names them, ``2024-Q2``, everywhere (CLI, the backfill's
run config in the UI, reports). No Dagster asset is partitioned: every run materialises
whole tables (the nightly job rebuilds what the data says changed, dbt computing the
window); a backfill names quarters forced into the rebuild, see docs/decisions.md.

A quarter's rebuild covers every period of BOTH calendars that overlaps the quarter:
calendar quarter Q (1 Jan–31 Mar) and official quarter Q (15 Dec–14 Mar, Nghị định
09/2019), and therefore the months, halves and years that contain them. The window handed
to dbt is the union of the two: from the official quarter's first day to the calendar
quarter's last day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FIRST_QUARTER = "2020-Q1"

# A period key as the marts write it; the grain is read from its shape.
PERIOD_KEY_PATTERN = r"^(?P<year>\d{4})(?:-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<m>0[1-9]|1[0-2])))?$"
_KEY = re.compile(PERIOD_KEY_PATTERN)
# The same shape without named groups, for matchers that only test (GX warns on groups).
PERIOD_KEY_SHAPE = re.sub(r"\(\?P<\w+>", "(?:", PERIOD_KEY_PATTERN)
# Periods of each grain in a year, and how a key of that grain ends.
PER_YEAR = {"month": 12, "quarter": 4, "half_year": 2, "year": 1}
_SUFFIX = {"month": "-{:02d}", "quarter": "-Q{}", "half_year": "-H{}", "year": ""}


@dataclass(frozen=True)
class PeriodKey:
    key: str
    grain: str  # month | quarter | half_year | year
    year: int
    number: int  # month, quarter or half number; 1 for a year


@dataclass(frozen=True)
class Period:
    """A period as the marts hold it: its dates are read from the marts (period_start,
    period_end), never recomputed, since the official cut-off day is a setting."""

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


def period_key(grain: str, year: int, number: int) -> str:
    """(quarter, 2024, 2) → '2024-Q2'; the inverse of parse_period_key."""
    return f"{year}{_SUFFIX[grain].format(number)}"


def period_keys_between(grain: str, first: str, last: str) -> list[str]:
    """Every period key of a grain from ``first`` to ``last`` (both included)."""
    per_year = PER_YEAR[grain]
    a, b = parse_period_key(first), parse_period_key(last)
    keys = []
    for i in range(a.year * per_year + a.number - 1, b.year * per_year + b.number):
        year, number = divmod(i, per_year)
        keys.append(period_key(grain, year, number + 1))
    return keys


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


def quarter_start(quarter: str) -> date:
    """'2024-Q2' → 2024-04-01 (the quarter's first day)."""
    try:
        key = parse_period_key(quarter.upper())
    except ValueError:
        key = None
    if key is None or key.grain != "quarter":
        raise ValueError(f"Quý không hợp lệ / invalid quarter {quarter!r}: expected e.g. 2024-Q2")
    return date(key.year, 3 * key.number - 2, 1)


def next_quarter_start(quarter: str) -> date:
    """'2024-Q2' → 2024-07-01 (the day after the quarter's last day)."""
    start = quarter_start(quarter)
    month = start.month + 3
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_of(day: date) -> str:
    return period_key("quarter", day.year, (day.month - 1) // 3 + 1)


def normalise_quarter(quarter: str) -> str:
    """'2024-q2 ' → '2024-Q2' (and ValueError for anything that is not a quarter)."""
    return quarter_of(quarter_start(quarter))


def previous_quarter(quarter: str) -> str:
    return quarter_of(quarter_start(quarter) - timedelta(days=1))


def _official_start(calendar_quarter_start: date, cutoff_day: int) -> date:
    """The official quarter starts on the cut-off day of the month before."""
    last_month = calendar_quarter_start - timedelta(days=1)
    return last_month.replace(day=cutoff_day)


def rebuild_window(start: datetime | date, end: datetime | date, cutoff_day: int = 15) -> dict:
    """dbt vars for a time window [start, end) of whole quarters.

    ``end`` is exclusive (the day after the last quarter); the result's dates are
    inclusive, like every period of the contract.
    """
    first = start.date() if isinstance(start, datetime) else start
    end_exclusive = end.date() if isinstance(end, datetime) else end
    return {
        "rebuild_from": _official_start(first, cutoff_day).isoformat(),
        "rebuild_to": (end_exclusive - timedelta(days=1)).isoformat(),
    }


def quarters_between(first: str, last: str) -> list[str]:
    """Inclusive list of quarter labels, e.g. 2023-Q4 … 2024-Q2."""
    current, stop = quarter_start(first), quarter_start(last)
    if stop < current:
        raise ValueError(f"--to {last} is before --from {first}")
    quarters = []
    while current <= stop:
        quarters.append(quarter_of(current))
        current = next_quarter_start(quarter_of(current))
    return quarters
