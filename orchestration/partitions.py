"""Quarterly reporting partitions and the dbt window they rebuild (pure, tested helpers).

One partition per calendar quarter. A quarter's run rebuilds every period of BOTH calendars
that overlaps the quarter: calendar quarter Q (1 Jan–31 Mar) and official quarter Q
(15 Dec–14 Mar, Nghị định 09/2019), and therefore the months, halves and years that contain
them. The window handed to dbt is the union of the two: from the official quarter's first
day to the calendar quarter's last day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from dagster import TimeWindowPartitionsDefinition

FIRST_QUARTER = "2020-01-01"

quarterly_partitions = TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1,4,7,10 *",
    start=FIRST_QUARTER,
    fmt="%Y-%m-%d",
    timezone="Asia/Ho_Chi_Minh",
    end_offset=1,  # the quarter in progress is a valid key: nightly runs rebuild it
)

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_to_partition_key(quarter: str) -> str:
    """'2024-Q2' → '2024-04-01' (the partition key of that quarter)."""
    match = _QUARTER.match(quarter.strip().upper())
    if not match:
        raise ValueError(f"Quý không hợp lệ / invalid quarter {quarter!r}: expected e.g. 2024-Q2")
    year, number = int(match.group(1)), int(match.group(2))
    return date(year, 3 * number - 2, 1).isoformat()


def partition_key_to_quarter(key: str) -> str:
    start = date.fromisoformat(key[:10])
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_quarter(quarter: str) -> str:
    start = date.fromisoformat(quarter_to_partition_key(quarter))
    return quarter_of(start - timedelta(days=1))


def _official_start(calendar_quarter_start: date, cutoff_day: int) -> date:
    """The official quarter starts on the cut-off day of the month before."""
    last_month = calendar_quarter_start - timedelta(days=1)
    return last_month.replace(day=cutoff_day)


def rebuild_window(start: datetime | date, end: datetime | date, cutoff_day: int = 15) -> dict:
    """dbt vars for a partition time window [start, end) of whole quarters.

    ``end`` is exclusive (Dagster's time windows are half-open); the result's dates are
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
    current = date.fromisoformat(quarter_to_partition_key(first))
    stop = date.fromisoformat(quarter_to_partition_key(last))
    if stop < current:
        raise ValueError(f"--to {last} is before --from {first}")
    quarters = []
    while current <= stop:
        quarters.append(quarter_of(current))
        month = current.month + 3
        current = date(current.year + (month > 12), (month - 1) % 12 + 1, 1)
    return quarters
