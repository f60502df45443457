"""Golden corpus: the ingest of fixed landing trees, compared exactly with what was recorded.

The corpus was written from the row-by-row (pandas) ingest before ingestion moved into
DuckDB SQL; the engine-side ingest must reproduce it exactly: per file the ledger row
(status, layout, rows read / loaded / quarantined, message), every quarantined row (file,
row number, reason, detail) and the canonical loaded rows of every raw table (a digest of
the rows in file and row order; the small edge tree keeps the rows themselves, so that a
difference can be read).

Trees: the bundled sample landing, the contract's examples, and ``fixtures/ingest_edge``
(hand-made files for the readers' corners: blank lines, footers, BOM, NFD headers, `;` and
tab delimiters, UTF-16, JSON numbers such as 2.0, native workbook dates, every quarantine
reason, empty / header-only / unreadable files).

Regenerate (only when a change of the recorded behaviour is intended, and say so in the
commit): ``python -m tests.test_ingest_corpus --write``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from orchestration.load.sources import ingest_all
from orchestration.load.warehouse import connect

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
TREES = {
    "sample": ROOT / "sources" / "sample" / "landing",
    "contract_examples": ROOT / "tests" / "fixtures" / "contract_examples",
    "ingest_edge": ROOT / "tests" / "fixtures" / "ingest_edge",
}
# Trees small enough to keep every loaded row in the corpus, not only a digest.
KEEP_ROWS = ("contract_examples", "ingest_edge")
ROW_TABLES = (
    "dossier_versions",
    "queue_tickets",
    "agency_reports",
    "agency_report_rows",
    "agencies",
    "procedures",
)


def _rows_as_text(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Every row as one tab-joined line of DuckDB's text rendering, in file and row order."""
    columns = [row[0] for row in con.execute(f"describe raw.{table}").fetchall()]
    order = "file_path, row_number" if "row_number" in columns else "file_path"
    rendered = ", ".join(f"coalesce(cast({c} as varchar), '∅')" for c in columns)
    query = f"select concat_ws(chr(9), {rendered}) from raw.{table} order by {order}"
    return [line for (line,) in con.execute(query).fetchall()]


def snapshot(landing: Path, keep_rows: bool) -> dict[str, object]:
    """What ingesting ``landing`` into a fresh warehouse records."""
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        con = connect(Path(tmp) / "warehouse.duckdb")
        try:
            ingest_all(con, landing)
            ledger = [
                dict(
                    zip(
                        (
                            "file_path",
                            "source",
                            "layout",
                            "rows_read",
                            "rows_loaded",
                            "rows_quarantined",
                            "status",
                            "message",
                        ),
                        row,
                        strict=True,
                    )
                )
                for row in con.execute(
                    "select file_path, source, layout, rows_read, rows_loaded, "
                    "rows_quarantined, status, message from raw.file_ledger order by file_path"
                ).fetchall()
            ]
            quarantined = [
                list(row)
                for row in con.execute(
                    "select file_path, row_number, source, reason, detail "
                    "from raw.quarantined_rows order by file_path, row_number"
                ).fetchall()
            ]
            tables: dict[str, object] = {}
            for table in ROW_TABLES:
                lines = _rows_as_text(con, table)
                entry: dict[str, object] = {
                    "rows": len(lines),
                    "sha256": hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest(),
                }
                if keep_rows:
                    entry["lines"] = lines
                tables[table] = entry
        finally:
            con.close()
    return {"ledger": ledger, "quarantined": quarantined, "tables": tables}


def _golden_path(tree: str) -> Path:
    return GOLDEN / f"{tree}.json"


@pytest.mark.parametrize("tree", list(TREES))
def test_ingest_reproduces_the_golden_corpus(tree: str) -> None:
    expected = json.loads(_golden_path(tree).read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(snapshot(TREES[tree], tree in KEEP_ROWS), ensure_ascii=False))
    assert actual["ledger"] == expected["ledger"]
    assert actual["quarantined"] == expected["quarantined"]
    for table, recorded in expected["tables"].items():
        got = actual["tables"][table]
        if "lines" in recorded:
            assert got["lines"] == recorded["lines"], table
        assert (got["rows"], got["sha256"]) == (recorded["rows"], recorded["sha256"]), table


def test_the_corpus_covers_every_quarantine_reason_and_rejection() -> None:
    """The corpus is only a safety net if it holds the cases: each reason of the contract
    for dossiers, and rejected files."""
    from orchestration.extract.one_stop import REASONS

    reasons: set[str] = set()
    statuses: set[str] = set()
    for tree in TREES:
        recorded = json.loads(_golden_path(tree).read_text(encoding="utf-8"))
        reasons |= {row[3] for row in recorded["quarantined"] if row[2] == "one_stop"}
        statuses |= {entry["status"] for entry in recorded["ledger"]}
    assert set(REASONS) <= reasons
    assert {"loaded", "rejected"} <= statuses


def write() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for tree, landing in TREES.items():
        recorded = snapshot(landing, tree in KEEP_ROWS)
        text = json.dumps(recorded, ensure_ascii=False, indent=1, default=str)
        _golden_path(tree).write_text(text + "\n", encoding="utf-8")
        print(
            f"{tree}: {len(recorded['ledger'])} files, {len(recorded['quarantined'])} quarantined"
        )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_ingest_corpus --write")
    write()
