"""Rows planted to be quarantined, one contract reason each.

Each planted row is a copy of a real version of its file with a *fresh* dossier code
(``…-9nnn``, a sequence no agency reaches in a day), so that it appears in no other row
and the truth is the same whether or not a reader quarantines it. Exactly one reason
applies to each row, even under the contract's first-applicable order: the other cells
stay valid (e.g. the bad date is in Ngày hẹn trả of an open dossier, whose received date
is fine).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samplegen.dates import DAY
from samplegen.dossiers import NULL
from samplegen.layouts import Style, StyleA

REASONS = (
    "missing_dossier_code",
    "unknown_agency",
    "missing_received_date",
    "bad_date",
    "due_before_received",
    "completed_before_received",
    "unknown_status",
    "unknown_channel",
    "unknown_service_level",
    "missing_completion_date",
)
UNKNOWN_AGENCY = "000.00.99.T01"

# An impossible calendar date in each rendering (31 February).
BAD_DATES = {
    "hms": "31/02/2024 17:00:00",
    "hm": "31/02/2024 17:00",
    "d": "31/02/2024",
    "compact": "20240231170000",
    "iso": "2024-02-31T17:00:00",
    "xlsx": "31/02/2024 17:00:00",
}
UNKNOWN_VALUES_A = {
    "status": "Chờ phê duyệt",
    "channel": "Zalo",
    "level": "Mức độ 5",
}
UNKNOWN_VALUES_B = {"status": "11", "channel": "5", "level": "5"}


def is_template(frame: pd.DataFrame) -> pd.Series:
    """Versions a planted row can be copied from: open, received, with a due date."""
    return (
        frame["status"].isin([2, 4])
        & (frame["due_at"] != NULL)
        & (frame["completed_at"] == NULL)
        & (frame["rating"] == 0)
    )


def make_planted(template: pd.Series, reason: str, serial: int) -> pd.Series:
    """The export-frame row of a planted version (numeric changes only; string-level
    breakage is applied after rendering by ``break_cells``)."""
    row = template.copy()
    day = int(row["received_at"]) // DAY
    ymd = pd.Timestamp(day, unit="D").strftime("%y%m%d")
    agency = UNKNOWN_AGENCY if reason == "unknown_agency" else row["agency_code"]
    row["dossier_code"] = f"{agency}-{ymd}-{9000 + serial:04d}"
    if reason == "missing_dossier_code":
        row["dossier_code"] = ""
    elif reason == "unknown_agency":
        row["agency_code"] = UNKNOWN_AGENCY
        row["agency_name"] = "Trung tâm dịch vụ (chưa có trong danh mục)"
    elif reason == "missing_received_date":
        row["received_at"] = NULL
    elif reason == "due_before_received":
        row["due_at"] = int(row["received_at"]) - 3 * DAY
    elif reason == "completed_before_received":
        row["status"] = 9
        row["completed_at"] = int(row["received_at"]) - 2 * DAY
    elif reason == "missing_completion_date":
        row["status"] = 10
        row["completed_at"] = NULL
        row["returned_at"] = int(row["received_at"]) + 2 * DAY
    return row


def break_cells(columns: dict[str, np.ndarray], position: int, reason: str, style: Style) -> None:
    """Turn one rendered row's cell into the value that makes ``reason`` apply."""
    is_a = isinstance(style, StyleA)
    unknown = UNKNOWN_VALUES_A if is_a else UNKNOWN_VALUES_B
    if reason == "bad_date":
        key = "xlsx" if is_a and style.fmt == "xlsx" else style.date_style("due")
        columns["due"][position] = BAD_DATES[key]
    elif reason == "unknown_status":
        columns["status"][position] = unknown["status"]
    elif reason == "unknown_channel":
        columns["channel"][position] = unknown["channel"]
    elif reason == "unknown_service_level":
        columns["level"][position] = unknown["level"]
