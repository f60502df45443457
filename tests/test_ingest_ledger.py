"""The ledger: new / duplicate / rejected / already seen, and transactional per-file loads.

Uses a stand-in extractor so these tests pin the loader's behaviour independently of the
real file formats (which have their own tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.extract.types import Extracted, RejectedFile
from orchestration.load.discovery import REHASH_ENV, LandedFile, discover
from orchestration.load.ingest import ingest_source
from orchestration.load.sources import ledger_mismatches
from orchestration.load.warehouse import connect


def _tickets(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_number": range(2, 2 + n),
            "agency_code": ["A1"] * n,
            "ticket_number": [str(i) for i in range(n)],
            "taken_at": pd.to_datetime(["2024-01-02 08:00"] * n),
            "called_at": pd.to_datetime(["2024-01-02 08:05"] * n),
            "finished_at": pd.to_datetime(["2024-01-02 08:15"] * n),
        }
    )


def fake_extractor(landed: LandedFile) -> Extracted:
    """'bad' files are rejected; each line 'ok' is a row, each line 'bad' is quarantined."""
    text = landed.absolute_path.read_text()
    if text.startswith("corrupt"):
        raise RejectedFile(f"{landed.relative_path}: thiếu cột / missing headers: Số phiếu")
    lines = text.split()
    good = sum(1 for line in lines if line == "ok")
    bad = [i + 2 for i, line in enumerate(lines) if line == "bad"]
    quarantined = pd.DataFrame({"row_number": bad, "reason": "bad_date", "detail": "x"})
    return Extracted("queue", _tickets(good), quarantined, good + len(bad))


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    (root / "queue" / "2024").mkdir(parents=True)
    (root / "queue" / "2024" / "b.csv").write_text("ok ok bad")
    (root / "queue" / "2024" / "a.csv").write_text("ok")
    (root / "queue" / "2024" / "a_resent.csv").write_text("ok")  # same bytes as a.csv
    (root / "queue" / "broken.csv").write_text("corrupt")
    (root / "queue" / ".hidden").write_text("ok")
    return root


def _ledger(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = con.execute(
        "select file_path, status, rows_read, rows_loaded, rows_quarantined, message "
        "from raw.file_ledger"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_discovery_is_in_byte_order_of_the_relative_path(landing: Path) -> None:
    paths = [f.relative_path for f in discover(landing, "queue")]
    assert paths == [
        "queue/2024/a.csv",
        "queue/2024/a_resent.csv",
        "queue/2024/b.csv",
        "queue/broken.csv",
    ]


def test_ledger_statuses_and_counts(tmp_path: Path, landing: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    summary = ingest_source(con, landing, "queue", fake_extractor)
    ledger = _ledger(con)
    assert ledger["queue/2024/a.csv"][:4] == ("loaded", 1, 1, 0)
    assert ledger["queue/2024/b.csv"][:4] == ("loaded", 3, 2, 1)
    status, *counts, message = ledger["queue/2024/a_resent.csv"]
    assert (status, counts) == ("duplicate", [None, None, None])
    assert "queue/2024/a.csv" in message
    status, *counts, message = ledger["queue/broken.csv"]
    assert status == "rejected" and "Số phiếu" in message and "queue/broken.csv" in message
    assert (summary.files_new, summary.files_loaded) == (4, 2)
    assert (summary.files_duplicate, summary.files_rejected) == (1, 1)
    assert con.execute("select count(*) from raw.queue_tickets").fetchone() == (3,)
    assert con.execute("select count(*) from raw.quarantined_rows").fetchone() == (1,)
    assert ledger_mismatches(con) == []


def test_second_run_changes_nothing(tmp_path: Path, landing: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    before = con.execute("select * from raw.file_ledger order by file_path").fetchall()
    again = ingest_source(con, landing, "queue", fake_extractor)
    after = con.execute("select * from raw.file_ledger order by file_path").fetchall()
    assert again.files_new == 0
    assert before == after
    assert con.execute("select count(*) from raw.queue_tickets").fetchone() == (3,)


def test_changed_content_at_a_known_path_replaces_that_files_rows(
    tmp_path: Path, landing: Path
) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    (landing / "queue" / "2024" / "b.csv").write_text("ok ok")
    ingest_source(con, landing, "queue", fake_extractor)
    assert _ledger(con)["queue/2024/b.csv"][:4] == ("loaded", 2, 2, 0)
    counts = con.execute(
        "select count(*) from raw.queue_tickets where file_path = 'queue/2024/b.csv'"
    ).fetchone()
    assert counts == (2,)
    assert con.execute("select count(*) from raw.quarantined_rows").fetchone() == (0,)


def test_unexpected_extractor_error_rejects_the_file_and_the_run_goes_on(
    tmp_path: Path, landing: Path
) -> None:
    def flaky(landed: LandedFile) -> Extracted:
        if landed.relative_path.endswith("b.csv"):
            raise ValueError("boom at row 7")
        return fake_extractor(landed)

    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", flaky)
    status, *_, message = _ledger(con)["queue/2024/b.csv"]
    assert status == "rejected"
    assert "boom at row 7" in message and "queue/2024/b.csv" in message
    assert _ledger(con)["queue/2024/a.csv"][0] == "loaded"


def test_a_failed_load_leaves_no_trace_and_is_retried(tmp_path: Path, landing: Path) -> None:
    """The ledger row is written in the same transaction as the rows: all or nothing."""
    con = connect(tmp_path / "w.duckdb")

    def broken_rows(landed: LandedFile) -> Extracted:
        extracted = fake_extractor(landed)
        # A column the raw table does not have → the insert fails inside the transaction.
        return Extracted(
            extracted.layout,
            extracted.rows.drop(columns=["agency_code"]),
            extracted.quarantined,
            extracted.rows_read,
        )

    with pytest.raises(Exception):  # noqa: B017 - any loader error aborts the transaction
        ingest_source(con, landing, "queue", broken_rows)
    assert con.execute("select count(*) from raw.file_ledger").fetchone() == (0,)
    assert con.execute("select count(*) from raw.queue_tickets").fetchone() == (0,)
    ingest_source(con, landing, "queue", fake_extractor)
    assert con.execute("select count(*) from raw.queue_tickets").fetchone() == (3,)


# The stat cache (docs/decisions.md, "Stat cache in the ledger"): a file whose (path, size,
# mtime) equal its ledger row is not hashed again.


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the loader hashes, in order."""
    from orchestration.load import ingest

    seen: list[str] = []
    real = ingest.sha256_of

    def counting(path: Path) -> str:
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(ingest, "sha256_of", counting)
    return seen


