"""Extraction ahead (worker processes, orchestration.load.prefetch; the one-stop engine's
batches) changes nothing.

The same landing tree is ingested with one process and with two extraction workers: the
ledger and every raw table must come out the same, including a duplicate, a rejected file
and a second copy of the rejected bytes (decided in order, in the loading process). The
queue source is extracted in the pool; one-stop files are extracted in batches by the
engine whatever the number of workers, so its pool count is none in both runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.load import ingest, prefetch
from orchestration.load.sources import ingest_one_stop, ingest_queue, ingest_reference
from orchestration.load.warehouse import connect

EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples"
TABLES = ("dossier_versions", "queue_tickets", "quarantined_rows", "agencies", "procedures")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    shutil.copytree(EXAMPLES / "reference", root / "reference")
    one_stop = root / "one_stop"
    examples = EXAMPLES / "one_stop"
    for target, source in {
        "a/2024/01.csv": "layout_a_utf8.csv",
        "a/2024/02_resent.csv": "layout_a_utf8.csv",  # duplicate content
        "b/2024/01.jsonl": "layout_b.jsonl",
        "b/2024/02.csv": "layout_b_iso_dates.csv",
        "c/2024/01.xlsx": "layout_a_title_block.xlsx",
    }.items():
        (one_stop / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(examples / source, one_stop / target)
    (one_stop / "z").mkdir()
    (one_stop / "z" / "broken.csv").write_bytes(b"\xff\xfe\xfa not text")
    (one_stop / "z" / "broken_again.csv").write_bytes(b"\xff\xfe\xfa not text")
    queue = root / "queue"
    for target in ("a/2024-01.csv", "a/2024-01_resent.csv", "b/2024-01.csv"):
        (queue / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLES / "queue" / "ve_xep_hang_2024-01.csv", queue / target)
    # The same tickets under another agency's folder are a duplicate; a changed copy is not.
    text = (EXAMPLES / "queue" / "ve_xep_hang_2024-01.csv").read_text(encoding="utf-8")
    (queue / "c").mkdir()
    (queue / "c" / "2024-02.csv").write_text(text.replace("/01/2024", "/02/2024"), "utf-8")
    (queue / "z").mkdir()
    (queue / "z" / "broken.csv").write_bytes(b"\xff\xfe\xfa not text")
    return root


def _ingest(path: Path, landing: Path, workers: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv(prefetch.WORKERS_ENV, workers)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_BYTES", 0)
    pools = []

    class CountingPrefetcher(prefetch.Prefetcher):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ingest, "Prefetcher", CountingPrefetcher)
    con = connect(path)
    try:
        ingest_reference(con, landing)
        one_stop = ingest_one_stop(con, landing)
        assert not pools  # the engine extracts one-stop files in batches, never in the pool
        queue = ingest_queue(con, landing)
    finally:
        con.close()
    assert (one_stop.files_loaded, one_stop.files_duplicate, one_stop.files_rejected) == (4, 1, 2)
    assert (queue.files_loaded, queue.files_duplicate, queue.files_rejected) == (2, 2, 1)
    return len(pools)


def test_two_workers_give_the_same_warehouse_as_one(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _ingest(tmp_path / "serial.duckdb", landing, "1", monkeypatch) == 0
    assert _ingest(tmp_path / "parallel.duckdb", landing, "2", monkeypatch) == 1

    con = duckdb.connect()
    con.execute(f"attach '{tmp_path / 'serial.duckdb'}' as s (read_only)")
    con.execute(f"attach '{tmp_path / 'parallel.duckdb'}' as p (read_only)")
    for table in TABLES:
        (rows,) = con.execute(f"select count(*) from s.raw.{table}").fetchone()
        assert rows > 0 or table == "quarantined_rows"
        for a, b in (("s", "p"), ("p", "s")):
            (extra,) = con.execute(
                f"select count(*) from (select * from {a}.raw.{table} "
                f"except all select * from {b}.raw.{table})"
            ).fetchone()
            assert extra == 0, f"raw.{table} differs"
    ledger = (
        "select * exclude (first_seen_at, processed_at) from {}.raw.file_ledger order by file_path"
    )
    assert con.execute(ledger.format("s")).fetchall() == con.execute(ledger.format("p")).fetchall()
    statuses = dict(con.execute("select file_path, status from p.raw.file_ledger").fetchall())
    assert statuses["one_stop/a/2024/02_resent.csv"] == "duplicate"
    assert statuses["one_stop/z/broken_again.csv"] == "rejected"
    assert statuses["queue/a/2024-01_resent.csv"] == "duplicate"
