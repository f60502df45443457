"""Open dossiers around Tết 2024, a weekend and the make-up Saturday of 4 May 2024, for the
due-date warnings (marts.pending_alerts, `cchc alerts`, the due_date_alerts asset).

Vietnam 2024 as the `holidays` library has it: Tết off 8–14 Feb (Thu–Wed); 27 Apr–1 May off
(Sat 27, Mon 29 Apr substituted, Tue 30 Apr, Wed 1 May), made up on Saturday 4 May.

Every dossier is received on 15 Jan 2024 (T1 unless stated) and open (status 4) unless
stated; `CASES[as_of]` lists, per dossier, the working days left and the alert expected as
of that day, counted by hand from the calendar (as_of excluded, due day included):

as of Wed 07/02 (the last working day before Tết):
    TET_AFTER   due Thu 15/02: only 15/02 is a working day in (07/02, 15/02]  → 1 due_soon
    TODAY       due Wed 07/02                                                  → 0 due_soon
    LATE_ONE    due Tue 06/02: (06/02, 07/02] holds one working day            → −1 overdue
    NO_DUE      no due date                                                    → NULL no_due_date
    TET_FAR     due Mon 19/02: 15, 16, 19/02                                   → 3 in_time
    CLOSED_ON   resolved on 07/02: closed on or before as_of, not listed
    CLOSED_NEXT resolved 08/02 (H1), due 15/02: open at the end of 07/02       → 1 due_soon
    LATER       received 08/02: not yet received, not listed
as of Fri 03/05 (before the make-up Saturday):
    MAKEUP      due Mon 06/05: Sat 04/05 (make-up) and Mon 06/05               → 2 due_soon
    MAKEUP_SAT  due Sat 04/05: the make-up Saturday itself                     → 1 due_soon
    HOLIDAYS    due Fri 26/04: 27/04 Sat, 29/04–01/05 off; 02/05, 03/05 worked → −2 overdue
as of Mon 11/03 (after a weekend):
    WEEKEND     due Fri 08/03: Sat, Sun not counted; Mon 11/03                 → −1 overdue
    SATURDAY    due Sat 09/03: overdue (due before as_of), one working day ago → −1 overdue
    NEXT_FRIDAY due Fri 15/03: 12, 13, 14, 15/03                               → 4 in_time
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd

from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse

RECEIVED = "2024-01-15"
# dossier → (due, status, completed, received, agency)
DOSSIERS: dict[str, tuple[str | None, int, str | None, str, str]] = {
    "TET_AFTER": ("2024-02-15", 4, None, RECEIVED, fx.T1),
    "TODAY": ("2024-02-07", 4, None, RECEIVED, fx.T1),
    "LATE_ONE": ("2024-02-06", 4, None, RECEIVED, fx.T1),
    "NO_DUE": (None, 4, None, RECEIVED, fx.T1),
    "TET_FAR": ("2024-02-19", 4, None, RECEIVED, fx.T1),
    "CLOSED_ON": ("2024-02-15", 9, "2024-02-07", RECEIVED, fx.T1),
    "CLOSED_NEXT": ("2024-02-15", 9, "2024-02-08", RECEIVED, fx.H1),
    "LATER": ("2024-02-20", 4, None, "2024-02-08", fx.T1),
    "MAKEUP": ("2024-05-06", 4, None, RECEIVED, fx.T1),
    "MAKEUP_SAT": ("2024-05-04", 4, None, RECEIVED, fx.H1),
    "HOLIDAYS": ("2024-04-26", 4, None, RECEIVED, fx.H1),
    "WEEKEND": ("2024-03-08", 4, None, RECEIVED, fx.H1),
    "SATURDAY": ("2024-03-09", 4, None, RECEIVED, fx.T1),
    "NEXT_FRIDAY": ("2024-03-15", 4, None, RECEIVED, fx.T1),
}
CASES: dict[str, dict[str, tuple[int | None, str]]] = {
    "2024-02-07": {
        "TET_AFTER": (1, "due_soon"),
        "TODAY": (0, "due_soon"),
        "LATE_ONE": (-1, "overdue"),
        "NO_DUE": (None, "no_due_date"),
        "TET_FAR": (3, "in_time"),
        "CLOSED_NEXT": (1, "due_soon"),
    },
    "2024-05-03": {
        "MAKEUP": (2, "due_soon"),
        "MAKEUP_SAT": (1, "due_soon"),
        "HOLIDAYS": (-2, "overdue"),
    },
    "2024-03-11": {
        "WEEKEND": (-1, "overdue"),
        "SATURDAY": (-1, "overdue"),
        "NEXT_FRIDAY": (4, "in_time"),
    },
}
NOT_LISTED = {"2024-02-07": {"CLOSED_ON", "LATER"}}


def dossier_versions() -> pd.DataFrame:
    rows = []
    for row, (code, (due, status, completed, received, agency)) in enumerate(
        DOSSIERS.items(), start=2
    ):
        procedure = fx.P1 if agency == fx.T1 else fx.P2
        rows.append(
            {
                "file_path": "one_stop/2024-05.csv",
                "row_number": row,
                "layout": "A",
                "dossier_code": code,
                "procedure_code": procedure,
                "agency_code": agency,
                "channel": "online",
                "service_level": None,
                "received_at": fx.ts(received, "09:30:00"),
                "due_at": fx.ts(due, "17:00:00") if due else pd.NaT,
                "completed_at": fx.ts(completed, "15:00:00") if completed else pd.NaT,
                "returned_at": pd.NaT,
                "status": status,
                "is_digitized": False,
                "is_reused": False,
                "has_e_result": False,
                "owes_fee": False,
                "paid_online": False,
                "rating": None,
                "updated_at": fx.ts(completed or "2024-05-03", "16:00:00"),
            }
        )
    return pd.DataFrame(rows)


def raw_frames() -> dict[str, pd.DataFrame]:
    return {
        "agencies": fx.agencies(),
        "procedures": fx.procedures(),
        "dossier_versions": dossier_versions(),
    }


def build_alerts_warehouse(tmp_path: Path, as_of: str | None = None) -> Path:
    """dbt build of the alerts marts (and dim_agencies) as of `as_of` (default: the latest
    update, 03/05/2024); returns a copy of the file that this process does not hold open."""
    dbt_vars = {"alerts_as_of": as_of} if as_of else None
    warehouse = build_warehouse(
        tmp_path, raw_frames(), select="+pending_alerts dim_agencies", dbt_vars=dbt_vars
    )
    con = duckdb.connect(str(warehouse))  # dbt-duckdb's configuration: not read-only
    try:
        con.execute("checkpoint")  # everything in the file itself, none left in its WAL
    finally:
        con.close()
    copy = tmp_path / "analytics.duckdb"
    shutil.copyfile(warehouse, copy)
    return copy