def _stats(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    rows = con.execute("select file_path, size_bytes, mtime_ns from raw.file_ledger").fetchall()
    return {path: (size, mtime) for path, size, mtime in rows}


def _rewrite_keeping_stat(path: Path, text: str) -> None:
    """New content of the same size, its modification time set back to the old one."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_the_ledger_records_each_files_stat(tmp_path: Path, landing: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    for landed in discover(landing, "queue"):  # every status: loaded, duplicate, rejected
        info = landed.absolute_path.stat()
        assert _stats(con)[landed.relative_path] == (info.st_size, info.st_mtime_ns)


def test_an_unchanged_stat_is_not_hashed_again(
    tmp_path: Path, landing: Path, hashed: list[str]
) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    assert len(hashed) == 4
    hashed.clear()
    again = ingest_source(con, landing, "queue", fake_extractor)
    assert (hashed, again.files_new) == ([], 0)


def test_new_content_of_the_same_size_with_a_new_mtime_is_taken(
    tmp_path: Path, landing: Path, hashed: list[str]
) -> None:
    """A re-delivery at the same path: the copy sets a new modification time."""
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    b = landing / "queue" / "2024" / "b.csv"
    info = b.stat()
    b.write_text("ok ok ok ")  # the size of "ok ok bad": only the mtime tells
    assert b.stat().st_size == info.st_size
    os.utime(b, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    hashed.clear()
    again = ingest_source(con, landing, "queue", fake_extractor)
    assert hashed == ["b.csv"] and again.files_loaded == 1
    assert _ledger(con)["queue/2024/b.csv"][:4] == ("loaded", 3, 3, 0)


def test_a_touched_file_is_hashed_once_and_its_new_stat_recorded(
    tmp_path: Path, landing: Path, hashed: list[str]
) -> None:
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    before = con.execute("select * exclude (mtime_ns) from raw.file_ledger order by 1").fetchall()
    a = landing / "queue" / "2024" / "a.csv"
    os.utime(a, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns + 5_000_000_000))
    hashed.clear()
    again = ingest_source(con, landing, "queue", fake_extractor)
    assert (hashed, again.files_new) == (["a.csv"], 0)
    assert _stats(con)["queue/2024/a.csv"][1] == a.stat().st_mtime_ns
    after = con.execute("select * exclude (mtime_ns) from raw.file_ledger order by 1").fetchall()
    assert before == after  # nothing else of the row changed (processed_at included)
    hashed.clear()
    ingest_source(con, landing, "queue", fake_extractor)
    assert hashed == []


def test_same_size_and_mtime_hides_new_content_until_a_rehash(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trade-off, and the operator's way round it (CCHC_REHASH=1, `cchc run --rehash`)."""
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    _rewrite_keeping_stat(landing / "queue" / "2024" / "b.csv", "ok ok ok ")
    missed = ingest_source(con, landing, "queue", fake_extractor)
    assert missed.files_new == 0
    assert _ledger(con)["queue/2024/b.csv"][:4] == ("loaded", 3, 2, 1)
    monkeypatch.setenv(REHASH_ENV, "1")
    taken = ingest_source(con, landing, "queue", fake_extractor)
    assert (taken.files_new, taken.files_loaded) == (1, 1)
    assert _ledger(con)["queue/2024/b.csv"][:4] == ("loaded", 3, 3, 0)


def test_a_ledger_without_stats_gets_the_columns_and_hashes_once(
    tmp_path: Path, landing: Path, hashed: list[str]
) -> None:
    """A warehouse written before the stat cache: the columns are added (NULL), every file
    is hashed once, found unchanged, and its stat recorded."""
    con = connect(tmp_path / "w.duckdb")
    ingest_source(con, landing, "queue", fake_extractor)
    con.execute("alter table raw.file_ledger drop column size_bytes")
    con.execute("alter table raw.file_ledger drop column mtime_ns")
    con.close()
    con = connect(tmp_path / "w.duckdb")
    assert set(_stats(con).values()) == {(None, None)}
    hashed.clear()
    again = ingest_source(con, landing, "queue", fake_extractor)
    assert (len(hashed), again.files_new) == (4, 0)
    assert None not in {size for size, _ in _stats(con).values()}
    hashed.clear()
    ingest_source(con, landing, "queue", fake_extractor)
    assert hashed == []
