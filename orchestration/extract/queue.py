"""Extract queue (xếp hàng) ticket exports: ``queue/**/*.csv``.

Headers (matched normalised): ``Mã cơ quan, Số phiếu, Thời điểm lấy số, Thời điểm gọi số``
are required; ``Thời điểm kết thúc`` may be absent (finished_at is then NULL). Unknown
columns are dropped while parsing. Timestamps are ``dd/MM/yyyy HH:mm:ss``; ``dd/MM/yyyy
HH:mm`` and ``dd/MM/yyyy`` (midnight) are accepted too, never month first. A file with a
header and no ticket is loaded with zero rows (a desk may issue no ticket in a window).

A ticket with an empty called time was abandoned: it is a valid row with called_at NULL
(it counts as a ticket, not in wait figures).

Row quarantine reasons, the first that applies, in this order:
  - ``unknown_agency``: Mã cơ quan empty or not in the agency catalogue.
  - ``missing_ticket_number``: Số phiếu empty.
  - ``missing_taken_time``: Thời điểm lấy số empty.
  - ``bad_date``: a non-empty time that is not a valid date in an accepted format
    (detail: the first such column, in file order of the contract).
  - ``called_before_taken``: called time earlier than taken time.
  - ``finished_before_called``: finished time earlier than called time.
  - ``duplicate_ticket``: the same agency, ticket number and day taken as an earlier usable
    row of the file (detail names the row it repeats).

The work is vectorised: an export may hold a province's tickets for months.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from orchestration.extract.reference import (
    ColumnSpec,
    Reasons,
    later_duplicates,
    read_columns,
    show,
    split_rows,
)
from orchestration.extract.types import Extracted
from orchestration.validate.queue_schema import QueueTicketSchema

LAYOUT = "queue"

QUEUE_COLUMNS = (
    ColumnSpec("agency_code", "Mã cơ quan"),
    ColumnSpec("ticket_number", "Số phiếu"),
    ColumnSpec("taken_at", "Thời điểm lấy số"),
    ColumnSpec("called_at", "Thời điểm gọi số"),
    ColumnSpec("finished_at", "Thời điểm kết thúc", required=False),
)
HEADERS = {spec.name: spec.header for spec in QUEUE_COLUMNS}
TIME_COLUMNS = ("taken_at", "called_at", "finished_at")

# Most specific first: a value is tried against the next format only if the previous failed.
TIMESTAMP_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def parse_timestamps(text: pd.Series) -> pd.Series:
    """Day-first text to datetime64[ns]; empty and unparseable values become NaT
    (tell them apart by ``text == ''``)."""
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text != ""
    for fmt in TIMESTAMP_FORMATS:
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        todo &= parsed.isna()
    return parsed


def extract_queue(path: Path, file_label: str, agency_codes: frozenset[str]) -> Extracted:
    frame = read_columns(path, file_label, QUEUE_COLUMNS)
    text = frame[list(TIME_COLUMNS)].copy()
    for column in TIME_COLUMNS:
        frame[column] = parse_timestamps(text[column])

    reasons = Reasons(frame.index)
    reasons.add(
        "unknown_agency",
        ~frame["agency_code"].isin(agency_codes),
        _show(frame, "agency_code"),
    )
    reasons.add(
        "missing_ticket_number", frame["ticket_number"] == "", _show(frame, "ticket_number")
    )
    reasons.add("missing_taken_time", text["taken_at"] == "", _show(text, "taken_at"))
    for column in TIME_COLUMNS:
        bad = (text[column] != "") & frame[column].isna()
        reasons.add("bad_date", bad, _show(text, column))
    reasons.add(
        "called_before_taken",
        frame["called_at"] < frame["taken_at"],
        _show(text, "called_at") + ", " + _show(text, "taken_at"),
    )
    reasons.add(
        "finished_before_called",
        frame["finished_at"] < frame["called_at"],
        _show(text, "finished_at") + ", " + _show(text, "called_at"),
    )
    frame["taken_day"] = frame["taken_at"].dt.normalize()
    duplicate, detail = later_duplicates(
        frame, ["agency_code", "ticket_number", "taken_day"], reasons.passed, HEADERS
    )
    reasons.add("duplicate_ticket", duplicate, detail)

    return split_rows(frame, reasons, "queue_tickets", QueueTicketSchema, file_label, LAYOUT)


def _show(frame: pd.DataFrame, column: str) -> pd.Series:
    return show(column, frame, HEADERS[column])
