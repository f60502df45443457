"""Vectorised text renderings of timestamps and coded values, as the source systems write them.

Timestamps are rendered through lookup tables (one string per day, one per second of the
day) so that millions of values cost two array lookups and one concatenation, not one
``strftime`` each. ``-1`` (empty) renders as ``""``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from samplegen.dates import DAY, MINUTE
from samplegen.dossiers import NULL

# Timestamp styles. "hms"/"hm"/"d" are the layout A text formats, "compact"/"iso" layout B.
DATE_STYLES = ("hms", "hm", "d", "compact", "iso")

STATUS_LABELS = np.array(
    [
        "",
        "Mới đăng ký",
        "Được tiếp nhận",
        "Không được tiếp nhận",
        "Đang xử lý",
        "Yêu cầu bổ sung giấy tờ",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Công dân yêu cầu rút hồ sơ",
        "Dừng xử lý",
        "Đã xử lý xong",
        "Đã trả kết quả",
    ],
    dtype=object,
)
RATING_LABELS = np.array(["", "Rất hài lòng", "Hài lòng", "Không hài lòng"], dtype=object)
RATING_CANON = np.array([None, "very_satisfied", "satisfied", "dissatisfied"], dtype=object)
CHANNEL_CANON = np.array(["in_person", "online", "postal"], dtype=object)
LEVEL_CANON = np.array(["full", "partial", "info"], dtype=object)
LEVEL_NAMES = np.array(["Toàn trình", "Một phần", "Cung cấp thông tin"], dtype=object)
LEVEL_NUMBERS = np.array([4, 3, 2])


@lru_cache(maxsize=8)
def _day_table(first_day: int, n_days: int, style: str) -> np.ndarray:
    days = np.arange(first_day, first_day + n_days).astype("datetime64[D]").astype(str)
    # days are 'yyyy-mm-dd'
    if style in ("hms", "hm", "d"):
        out = [f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in days]
    elif style == "compact":
        out = [d.replace("-", "") for d in days]
    else:
        out = list(days)
    return np.array(out, dtype=object)


@lru_cache(maxsize=8)
def _time_table(style: str) -> np.ndarray:
    """One string per second of the day, built by outer concatenation (fast)."""
    two = np.array([f"{i:02d}" for i in range(60)], dtype=object)
    hours, minutes, seconds = two[:24], two, two
    if style == "hms":
        parts = (" " + hours, ":" + minutes, ":" + seconds)
    elif style == "hm":
        parts = (" " + hours, ":" + minutes, np.full(60, "", dtype=object))
    elif style == "compact":
        parts = (hours, minutes, seconds)
    elif style == "iso":
        parts = ("T" + hours, ":" + minutes, ":" + seconds)
    else:
        return np.full(DAY, "", dtype=object)
    hm = np.add.outer(parts[0], parts[1]).ravel()
    return np.add.outer(hm, parts[2]).ravel()


class DateRenderer:
    """Renders int64 local-time seconds in one of DATE_STYLES for days in a fixed range."""

    def __init__(self, first_day: int, last_day: int) -> None:
        self.first_day = first_day
        self.n_days = last_day - first_day + 1

    def render(self, seconds: np.ndarray, style: str) -> np.ndarray:
        seconds = np.asarray(seconds, dtype=np.int64)
        empty = seconds == NULL
        safe = np.where(empty, self.first_day * DAY, seconds)
        day = safe // DAY - self.first_day
        if (day < 0).any() or (day >= self.n_days).any():
            raise ValueError("timestamp outside the renderer's day range")
        text = _day_table(self.first_day, self.n_days, style)[day]
        if style != "d":
            text = text + _time_table(style)[safe % DAY]
        if empty.any():
            text = np.where(empty, "", text)
        return text


def as_read(seconds: np.ndarray, style: str) -> np.ndarray:
    """The timestamp a reader recovers from ``style``: ``hm`` loses the seconds, ``d`` the
    time of day. Used to compute the truth from exactly what was written."""
    seconds = np.asarray(seconds, dtype=np.int64)
    if style == "hm":
        out = seconds - seconds % MINUTE
    elif style == "d":
        out = seconds - seconds % DAY
    else:
        return seconds
    return np.where(seconds == NULL, NULL, out)


def pick(rng: np.random.Generator, choices: list[str] | tuple[str, ...], n: int) -> np.ndarray:
    """One of ``choices`` per row (a system that writes several spellings)."""
    arr = np.array(choices, dtype=object)
    if len(arr) == 1:
        return np.full(n, arr[0], dtype=object)
    return arr[rng.integers(0, len(arr), n)]


def flags(
    rng: np.random.Generator,
    values: np.ndarray,
    true_tokens: tuple[str, ...],
    false_tokens: tuple[str, ...],
) -> np.ndarray:
    values = np.asarray(values, dtype=bool)
    n = len(values)
    return np.where(values, pick(rng, true_tokens, n), pick(rng, false_tokens, n))
