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

The rules are data (``QUEUE_RULES``), judged by the quarantine engine every source shares
(orchestration.extract.rules); the work is set-based: an export may hold a province's
tickets for months.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.extract.csv_columns import ColumnSpec, read_columns
from orchestration.extract.parsing import DAY_FIRST, parse_datetimes
from orchestration.extract.rules import Rule, cite_all, judge, split_rows
from orchestration.extract.types import Extracted

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


def _cite(*columns: str) -> str:
    return cite_all(columns, HEADERS)


# Over the cells as read (the details cite them, under the file's headers), and what the
# extractor prepared: `agency_known`, and per time column `<column>_value` (the parsed
# timestamp) and `<column>_bad`. In the contract's order: the first that applies wins.
QUEUE_RULES = (
    Rule("unknown_agency", "not agency_known", _cite("agency_code")),
    Rule("missing_ticket_number", "ticket_number = ''", _cite("ticket_number")),
    Rule("missing_taken_time", "taken_at = ''", _cite("taken_at")),
    # The first bad time column (in the contract's order) is the one cited.
    *(Rule("bad_date", f"{column}_bad", _cite(column)) for column in TIME_COLUMNS),
    Rule("called_before_taken", "called_at_value < taken_at_value", _cite("called_at", "taken_at")),
    Rule(
        "finished_before_called",
        "finished_at_value < called_at_value",
        _cite("finished_at", "called_at"),
    ),
    # The key's day is the day taken; compared as a date, like every period in the marts.
    Rule(
        "duplicate_ticket",
        detail=_cite("agency_code", "ticket_number", "taken_at"),
        duplicate_of=("agency_code", "ticket_number", "cast(taken_at_value as date)"),
    ),
)


def extract_queue(path: Path, file_label: str, agency_codes: frozenset[str]) -> Extracted:
    frame = read_columns(path, file_label, QUEUE_COLUMNS)
    judged = frame.assign(agency_known=frame["agency_code"].isin(agency_codes))
    for column in TIME_COLUMNS:
        # dd/MM/yyyy HH:mm:ss, dd/MM/yyyy HH:mm or dd/MM/yyyy; never month first.
        parsed = parse_datetimes(frame[column], [DAY_FIRST])
        judged[f"{column}_value"] = parsed.values
        judged[f"{column}_bad"] = parsed.bad
        frame[column] = parsed.values
    reason, detail = judge(judged, QUEUE_RULES)
    return split_rows(frame, reason, detail, "queue_tickets", LAYOUT)
