"""Queue (xếp hàng) ticket exports of the service desks, one CSV per month.

Waits are log-normal (most people are called within minutes, a few wait long) with a
median that improves slowly over the period; ~4 % of tickets are abandoned (never called:
empty called and finished times). Ticket numbers restart every day at every desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from samplegen.dates import DAY, HOUR, MINUTE, day_number, is_working_day, months
from samplegen.dossiers import NULL
from samplegen.formats import DateRenderer
from samplegen.writers import delimited_text

HEADERS = ["Mã cơ quan", "Số phiếu", "Thời điểm lấy số", "Thời điểm gọi số", "Thời điểm kết thúc"]


@dataclass(frozen=True)
class QueueFile:
    path: str
    data: bytes
    rows: int
    summary: dict[str, object]


def generate_queue(
    rng: np.random.Generator,
    desks: list[tuple[str, float]],
    first: date,
    last: date,
    dates: DateRenderer,
) -> list[QueueFile]:
    """``desks``: (agency_code, mean tickets per working day)."""
    first_day, last_day = day_number(first), day_number(last)
    out = []
    for m_first, m_last in months(first, last):
        lo, hi = max(day_number(m_first), first_day), min(day_number(m_last), last_day)
        days = np.arange(lo, hi + 1)
        days = days[is_working_day(days)]
        frames = []
        for code, per_day in desks:
            counts = rng.poisson(per_day, len(days))
            day = np.repeat(days, counts)
            n = len(day)
            # Taken within office hours, whole minutes (the kiosk prints minutes).
            minute = rng.integers(0, 240 + 210, n)
            taken = day * DAY + np.where(
                minute < 240, 7.5 * HOUR + minute * MINUTE, 13.5 * HOUR + (minute - 240) * MINUTE
            ).astype(np.int64)
            t = (day - first_day) / max(1, last_day - first_day)
            median_wait = 11.5 - 3.5 * t  # minutes
            wait = np.exp(np.log(median_wait) + 0.8 * rng.standard_normal(n))
            service = np.exp(np.log(12.0) + 0.4 * rng.standard_normal(n))
            called = taken + np.round(wait * 60).astype(np.int64)
            finished = called + np.round(service * 60).astype(np.int64)
            abandoned = rng.random(n) < 0.04
            frame = pd.DataFrame(
                {
                    "agency_code": code,
                    "day": day,
                    "taken": taken,
                    "called": np.where(abandoned, NULL, called),
                    "finished": np.where(abandoned, NULL, finished),
                }
            )
            frame = frame.sort_values(["day", "taken"], kind="stable")
            frame["ticket"] = frame.groupby("day").cumcount() + 1
            frames.append(frame)
        month = pd.concat(frames).sort_values(["day", "agency_code", "ticket"], kind="stable")
        columns = [
            month["agency_code"].to_numpy(dtype=object),
            month["ticket"].to_numpy(),
            dates.render(month["taken"].to_numpy(), "hms"),
            dates.render(month["called"].to_numpy(), "hms"),
            dates.render(month["finished"].to_numpy(), "hms"),
        ]
        text = delimited_text(HEADERS, columns, ",", "\n")
        called_mask = month["called"].to_numpy() != NULL
        waits = (month["called"].to_numpy() - month["taken"].to_numpy())[called_mask] / 60.0
        summary = {
            "month": f"{m_first:%Y-%m}",
            "tickets": len(month),
            "abandoned": int((~called_mask).sum()),
            "avg_wait_minutes": round(float(waits.mean()), 4) if len(waits) else None,
            "wait_under_10_rate": round(float((waits < 10).mean()), 4) if len(waits) else None,
        }
        out.append(
            QueueFile(
                path=f"queue/{m_first.year}/ve_xep_hang_{m_first:%Y-%m}.csv",
                data=text.encode("utf-8"),
                rows=len(month),
                summary=summary,
            )
        )
    return out
