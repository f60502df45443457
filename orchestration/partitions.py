"""Quarters: their labels and the dbt window a backfill of quarters rebuilds (pure helpers).

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

import re
from datetime import date, datetime, timedelta

FIRST_QUARTER = "2020-Q1"

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_start(quarter: str) -> date:
    """'2024-Q2' → 2024-04-01 (the quarter's first day)."""
    match = _QUARTER.match(quarter.strip().upper())
    if not match:
        raise ValueError(f"Quý không hợp lệ / invalid quarter {quarter!r}: expected e.g. 2024-Q2")
    year, number = int(match.group(1)), int(match.group(2))
    return date(year, 3 * number - 2, 1)


def next_quarter_start(quarter: str) -> date:
    """'2024-Q2' → 2024-07-01 (the day after the quarter's last day)."""
    start = quarter_start(quarter)
    month = start.month + 3
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


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
