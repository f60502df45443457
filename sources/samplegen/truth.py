"""The expected answer, computed in plain pandas from exactly what was written.

Two steps mirror the contract (sources.md, marts.md) independently of the warehouse:

1. ``latest_valid_versions``: of every dossier, the version with the latest update time
   (ties: later file in path order, then later row) among the *valid* rows of *loaded*
   files; kept only if its status is 2 or 4–10.
2. ``accounting``: the dossier accounting of a period [start, end] (both days included),
   grouped by any columns — the same eleven measures agencies report on Biểu 06.

The dbt tests compare the warehouse against these functions, so they are written for
clarity, not speed.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from orchestration import contract
from samplegen.catalogue import Catalogue
from samplegen.dates import DAY
from samplegen.dossiers import NULL

COUNTED_STATUSES = (2, 4, 5, 6, 7, 8, 9, 10)
RESOLVED_STATUSES = (9, 10)
WITHDRAWN_STATUSES = (7, 8)

# The counts of marts.period_accounting and the eleven of a Biểu 06 row (the form's column
# order (3)…(13); its "Tổng số" is to_process, received in the window plus carried over):
# names are the contract's, read from dbt's manifest like every other reader's; only the
# computation below is written independently of the warehouse.
MEASURES = contract.accounting_counts()
REPORT_MEASURES = contract.reconciliation_measures()

TRUTH_COLUMNS = [
    "dossier_code",
    "agency_code",
    "procedure_code",
    "field_code",
    "channel",
    "service_level",
    "received_date",
    "due_date",
    "completed_date",
    "closed_date",
    "status",
    "is_digitized",
    "is_reused",
    "has_e_result",
    "owes_fee",
    "paid_online",
    "rating",
    "updated_date",
]


def _dates(seconds: pd.Series) -> pd.Series:
    values = seconds.to_numpy(dtype=np.int64)
    days = (values // DAY).astype("datetime64[D]")
    out = pd.Series(days, index=seconds.index).dt.date
    return out.where(values != NULL, None)


def latest_versions(rows: pd.DataFrame) -> pd.DataFrame:
    """The winning valid version of every dossier, whatever its status: latest update
    time, then later file in path order, then later row."""
    valid = rows[rows["reason"].isna()]
    # Byte order of the UTF-8 path is code-point order of the str.
    valid = valid.sort_values(["updated_at", "file_path", "row_number"], kind="stable")
    return valid.groupby("dossier_code", sort=False).tail(1)


def latest_valid_versions(rows: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """``rows``: canonical rows of the loaded one-stop files with ``file_path``,
    ``row_number`` and ``reason`` (None when valid). Returns one row per counted dossier
    in TRUTH_COLUMNS (+ ``field_name``, ``field_group``, ``level`` of the agency and
    ``level_from_catalogue``: the file had no Mức độ, so the catalogue's level applies)."""
    latest = latest_versions(rows)
    latest = latest[latest["status"].isin(COUNTED_STATUSES)].copy()

    level = catalogue.agency_level()
    latest["level"] = latest["agency_code"].map(level)
    procs = catalogue.field_lookup()
    own = latest.merge(
        procs[procs["agency_code"] != ""],
        on=["procedure_code", "level", "agency_code"],
        how="left",
        suffixes=("", "_cat"),
    )
    shared = latest.merge(
        procs[procs["agency_code"] == ""].drop(columns="agency_code"),
        on=["procedure_code", "level"],
        how="left",
        suffixes=("", "_cat"),
    )
    for column in ("field_code", "field_name", "field_group", "service_level_cat"):
        own[column] = own[column].where(own[column].notna(), shared[column].to_numpy())
    out = own
    out["level_from_catalogue"] = out["service_level"].isna()
    out["service_level"] = out["service_level"].where(
        out["service_level"].notna(), out["service_level_cat"]
    )
    resolved = out["status"].isin(RESOLVED_STATUSES)
    withdrawn = out["status"].isin(WITHDRAWN_STATUSES)
    closing = np.where(
        resolved,
        out["completed_at"],
        np.where(
            withdrawn,
            np.where(out["completed_at"] != NULL, out["completed_at"], out["updated_at"]),
            NULL,
        ),
    )
    out["closed_at"] = closing
    for key in ("received", "due", "completed", "closed", "updated"):
        out[f"{key}_date"] = _dates(out[f"{key}_at"])
    out = out.sort_values("dossier_code", kind="stable").reset_index(drop=True)
    return out[[*TRUTH_COLUMNS, "field_name", "field_group", "level", "level_from_catalogue"]]


def accounting(
    dossiers: pd.DataFrame, start: date, end: date, by: list[str] | None = None
) -> pd.DataFrame:
    """Dossier accounting of marts.md for [start, end], grouped by ``by``.

    ``dossiers``: one row per counted dossier with ``received_date, due_date,
    completed_date, status, channel`` and ``closed_date`` (or ``updated_date``, from which
    the closing date is derived: Ngày hoàn thành, or for withdrawn/stopped without it the
    update date). Dates are ``datetime.date`` or None. Rows with status 1 or 3 are ignored.
    Groups without any counted dossier do not appear (reindex to add zero rows).
    """
    by = list(by or [])
    d = dossiers[dossiers["status"].isin(COUNTED_STATUSES)].copy()
    status = d["status"]
    received = pd.to_datetime(d["received_date"])
    due = pd.to_datetime(d["due_date"])
    completed = pd.to_datetime(d["completed_date"])
    if "closed_date" in d:
        closed = pd.to_datetime(d["closed_date"])
    else:
        closed = completed.where(
            status.isin(RESOLVED_STATUSES) | completed.notna(),
            pd.to_datetime(d["updated_date"]),
        ).where(status.isin(RESOLVED_STATUSES + WITHDRAWN_STATUSES))
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)

    is_closed = status.isin(RESOLVED_STATUSES + WITHDRAWN_STATUSES) & closed.notna()
    rec = (received >= start_ts) & (received <= end_ts)
    carried = (received < start_ts) & ~(is_closed & (closed < start_ts))
    res = status.isin(RESOLVED_STATUSES) & (completed >= start_ts) & (completed <= end_ts)
    wd = status.isin(WITHDRAWN_STATUSES) & (closed >= start_ts) & (closed <= end_ts)
    to_process = rec | carried
    pending = to_process & ~res & ~wd
    overdue = pending & due.notna() & (due < end_ts)
    online = d["channel"] == "online"

    flags = pd.DataFrame(
        {
            "received": rec,
            "received_online": rec & online,
            "received_offline": rec & ~online,
            "carried_over": carried,
            "to_process": to_process,
            "resolved": res,
            "resolved_early": res & due.notna() & (completed < due),
            "resolved_on_time": res & (due.isna() | (completed == due)),
            "resolved_late": res & due.notna() & (completed > due),
            "withdrawn": wd,
            "pending": pending,
            "pending_in_time": pending & ~overdue,
            "pending_overdue": overdue,
        },
        index=d.index,
    ).astype(np.int64)
    if not by:
        return flags.sum().to_frame().T.astype(np.int64)
    for column in by:
        flags[column] = d[column].to_numpy()
    return flags.groupby(by, dropna=False, sort=True)[MEASURES].sum().reset_index()
