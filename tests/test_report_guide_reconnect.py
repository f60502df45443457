"""The analyst guide's advice on seeing a new publication from Python holds (issue 12,
item 13): its notebook snippet runs, an open connection pins the old file, closing every
connection lets the snippet see the new one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_ROOT
from tests.support.marts_fixture import build_marts_db

GUIDE = (PROJECT_ROOT / "docs" / "analyst-guide.md").read_text(encoding="utf-8")
SNIPPET = next(
    block
    for block in re.findall(r"^```python\n(.*?)^```", GUIDE, re.S | re.M)
    if "def read(" in block
)
COUNT = "select count(*) from marts.service_rates"


def _publish(data: Path, seed: int) -> int:
    """Build a new analytics file beside the published one and rename it over, as publish
    does; return its row count."""
    fresh = build_marts_db(data / "analytics.new.duckdb", seed=seed)
    with duckdb.connect(str(fresh)) as con:
        con.execute("delete from marts.service_rates where period_key like '2022%'")
        (rows,) = con.execute(COUNT).fetchone()  # type: ignore[misc]
    os.replace(fresh, data / "analytics.duckdb")
    return int(rows)


def test_an_open_connection_pins_the_old_publication_until_every_one_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    build_marts_db(data / "analytics.duckdb")
    monkeypatch.chdir(tmp_path)  # the snippet opens data/analytics.duckdb
    snippet: dict[str, object] = {}
    exec(SNIPPET, snippet)  # noqa: S102 - the guide's own code, run as an analyst would
    read = snippet["read"]
    assert len(snippet["rates"]) > 0  # type: ignore[arg-type]
    (old_rows,) = read(COUNT).iloc[0]  # type: ignore[operator]

    kept = duckdb.connect("data/analytics.duckdb", read_only=True)  # an earlier cell's con
    new_rows = _publish(data, seed=7)
    assert new_rows < old_rows
    assert read(COUNT).iloc[0, 0] == old_rows  # type: ignore[operator]  # the old file
    kept.close()
    assert read(COUNT).iloc[0, 0] == new_rows  # type: ignore[operator]  # now the new one
