"""A small hand-made raw dataset for the accounting, rate and quality tests of the dbt marts.

Province T01 with three agencies at the three levels and four catalogue procedures:

    T1 (tinh)   000.00.01.T01  handles P1 (full, dau_tu) and P4 (full, no group): tinh rows
                               whose agency_code is T1
    H1 (huyen)  000.00.21.T01  handles P2 (partial, dat_dai): huyen row, empty agency_code
    X1 (xa)     000.21.31.T01  handles P3 (info): no full/partial procedure at all

Dossiers (dates 2024 unless stated; sl = Mức độ as delivered, NULL → the catalogue's;
recv / due / done = received / due / finished date; flags: dig = digitised at intake,
reuse, eres = electronic result, fee = owes a fee, paid = paid online):

    T1 D01 P1 online  sl NULL→full    recv 14/03 due 20/03 done 18/03 st10
                                      dig eres fee paid, very_satisfied
    T1 D02 P1 person  sl NULL→full    recv 15/03 due 25/03 done 25/03 st9
                                      dig reuse fee (paid in person), unrated
    T1 D03 P1 postal  sl full         recv 20/02 due 05/03 done 10/03 st10  eres, dissatisfied
    T1 D04 P4 person  sl NULL→full    recv 10/02 no due    done 01/03 st10  satisfied
    T1 D05 P1 online  sl full         recv 05/03 due 15/03 withdrawn (st7) without a done
                                      date, updated 20/03
    T1 D11 P1 online  sl NULL→full    recv 16/03 due 26/03: st4 in file a, then st9 done
                                      28/03 in file b (latest update wins)  dig eres, satisfied
    T1 D12 P1 online  st1 (not yet received): out of every figure
    T1 D14 P1 person  sl NULL→full    recv 20/12/2023 due 10/01 done 05/01 st10
                                      dig eres fee, satisfied
    H1 D06 P2 online  sl NULL→partial recv 10/03 due 20/03 st4 (open)  dig
    H1 D07 P2 person  sl NULL→partial recv 20/01 due 30/04 st5 (open)  reuse fee
    H1 D08 PX online  (procedure absent from the catalogue) recv 20/03 no due st2 (open)
    H1 D13 P2 person  sl partial      recv 25/02 due 30/03 stopped (st8) done 12/03,
                                      updated 22/03
    X1 D09 P3 person  sl NULL→info    recv 14/03 due 14/03 done 14/03 st10
                                      dig reuse eres, satisfied
    X1 D10 P3 online  st2 then st3 (refused): out of every figure

Queue tickets: T1 on 04/03: #1 waits 5 min, #2 waits 20 min, #3 never called (abandoned);
H1 on 15/03: #1 delivered twice, 9.5 min in queue/2024-03-a.csv and 12 min in
queue/2024-03-b.csv (the later file in path order wins: 12 min).

Counted dossiers: 12 (D10, D12 out). Periods run from 20/12/2023 (earliest received) to
28/03/2024 (latest update).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

PROVINCE = "T01"
T1 = "000.00.01.T01"
H1 = "000.00.21.T01"
X1 = "000.21.31.T01"
P1, P2, P3, P4, PX = "1.0001", "1.0002", "1.0003", "1.0004", "9.9999"


def ts(day: str, time: str = "08:00:00") -> dt.datetime:
    """'2024-03-14' → naive local timestamp."""
    return dt.datetime.fromisoformat(f"{day} {time}")


def agencies() -> pd.DataFrame:
    rows = [
        (T1, "Sở Công Thương", "tinh", None),
        (H1, "UBND thành phố Hạ Long", "huyen", None),
        (X1, "UBND xã Bình Tây 1", "xa", H1),
    ]
    return pd.DataFrame(
        [
            {
                "file_path": "reference/agencies.csv",
                "row_number": i + 2,
                "agency_code": code,
                "agency_name": name,
                "level": level,
                "parent_code": parent,
                "province_code": PROVINCE,
            }
            for i, (code, name, level, parent) in enumerate(rows)
        ]
    )


def procedures() -> pd.DataFrame:
    rows = [
        (P1, "LV01", "Đầu tư", "dau_tu", "tinh", T1, "full", True),
        (P4, "LV02", "Lưu thông hàng hóa", None, "tinh", T1, "full", False),
        (P2, "LV03", "Đất đai", "dat_dai", "huyen", None, "partial", False),
        (P3, "LV04", "Hộ tịch", None, "xa", None, "info", False),
    ]
    return pd.DataFrame(
        [
            {
                "file_path": "reference/procedures.csv",
                "row_number": i + 2,
                "procedure_code": code,
                "procedure_name": f"Thủ tục {code}",
                "field_code": field_code,
                "field_name": field_name,
                "field_group": group,
                "level": level,
                "agency_code": agency,
                "service_level": service_level,
                "has_fee": has_fee,
            }
            for i, (
                code,
                field_code,
                field_name,
                group,
                level,
                agency,
                service_level,
                has_fee,
            ) in enumerate(rows)
        ]
    )


def _version(
    dossier: str,
    agency: str,
    procedure: str,
    channel: str,
    received: str,
    status: int,
    updated: str,
    *,
    file: str = "one_stop/2024-03-a.csv",
    row: int,
    service_level: str | None = None,
    due: str | None = None,
    completed: str | None = None,
    digitized: bool = False,
    reused: bool = False,
    e_result: bool = False,
    fee: bool = False,
    paid_online: bool = False,
    rating: str | None = None,
) -> dict:
    return {
        "file_path": file,
        "row_number": row,
        "layout": "A",
        "dossier_code": dossier,
        "procedure_code": procedure,
        "agency_code": agency,
        "channel": channel,
        "service_level": service_level,
        "received_at": ts(received, "09:30:00"),
        "due_at": ts(due, "17:00:00") if due else pd.NaT,
        "completed_at": ts(completed, "15:00:00") if completed else pd.NaT,
        "returned_at": pd.NaT,
        "status": status,
        "is_digitized": digitized,
        "is_reused": reused,
        "has_e_result": e_result,
        "owes_fee": fee,
        "paid_online": paid_online,
        "rating": rating,
        "updated_at": ts(updated, "16:00:00"),
    }


def dossier_versions() -> pd.DataFrame:
    b = "one_stop/2024-03-b.csv"
    # fmt: off
    rows = [
        # T1 (tinh)
        _version("D01", T1, P1, "online", "2024-03-14", 10, "2024-03-18", row=2,
                 due="2024-03-20", completed="2024-03-18", digitized=True, e_result=True,
                 fee=True, paid_online=True, rating="very_satisfied"),
        _version("D02", T1, P1, "in_person", "2024-03-15", 9, "2024-03-25", row=3,
                 due="2024-03-25", completed="2024-03-25", digitized=True, reused=True,
                 fee=True),
        _version("D03", T1, P1, "postal", "2024-02-20", 10, "2024-03-10", row=4,
                 service_level="full", due="2024-03-05", completed="2024-03-10",
                 e_result=True, rating="dissatisfied"),
        _version("D04", T1, P4, "in_person", "2024-02-10", 10, "2024-03-01", row=5,
                 completed="2024-03-01", rating="satisfied"),
        _version("D05", T1, P1, "online", "2024-03-05", 7, "2024-03-20", row=6,
                 service_level="full", due="2024-03-15"),
        _version("D11", T1, P1, "online", "2024-03-16", 4, "2024-03-16", row=7,
                 due="2024-03-26"),
        _version("D11", T1, P1, "online", "2024-03-16", 9, "2024-03-28", file=b, row=2,
                 due="2024-03-26", completed="2024-03-28", digitized=True, e_result=True,
                 rating="satisfied"),
        _version("D12", T1, P1, "online", "2024-03-03", 1, "2024-03-03", row=8),
        _version("D14", T1, P1, "in_person", "2023-12-20", 10, "2024-01-05", row=9,
                 due="2024-01-10", completed="2024-01-05", digitized=True, e_result=True,
                 fee=True, rating="satisfied"),
        # H1 (huyen)
        _version("D06", H1, P2, "online", "2024-03-10", 4, "2024-03-11", row=10,
                 due="2024-03-20", digitized=True),
        _version("D07", H1, P2, "in_person", "2024-01-20", 5, "2024-02-01", row=11,
                 due="2024-04-30", reused=True, fee=True),
        _version("D08", H1, PX, "online", "2024-03-20", 2, "2024-03-20", row=12),
        _version("D13", H1, P2, "in_person", "2024-02-25", 8, "2024-03-22", row=13,
                 service_level="partial", due="2024-03-30", completed="2024-03-12"),
        # X1 (xa)
        _version("D09", X1, P3, "in_person", "2024-03-14", 10, "2024-03-14", row=14,
                 due="2024-03-14", completed="2024-03-14", digitized=True, reused=True,
                 e_result=True, rating="satisfied"),
        _version("D10", X1, P3, "online", "2024-03-02", 2, "2024-03-02", row=15),
        _version("D10", X1, P3, "online", "2024-03-02", 3, "2024-03-03", file=b, row=3),
    ]
    # fmt: on
    return pd.DataFrame(rows)


def queue_tickets() -> pd.DataFrame:
    a, b = "queue/2024-03-a.csv", "queue/2024-03-b.csv"
    rows = [
        (a, 2, T1, "1", ts("2024-03-04", "08:00:00"), ts("2024-03-04", "08:05:00")),
        (a, 3, T1, "2", ts("2024-03-04", "08:10:00"), ts("2024-03-04", "08:30:00")),
        (a, 4, T1, "3", ts("2024-03-04", "08:20:00"), None),
        (a, 5, H1, "1", ts("2024-03-15", "09:00:00"), ts("2024-03-15", "09:09:30")),
        (b, 2, H1, "1", ts("2024-03-15", "09:00:00"), ts("2024-03-15", "09:12:00")),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "file_path",
            "row_number",
            "agency_code",
            "ticket_number",
            "taken_at",
            "called_at",
        ],
    )
    frame["called_at"] = pd.to_datetime(frame["called_at"])
    frame["finished_at"] = frame["called_at"] + pd.Timedelta(minutes=10)
    return frame


def raw_frames() -> dict[str, pd.DataFrame]:
    return {
        "agencies": agencies(),
        "procedures": procedures(),
        "dossier_versions": dossier_versions(),
        "queue_tickets": queue_tickets(),
    }


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    """Like the harness's query(), but with a default connection: dbt-duckdb keeps its own
    read-write connection to the file open in this process, and DuckDB refuses a second
    connection to the same file with a different configuration (read_only)."""
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).df()
    finally:
        con.close()
