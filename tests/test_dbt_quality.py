"""Data-quality marts (file_ledger, quarantine_summary, dim_agencies) and the reference
staging that picks the catalogue in force, built by dbt on a small raw fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, run_dbt
from tests.support.dossier_fixture import query

SELECT = "+file_ledger +quarantine_summary +dim_agencies +stg_queue__tickets"


def ledger() -> pd.DataFrame:
    seen = dt.datetime(2024, 4, 1, 7, 0)
    rows = [
        # path, source, layout, read, loaded, quarantined, status, message, processed
        ("one_stop/2024-03-a.csv", "one_stop", "A", 11, 8, 3, "loaded", None, 2),
        # A duplicate as the loader might record it, with the original's counts: the mart
        # shows NULL counts for duplicates (nothing was read from them).
        ("one_stop/2024-03-a copy.csv", "one_stop", "A", 11, 0, 0, "duplicate", None, 3),
        (
            "one_stop/broken.xlsx",
            "one_stop",
            None,
            None,
            None,
            None,
            "rejected",
            "Tệp one_stop/broken.xlsx thiếu cột: Mã hồ sơ / missing headers: Mã hồ sơ",
            4,
        ),
        ("queue/2024-03-a.csv", "queue", "queue", 5, 4, 1, "loaded", None, 5),
        # the catalogue delivered twice under two paths: the later *loaded* one is in force
        ("reference/agencies.csv", "reference", "reference", 3, 3, 0, "loaded", None, 9),
        ("reference/z-old/agencies.csv", "reference", "reference", 4, 4, 0, "loaded", None, 1),
    ]
    return pd.DataFrame(
        [
            {
                "file_path": path,
                "source": source,
                "sha256": f"{i:064x}",
                "layout": layout,
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_quarantined": quarantined,
                "status": status,
                "message": message,
                "first_seen_at": seen,
                "processed_at": seen + dt.timedelta(hours=hours),
            }
            for i, (
                path,
                source,
                layout,
                read,
                loaded,
                quarantined,
                status,
                message,
                hours,
            ) in enumerate(rows)
        ]
    ).astype({"rows_read": "Int64", "rows_loaded": "Int64", "rows_quarantined": "Int64"})


def quarantined() -> pd.DataFrame:
    rows = [
        ("one_stop/2024-03-a.csv", 3, "one_stop", "unknown_agency", "Mã cơ quan = 000.99"),
        ("one_stop/2024-03-a.csv", 5, "one_stop", "bad_date", "Ngày tiếp nhận = 31/02/2024"),
        ("one_stop/2024-03-a.csv", 7, "one_stop", "bad_date", "Ngày hẹn trả = 2024-13-01"),
        ("queue/2024-03-a.csv", 4, "queue", "bad_date", "Thời điểm lấy số = x"),
    ]
    return pd.DataFrame(rows, columns=["file_path", "row_number", "source", "reason", "detail"])


def old_agencies() -> pd.DataFrame:
    """An older catalogue at a path that sorts later: the ledger's processed_at decides."""
    frame = fx.agencies().assign(file_path="reference/z-old/agencies.csv")
    extra = frame.iloc[[0]].assign(agency_code="000.00.99.T01", agency_name="Sở cũ", row_number=5)
    return pd.concat([frame.assign(agency_name="Tên cũ"), extra], ignore_index=True)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = fx.raw_frames()
    raw["agencies"] = pd.concat([raw["agencies"], old_agencies()], ignore_index=True)
    raw["file_ledger"] = ledger()
    raw["quarantined_rows"] = quarantined()
    return build_warehouse(tmp_path_factory.mktemp("quality"), raw, select=SELECT)


def test_file_ledger(warehouse: Path) -> None:
    frame = query(warehouse, "select * from marts.file_ledger order by file_path")
    assert list(frame.columns) == [
        "file_path", "source", "sha256", "layout", "rows_read", "rows_loaded",
        "rows_quarantined", "status", "message", "first_seen_at",
    ]  # fmt: skip
    rows = frame.set_index("file_path")
    loaded = rows.loc["one_stop/2024-03-a.csv"]
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_quarantined) == (11, 8, 3)
    duplicate = rows.loc["one_stop/2024-03-a copy.csv"]
    assert duplicate.status == "duplicate"
    assert duplicate[["rows_read", "rows_loaded", "rows_quarantined"]].isna().all()
    rejected = rows.loc["one_stop/broken.xlsx"]
    assert rejected.status == "rejected"
    assert pd.isna(rejected.layout)
    assert "Mã hồ sơ" in rejected.message
    assert rejected[["rows_read", "rows_loaded", "rows_quarantined"]].isna().all()


def test_quarantine_summary(warehouse: Path) -> None:
    frame = query(warehouse, "select * from marts.quarantine_summary order by file_path, reason")
    assert frame.to_dict("records") == [
        {"file_path": "one_stop/2024-03-a.csv", "reason": "bad_date", "rows": 2},  # rows 5, 7
        {"file_path": "one_stop/2024-03-a.csv", "reason": "unknown_agency", "rows": 1},
        {"file_path": "queue/2024-03-a.csv", "reason": "bad_date", "rows": 1},
    ]


def test_catalogue_in_force_is_the_latest_loaded_file(warehouse: Path) -> None:
    # reference/z-old/agencies.csv sorts after reference/agencies.csv but was processed
    # earlier: its names and its extra agency are not in force.
    frame = query(warehouse, "select * from marts.dim_agencies order by agency_code")
    assert list(frame.agency_code) == sorted([fx.T1, fx.H1, fx.X1])
    assert "Tên cũ" not in set(frame.agency_name)
    assert frame.set_index("agency_code").loc[fx.X1, "parent_code"] == fx.H1


def test_queue_tickets_deduplicated_by_later_file(warehouse: Path) -> None:
    frame = query(
        warehouse,
        "select agency_code, ticket_number, wait_minutes, file_path "
        "from staging.stg_queue__tickets order by agency_code, ticket_number",
    )
    assert len(frame) == 4  # 5 delivered, H1 #1 twice on the same day
    h1 = frame[frame.agency_code == fx.H1].iloc[0]
    assert (h1.file_path, h1.wait_minutes) == ("queue/2024-03-b.csv", 12.0)
    abandoned = frame[(frame.agency_code == fx.T1) & (frame.ticket_number == "3")].iloc[0]
    assert pd.isna(abandoned.wait_minutes)


def test_unbalanced_ledger_row_fails_the_build(tmp_path: Path) -> None:
    raw = {"file_ledger": ledger()}
    warehouse = build_warehouse(tmp_path, raw, select="+file_ledger")
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.file_ledger set rows_quarantined = 2 where file_path like 'queue/%'")
    con.close()
    run_dbt(warehouse, ["run", "--select", "file_ledger"], tmp_path)
    with pytest.raises(AssertionError, match="assert_file_ledger_rows_balance"):
        run_dbt(warehouse, ["test", "--select", "assert_file_ledger_rows_balance"], tmp_path)
