"""Calendar helpers: working days, export windows, official reporting periods.

Timestamps inside the generator are ``int64`` seconds since 1970-01-01 in *naive local
time* (Asia/Ho_Chi_Minh, as the sources write them), so that vectorised arithmetic stays
in numpy and ``day = t // 86400`` is the local date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60

# Public holidays on which one-stop desks are closed (Bộ luật Lao động 2019 + the
# government's yearly bridging decisions). Only years the sample can touch are needed.
HOLIDAYS = np.array(
    [
        "2023-01-02",
        "2023-01-20",
        "2023-01-23",
        "2023-01-24",
        "2023-01-25",
        "2023-01-26",
        "2023-05-01",
        "2023-05-02",
        "2023-05-03",
        "2023-09-01",
        "2023-09-04",
        "2024-01-01",
        "2024-02-08",
        "2024-02-09",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
        "2024-04-18",
        "2024-04-29",
        "2024-04-30",
        "2024-05-01",
        "2024-09-02",
        "2024-09-03",
        "2025-01-01",
        "2025-01-27",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        "2025-04-30",
        "2025-05-01",
        "2025-09-01",
        "2025-09-02",
    ],
    dtype="datetime64[D]",
)


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(d, "D").astype(np.int64))


def to_date(day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day))


def to_datetime(seconds: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=int(seconds))


def is_working_day(days: np.ndarray) -> np.ndarray:
    return np.is_busday(days.astype("datetime64[D]"), holidays=HOLIDAYS)


def add_working_days(days: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The n-th working day after ``days`` (a weekend/holiday start rolls forward first)."""
    out = np.busday_offset(days.astype("datetime64[D]"), n, roll="forward", holidays=HOLIDAYS)
    return out.astype(np.int64)


def monday_on_or_before(d: date) -> date:
    return d - timedelta(days=d.weekday())


def windows(first: date, last: date, length_days: int) -> list[tuple[date, date]]:
    """Consecutive windows of ``length_days`` starting on the Monday on or before ``first``
    and covering ``last``; both ends included. Exports are cut on week boundaries."""
    out = []
    cursor = monday_on_or_before(first)
    while cursor <= last:
        out.append((cursor, cursor + timedelta(days=length_days - 1)))
        cursor += timedelta(days=length_days)
    return out


def official_quarters(first: date, last: date, cutoff: int = 15) -> list[tuple[str, date, date]]:
    """Official quarters (Nghị định 09/2019: Q1 = 15 Dec – 14 Mar) lying wholly in
    [first, last]: only those can be reported honestly from the generated data."""
    out = []
    for year in range(first.year, last.year + 2):
        for q in range(1, 5):
            end_month = 3 * q
            start_month = end_month - 3
            start = (
                date(year - 1, 12, cutoff) if start_month == 0 else date(year, start_month, cutoff)
            )
            end = date(year, end_month, cutoff) - timedelta(days=1)
            if start >= first and end <= last:
                out.append((f"{year}-Q{q}", start, end))
    return out


def official_years(first: date, last: date, cutoff: int = 15) -> list[tuple[str, date, date]]:
    out = []
    for year in range(first.year, last.year + 2):
        start = date(year - 1, 12, cutoff)
        end = date(year, 12, cutoff) - timedelta(days=1)
        if start >= first and end <= last:
            out.append((str(year), start, end))
    return out


def months(first: date, last: date) -> list[tuple[date, date]]:
    out = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        nxt = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
        out.append((cursor, nxt - timedelta(days=1)))
        cursor = nxt
    return out
