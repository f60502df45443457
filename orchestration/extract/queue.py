"""Extract queue (xếp hàng) ticket exports: ``queue/**/*.csv``.

Headers (matched normalised): ``Mã cơ quan, Số phiếu, Thời điểm lấy số, Thời điểm gọi số``
are required; ``Thời điểm kết thúc`` may be absent (finished_at is then NULL). Unknown
columns are dropped while parsing. Timestamps are ``dd/MM/yyyy HH:mm:ss``; ``dd/MM/yyyy
HH:mm`` and ``dd/MM/yyyy`` (midnight) are accepted too, never month first (parsed with
``parsing.parse_datetimes``, as the one-stop exports are). A file with a
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

from orchestration.extract.parsing import DAY_FIRST, parse_datetimes
from orchestration.extract.reference import (
    ColumnSpec,
    Reasons,
    later_duplicates,
    read_columns,
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


def extract_queue(path: Path, file_label: str, agency_codes: frozenset[str]) -> Extracted:
    frame = read_columns(path, file_label, QUEUE_COLUMNS)
    reasons = Reasons(frame.copy(), HEADERS)
    text = reasons.values
    bad_date: dict[str, pd.Series] = {}
    for column in TIME_COLUMNS:
        # dd/MM/yyyy HH:mm:ss, dd/MM/yyyy HH:mm or dd/MM/yyyy; never month first.
        parsed = parse_datetimes(text[column], [DAY_FIRST])
        frame[column] = parsed.values
        bad_date[column] = parsed.bad

    reasons.add("unknown_agency", ~frame["agency_code"].isin(agency_codes), ["agency_code"])
    reasons.add("missing_ticket_number", frame["ticket_number"] == "", ["ticket_number"])
    reasons.add("missing_taken_time", text["taken_at"] == "", ["taken_at"])
    for column in TIME_COLUMNS:
        reasons.add("bad_date", bad_date[column], [column])
    called_early = frame["called_at"] < frame["taken_at"]
    reasons.add("called_before_taken", called_early, ["called_at", "taken_at"])
    finished_early = frame["finished_at"] < frame["called_at"]
    reasons.add("finished_before_called", finished_early, ["finished_at", "called_at"])
    # The key's day is the day taken; compared as a date, like every period in the marts.
    frame["taken_day"] = frame["taken_at"].dt.normalize()
    keys = ["agency_code", "ticket_number", "taken_day"]
    duplicate, note = later_duplicates(frame, keys, reasons.passed)
    reasons.add("duplicate_ticket", duplicate, ["agency_code", "ticket_number", "taken_at"], note)

    return split_rows(frame, reasons, "queue_tickets", QueueTicketSchema, file_label, LAYOUT)
