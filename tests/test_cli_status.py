"""`cchc status`: Vietnamese labels with the codes beside them, each file once, the
publication's time and run id, and a run in progress noticed without writing anything."""

from __future__ import annotations

import fcntl
from pathlib import Path

import duckdb
import pytest

from orchestration.reports.labels import FILE_STATUSES, QUARANTINE_REASONS, SOURCES
from orchestration.settings import SAMPLE_LANDING_DIR
from tests.support.cli_user import Outcome, open_dir, run_cchc, tree_state
from tests.support.marts_fixture import build_marts_db

# Rejection messages as the loader writes them: the file's path once, then the reason.
REJECTED = {
    "one_stop/2024/hong.csv": "one_stop/2024/hong.csv: thiếu cột bắt buộc: Mã hồ sơ / "
    "missing required headers: Mã hồ sơ",
    "queue/2024/rong.csv": "queue/2024/rong.csv: tệp rỗng / empty file",
}


@pytest.fixture
def data_dir() -> Path:
    with open_dir("cchc-status-") as root:
        data = root / "data"
        data.mkdir()
        analytics = build_marts_db(data / "analytics.duckdb")
        con = duckdb.connect(str(analytics))
        try:
            con.execute(
                "update marts.file_ledger set message = ? where file_path = ?",
                [REJECTED["one_stop/2024/hong.csv"], "one_stop/2024/hong.csv"],
            )
            con.execute(
                "insert into marts.file_ledger select * replace ("
                "  'queue/2024/rong.csv' as file_path, 'queue' as source, ? as message)"
                " from marts.file_ledger where file_path = 'one_stop/2024/hong.csv'",
                [REJECTED["queue/2024/rong.csv"]],
            )
        finally:
            con.close()
        yield data


def _status(data: Path) -> Outcome:
    outcome = run_cchc(["status"], data, SAMPLE_LANDING_DIR)
    assert outcome.returncode == 0, outcome
    return outcome


def _table_rows(stdout: str, first_header: str) -> list[list[str]]:
    """The body rows of the rich table whose first column is ``first_header``."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if first_header in line)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("│"):
            break
        rows.append([cell.strip() for cell in line.strip("│").split("│")])
    return rows


def test_publication_time_and_run_id(data_dir: Path) -> None:
    first_line = _status(data_dir).stdout.splitlines()[0]
    assert "Bản công bố / publication" in first_line
    assert "2024-07-02 06:00:00" in first_line and "run-2024-07-02" in first_line


def test_ledger_labels_every_source_and_status_in_vietnamese_with_the_code(
    data_dir: Path,
) -> None:
    rows = _table_rows(_status(data_dir).stdout, "Nguồn / source")
    shown = {(source, status): files for source, status, files, *_ in rows}
    assert shown == {
        (f"{SOURCES['agency_reports']} / agency_reports", "Đã nạp / loaded"): "1",
        (f"{SOURCES['one_stop']} / one_stop", "Trùng nội dung (bỏ qua) / duplicate"): "1",
        (f"{SOURCES['one_stop']} / one_stop", "Đã nạp / loaded"): "3",
        (f"{SOURCES['one_stop']} / one_stop", "Bị từ chối / rejected"): "1",
        (f"{SOURCES['queue']} / queue", "Đã nạp / loaded"): "1",
        (f"{SOURCES['queue']} / queue", "Bị từ chối / rejected"): "1",
        (f"{SOURCES['reference']} / reference", "Đã nạp / loaded"): "2",
    }
    assert {status.split(" / ")[0] for _, status, *_ in rows} <= set(FILE_STATUSES.values())


def test_quarantine_reasons_in_vietnamese_with_the_code(data_dir: Path) -> None:
    rows = _table_rows(_status(data_dir).stdout, "Lý do / reason")
    # The fixture quarantines bad_date 3 + 2, unknown_agency 5, missing_completion_date 3.
    assert rows == [
        [f"{QUARANTINE_REASONS['bad_date']} / bad_date", "5"],
        [f"{QUARANTINE_REASONS['unknown_agency']} / unknown_agency", "5"],
        [f"{QUARANTINE_REASONS['missing_completion_date']} / missing_completion_date", "3"],
    ]


def test_each_rejected_file_is_named_once(data_dir: Path) -> None:
    stdout = _status(data_dir).stdout
    rejected = [line for line in stdout.splitlines() if line.startswith("Từ chối / rejected")]
    assert rejected == [f"Từ chối / rejected: {m}" for _, m in sorted(REJECTED.items())]
    for path in REJECTED:
        assert stdout.count(path) == 1, stdout


def test_a_run_in_progress_is_noticed_without_touching_the_lock(data_dir: Path) -> None:
    assert "a run is in progress" not in _status(data_dir).stdout
    assert not (data_dir / "warehouse.lock").exists(), "status created the lock file"

    lock = data_dir / "warehouse.lock"
    lock.write_text("4242\n")
    with lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running `cchc run` holds it
        before = tree_state(data_dir)
        outcome = _status(data_dir)
        assert "Đang có lượt chạy / a run is in progress." in outcome.stdout
        assert tree_state(data_dir) == before
    assert lock.read_text() == "4242\n"
    assert "a run is in progress" not in _status(data_dir).stdout
