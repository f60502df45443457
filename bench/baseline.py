"""``python -m bench.baseline LANDING``: the floor, as one DuckDB SQL script (baseline.sql).

Run in its own process by bench.run, so its time and memory are measured alone; DuckDB
keeps its defaults (threads = cores, memory limit = 80 % of RAM). Prints one JSON object:
seconds, versions read, dossiers kept, and the province's quarterly rates.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

SQL = Path(__file__).with_name("baseline.sql")


def run(landing: Path) -> dict[str, object]:
    script = SQL.read_text(encoding="utf-8").replace("{landing}", str(landing).replace("'", "''"))
    started = time.perf_counter()
    con = duckdb.connect()
    rates = con.execute(script).fetchall()  # every statement runs; the last one's rows
    seconds = time.perf_counter() - started
    (versions,) = con.execute("select count(*) from versions").fetchone()
    (dossiers,) = con.execute("select count(*) from latest").fetchone()
    return {
        "seconds": round(seconds, 3),
        "versions": versions,
        "dossiers": dossiers,
        "quarters": {
            f"{start.year}-Q{(start.month - 1) // 3 + 1}": {
                "received": received,
                "online_rate": online_rate,
                "resolved": resolved,
                "on_time_rate": on_time_rate,
            }
            for start, received, online_rate, resolved, on_time_rate in rates
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))
