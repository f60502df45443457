"""``python -m bench.profile_ingest LANDING [WAREHOUSE]``: the ingest step alone, timed.

Runs `ingest_all` (what the `ingest_landing` asset does) into a fresh warehouse, without
Dagster or dbt, in one process unless CCHC_EXTRACT_WORKERS says otherwise, so that a
profiler (pyinstrument, py-spy) sees the extraction. Prints each source's summary and the
wall and CPU time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("CCHC_EXTRACT_WORKERS", "1")
    from orchestration.load.sources import ingest_all
    from orchestration.load.warehouse import connect

    landing = Path(argv[0])
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
        warehouse = Path(argv[1]) if len(argv) > 1 else Path(scratch) / "warehouse.duckdb"
        warehouse.unlink(missing_ok=True)
        con = connect(warehouse)
        started, cpu = time.perf_counter(), time.process_time()
        for summary in ingest_all(con, landing):
            print(
                f"{summary.source}: {summary.files_loaded} loaded, {summary.rows_loaded} rows, "
                f"{summary.rows_quarantined} quarantined, {summary.files_rejected} rejected"
            )
        con.close()
    print(
        f"ingest: {time.perf_counter() - started:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU (this process)"
    )
    return 0


if __name__ == "__main__":  # the guard matters: extraction workers are spawned
    sys.exit(main(sys.argv[1:]))
