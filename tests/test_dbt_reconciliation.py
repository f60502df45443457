"""Biểu 06 reconciliation and identity checks, built by dbt on a hand-made raw fixture.

One agency (Sở Tư pháp), two fields, nine dossiers. Expected counts are worked out by
hand below from marts.md's accounting:

Window 2024-01-01 … 2024-03-31 (report "honest", field names spelled differently from the
catalogue to exercise normalise_name):
    Lý lịch tư pháp: D1 carried over → resolved early; D2 received online → on time;
        D3 in person → late; D4 postal, due 20/03 → pending overdue; D5 online, due 05/04
        → pending in time.
        to_process 5 = online 2 + offline 2 + carried 1; resolved 3 = 1 + 1 + 1;
        pending 2 = 1 + 1.
    Hộ tịch: D6 closed before the window (out); D7 received in person, withdrawn (to
        process, neither resolved nor pending); D8 carried over, open, no due date
        (pending in time).
        to_process 2 = 0 + 1 + 1; resolved 0; pending 1 = 1 + 0.
    Out of every figure: D9 (received after the window), D10 (status 1).

Window 2024-02-01 … 2024-02-29 (report with planted errors; delivered twice, the earlier
file in path order is superseded):
    Lý lịch tư pháp: D3 only → to_process 1 = 0 + 1 + 0; resolved 1 late.
    Hộ tịch: D7 received + withdrawn, D8 carried over pending in time →
        to_process 2 = 0 + 1 + 1; pending 1 = 1 + 0.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration import contract
from orchestration.extract.bieu06 import COUNT_COLUMNS
from tests.support.dbt_harness import build_warehouse, run_dbt

AGENCY = "000.00.05.T01"
P_LLTP = "1.000001"  # Lý lịch tư pháp
P_HT = "1.000002"  # Hộ tịch
MEASURES = contract.reconciliation_measures()  # the form's order (dbt's manifest)
RAW_COUNTS = list(COUNT_COLUMNS)  # raw.agency_report_rows' counts, the form's order

# Hand-computed counts, in MEASURES order.
Q1_LLTP = [5, 2, 2, 1, 3, 1, 1, 1, 2, 1, 1]
Q1_HT = [2, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0]
Q1_TOTAL = [a + b for a, b in zip(Q1_LLTP, Q1_HT, strict=True)]
FEB_LLTP = [1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0]
FEB_HT = [2, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0]
FEB_TOTAL = [a + b for a, b in zip(FEB_LLTP, FEB_HT, strict=True)]

Q1_FILE = "agency_reports/2024/so_tu_phap_2024Q1.xlsx"
FEB_OLD_FILE = "agency_reports/2024/so_tu_phap_2024-02.xlsx"
FEB_FILE = "agency_reports/2024/so_tu_phap_2024-02_sua.xlsx"  # later in path order


def _ts(text: str | None) -> pd.Timestamp | None:
    return pd.Timestamp(text) if text else None


def _dossier(code, procedure, channel, received, due, completed, status, updated):
    return {
        "file_path": "one_stop/ho_so.csv",
        "row_number": int(code[1:]) + 1,
        "layout": "A",
        "dossier_code": code,
        "procedure_code": procedure,
        "agency_code": AGENCY,
        "channel": channel,
        "service_level": None,
        "received_at": _ts(received),
        "due_at": _ts(due),
        "completed_at": _ts(completed),
        "returned_at": None,
        "status": status,
        "is_digitized": False,
        "is_reused": False,
        "has_e_result": False,
        "owes_fee": False,
        "paid_online": False,
        "rating": None,
        "updated_at": _ts(updated),
    }


def _report_rows(file_path: str, rows: list[tuple[str, list[int]]]) -> list[dict]:
    out = []
    for index, (field, counts) in enumerate(rows):
        is_total = field == "*"
        row = {
            "file_path": file_path,
            "row_number": 10 + index,
            "stt": None if is_total else str(index + 1),
            "field_name": field,
            "is_total": is_total,
        }
        row.update(dict(zip(RAW_COUNTS, counts, strict=True)))
        out.append(row)
    return out


def _with(counts: list[int], **changes: int) -> list[int]:
    values = dict(zip(MEASURES, counts, strict=True))
    values.update(changes)
    return [values[m] for m in MEASURES]


def raw_frames() -> dict[str, pd.DataFrame]:
    agencies = pd.DataFrame(
        [
            {
                "file_path": "reference/agencies.csv",
                "row_number": 2,
                "agency_code": AGENCY,
                "agency_name": "Sở Tư pháp",
                "level": "tinh",
                "parent_code": None,
                "province_code": "T01",
            }
        ]
    )
    procedures = pd.DataFrame(
        [
            {
                "file_path": "reference/procedures.csv",
                "row_number": 2 + i,
                "procedure_code": code,
                "procedure_name": f"Thủ tục {code}",
                "field_code": field_code,
                "field_name": field_name,
                "field_group": None,
                "level": "tinh",
                "agency_code": AGENCY,
                "service_level": "full",
                "has_fee": False,
            }
            for i, (code, field_code, field_name) in enumerate(
                [(P_LLTP, "LV01", "Lý lịch tư pháp"), (P_HT, "LV02", "Hộ tịch")]
            )
        ]
    )
    dossiers = pd.DataFrame(
        [
            _dossier("D1", P_LLTP, "online", "2023-12-20 08:00", "2024-01-15 17:00",
                     "2024-01-10 10:00", 10, "2024-01-11 09:00"),
            _dossier("D2", P_LLTP, "online", "2024-01-05 09:00", "2024-01-20 17:00",
                     "2024-01-20 08:00", 9, "2024-01-20 08:00"),
            _dossier("D3", P_LLTP, "in_person", "2024-02-01 09:00", "2024-02-10 17:00",
                     "2024-02-15 15:00", 10, "2024-02-16 09:00"),
            _dossier("D4", P_LLTP, "postal", "2024-03-10 09:00", "2024-03-20 17:00",
                     None, 4, "2024-03-12 09:00"),
            _dossier("D5", P_LLTP, "online", "2024-03-25 09:00", "2024-04-05 17:00",
                     None, 2, "2024-03-25 09:00"),
            _dossier("D6", P_HT, "in_person", "2023-11-01 09:00", "2023-12-05 17:00",
                     "2023-12-01 09:00", 9, "2023-12-01 09:00"),
            _dossier("D7", P_HT, "in_person", "2024-02-10 09:00", None,
                     None, 7, "2024-02-12 09:00"),
            _dossier("D8", P_HT, "in_person", "2023-12-28 09:00", None,
                     None, 5, "2024-01-02 09:00"),
            _dossier("D9", P_HT, "online", "2024-04-02 09:00", None,
                     None, 2, "2024-04-02 09:00"),
            _dossier("D10", P_LLTP, "online", "2024-01-03 09:00", None,
                     None, 1, "2024-01-03 09:00"),
        ]
    )  # fmt: skip
    reports = pd.DataFrame(
        [
            (Q1_FILE, AGENCY, dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
            (FEB_OLD_FILE, AGENCY, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
            (FEB_FILE, AGENCY, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ],
        columns=["file_path", "agency_code", "period_start", "period_end"],
    )
    rows = (
        # Honest, with field names in other spellings: upper case, no diacritics, spaces.
        _report_rows(
            Q1_FILE,
            [("LÝ LỊCH TƯ PHÁP", Q1_LLTP), ("  Ho   tich ", Q1_HT), ("*", Q1_TOTAL)],
        )
        # Superseded by FEB_FILE: a broken total that must not reach reconciliation.
        + _report_rows(
            FEB_OLD_FILE,
            [
                ("Lý lịch tư pháp", FEB_LLTP),
                ("Hộ tịch", FEB_HT),
                ("*", _with(FEB_TOTAL, to_process=99)),
            ],
        )
        # Planted errors: Lý lịch tư pháp resolved_late 2 (true 1); Hộ tịch
        # received_online 1 (true 0); Tổng cộng pending_overdue 1 (true 0).
        + _report_rows(
            FEB_FILE,
            [
                ("Lý lịch tư pháp", _with(FEB_LLTP, resolved_late=2)),
                ("Hộ tịch", _with(FEB_HT, received_online=1)),
                ("*", _with(FEB_TOTAL, pending_overdue=1)),
            ],
        )
    )
    return {
        "agencies": agencies,
        "procedures": procedures,
        "dossier_versions": dossiers,
        "agency_reports": reports,
        "agency_report_rows": pd.DataFrame(rows),
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Only the reconciliation lineage is built; "cautious" keeps out the data tests of
    # marts outside it (e.g. roll-up checks of period_accounting) that would otherwise be
    # selected because one of their parents is.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        return build_warehouse(
            tmp_path_factory.mktemp("reconciliation"),
            raw_frames(),
            select="+report_reconciliation +report_identity_checks +period_accounting",
        )


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    # Not the harness's read-only query(): dbt-duckdb keeps its read-write connection to
    # the file open in this process, and DuckDB refuses a second connection to the same
    # file with a different configuration. A default connection shares that instance.
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _reconciliation(warehouse: Path, file_path: str) -> pd.DataFrame:
    return query(
        warehouse,
        f"""
        select field_name, measure, reported, computed, difference, within_tolerance,
               agency_code, period_start, period_end, field_matched
        from marts.report_reconciliation
        where file_path = '{file_path}'
        order by row_number, measure_order
        """,
    )


def test_every_row_times_eleven_measures(warehouse: Path) -> None:
    frame = query(warehouse, "select file_path, count(*) as n from marts.report_reconciliation "
                             "group by file_path order by file_path")  # fmt: skip
    assert frame.to_dict("records") == [
        {"file_path": FEB_FILE, "n": 33},
        {"file_path": Q1_FILE, "n": 33},
    ]


def test_honest_report_has_no_differences(warehouse: Path) -> None:
    frame = _reconciliation(warehouse, Q1_FILE)
    assert frame["difference"].eq(0).all(), frame[frame["difference"] != 0]
    assert frame["within_tolerance"].all()
    assert frame["field_matched"].all()
    assert set(frame["agency_code"]) == {AGENCY}
    assert set(frame["period_start"].dt.date) == {dt.date(2024, 1, 1)}
    assert set(frame["period_end"].dt.date) == {dt.date(2024, 3, 31)}
    computed = {field: group["computed"].tolist() for field, group in frame.groupby("field_name")}
    # Field names kept as written; matched despite case, diacritics and spacing.
    assert computed == {"LÝ LỊCH TƯ PHÁP": Q1_LLTP, "  Ho   tich ": Q1_HT, "*": Q1_TOTAL}


def test_planted_errors_are_exactly_the_differences(warehouse: Path) -> None:
    frame = _reconciliation(warehouse, FEB_FILE)
    wrong = frame[frame["difference"] != 0]
    assert sorted(
        (r.field_name, r.measure, r.reported, r.computed, r.difference, r.within_tolerance)
        for r in wrong.itertuples()
    ) == [
        ("*", "pending_overdue", 1, 0, 1, False),
        ("Hộ tịch", "received_online", 1, 0, 1, False),
        ("Lý lịch tư pháp", "resolved_late", 2, 1, 1, False),
    ]
    computed = {field: group["computed"].tolist() for field, group in frame.groupby("field_name")}
    assert computed == {"Lý lịch tư pháp": FEB_LLTP, "Hộ tịch": FEB_HT, "*": FEB_TOTAL}


def test_superseded_delivery_is_not_reconciled(warehouse: Path) -> None:
    assert _reconciliation(warehouse, FEB_OLD_FILE).empty


def test_windows_equal_to_periods_agree_with_period_accounting(warehouse: Path) -> None:
    # Both reports' windows are calendar periods (2024-Q1, 2024-02): the Tổng cộng row's
    # computed counts are the agency's figures of marts.period_accounting for them.
    for file_path, grain, key in ((Q1_FILE, "quarter", "2024-Q1"), (FEB_FILE, "month", "2024-02")):
        computed = _reconciliation(warehouse, file_path).query("field_name == '*'")
        accounting = query(
            warehouse,
            f"""
            select * from marts.period_accounting
            where calendar = 'calendar' and grain = '{grain}' and period_key = '{key}'
              and scope_type = 'agency' and scope_code = '{AGENCY}'
            """,
        )
        assert len(accounting) == 1
        expected = accounting.iloc[0]
        assert {r.measure: r.computed for r in computed.itertuples()} == {
            measure: expected[measure] for measure in MEASURES
        }


def test_identity_checks(warehouse: Path) -> None:
    frame = query(
        warehouse,
        """
        select file_path, is_current, field_name, rule, measure, left_value, right_value,
               difference
        from marts.report_identity_checks
        order by file_path, rule, measure
        """,
    )
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        # The superseded delivery is checked too (its Tổng cộng Tổng số 99 ≠ 0 + 2 + 1 and
        # ≠ the field rows' 3), flagged as not current.
        (FEB_OLD_FILE, False, "*", "received_identity", "to_process", 99, 3, 96),
        (FEB_OLD_FILE, False, "*", "total_row_identity", "to_process", 99, 3, 96),
        (FEB_FILE, True, "*", "pending_identity", "pending", 1, 2, -1),
        (FEB_FILE, True, "Hộ tịch", "received_identity", "to_process", 2, 3, -1),
        (FEB_FILE, True, "Lý lịch tư pháp", "resolved_identity", "resolved", 1, 2, -1),
        (FEB_FILE, True, "*", "total_row_identity", "pending_overdue", 1, 0, 1),
        (FEB_FILE, True, "*", "total_row_identity", "received_online", 0, 1, -1),
        (FEB_FILE, True, "*", "total_row_identity", "resolved_late", 1, 2, -1),
    ]


def test_dbt_unit_tests(warehouse: Path, tmp_path: Path) -> None:
    # The dbt unit tests of identity checks and reconciliation (yml beside the models).
    # They read column types from the upstream relations, which this warehouse holds.
    run_dbt(
        warehouse,
        [
            "test",
            "--select",
            "report_reconciliation,test_type:unit report_identity_checks,test_type:unit",
        ],
        tmp_path,
    )
