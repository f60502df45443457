"""Trend charts start at the first period with data; no target steps over empty years
(issue 12, item 10)."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.reports import write_report
from orchestration.reports.html import from_first_data, target_lines
from tests.support.marts_fixture import build_marts_db

TARGETS = pd.DataFrame(
    [
        # plan, indicator, scope, kind, value, year_from, year_to
        ("KH-2023", "online_rate", "province", "min_rate", 0.5, 2023, 2023),
        ("KH-2024", "online_rate", "province", "min_rate", 0.6, 2024, 2024),
    ],
    columns=["plan_code", "indicator", "scope", "kind", "target_value", "year_from", "year_to"],
)
KEYS = ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]


def test_first_data_index() -> None:
    assert from_first_data(KEYS, [None, None, 0.4, 0.5]) == 2
    assert from_first_data(KEYS, [0.1, None, 0.4, 0.5]) == 0
    assert from_first_data(KEYS, [None, None, None, None]) == 3  # only the report's quarter


def test_no_target_step_for_a_year_without_data() -> None:
    lines = target_lines(TARGETS, "online_rate", KEYS, [None, None, 0.4, 0.5])
    assert len(lines) == 1  # 2023 has no figure: its target is not drawn at all
    assert "KH-2024" in lines[0].label
    assert lines[0].values == [None, None, 0.6, 0.6]
    both = target_lines(TARGETS, "online_rate", KEYS, [None, 0.3, 0.4, 0.5])
    assert [line.values for line in both] == [[0.5, 0.5, None, None], [None, None, 0.6, 0.6]]


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("trends")
    analytics = build_marts_db(tmp / "analytics.duckdb")  # quarters from 2022-Q1
    return write_report(analytics, tmp / "out", "2023-Q1")["html"].read_text("utf-8")


def test_charts_start_at_the_first_quarter_with_data(html: str) -> None:
    section = html.split('id="xu-huong"', 1)[1].split("</section>", 1)[0]
    # The window of 8 quarters would begin at 2021-Q2; the data begins at 2022-Q1.
    for empty in ("Q2/21", "Q3/21", "Q4/21"):
        assert empty not in section
    assert "Xu hướng 5 quý gần nhất (Q1/22 – Q1/23" in section
    charts = section.split("<svg")[1:]
    assert len(charts) == 13 and all("Q1/22" in c and "Q1/23" in c for c in charts)
