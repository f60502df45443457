"""Every ```sql block of docs/analyst-guide.md runs on the fixture marts and returns columns."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_ROOT
from tests.support.marts_fixture import build_marts_db

GUIDE = PROJECT_ROOT / "docs" / "analyst-guide.md"
SQL_BLOCKS = re.findall(r"^```sql\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.S | re.M)


@pytest.fixture(scope="module")
def analytics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marts_db(tmp_path_factory.mktemp("marts") / "analytics.duckdb")


def test_the_guide_has_ten_questions_and_more() -> None:
    assert len(SQL_BLOCKS) >= 12  # CSV export, worked example, ten questions


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"block{i}" for i in range(len(SQL_BLOCKS))])
def test_sql_block_runs_read_only(
    sql: str, analytics: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the COPY example writes its CSV into the working directory
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        cursor = con.execute(sql)
        assert cursor.description, "the query returns no columns"
        cursor.fetchall()
    finally:
        con.close()
