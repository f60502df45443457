"""Service-index ranking by share of the measured maximum (issue 12, item 9), hand-made."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pytest

from orchestration.reports.tables import index_ranking

COLUMNS = ["scope_type", "scope_code", "group_code", "item_code", "points", "max_points"]


@dataclass
class _Data:
    """The two members of ReportData that index_ranking reads."""

    service_index: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)

    def agency_name(self, code: str) -> str:
        return self.names.get(code, code)


def _agency(code: str, items: list[tuple[str, float | None, float]]) -> list[tuple]:
    """Item rows, the group's own row and the TOTAL row, as the mart publishes them."""
    scored = [p for _, p, _ in items if p is not None]
    points = sum(scored) if scored else None
    maximum = sum(m for _, _, m in items)
    rows = [("agency", code, "g1", item, p, m) for item, p, m in items]
    rows.append(("agency", code, "g1", "g1", points, maximum))
    rows.append(("agency", code, "TOTAL", "TOTAL", points, maximum))
    return rows


@pytest.fixture
def ranking() -> pd.DataFrame:
    # A: 72 of 82 measured (87.8%). B: 70 of 78 measured — its 4-point queue item is not
    # measured (no desk) — 89.7%: B ranks first although it has fewer points.
    # C: nothing measured: no share, last. The province row is not an agency: ignored.
    rows = [
        *_agency("A", [("i1", 40.0, 42.0), ("i2", 32.0, 40.0), ("i3", None, 4.0)]),
        *_agency("B", [("i1", 38.0, 42.0), ("i2", 32.0, 36.0), ("i3", None, 4.0)]),
        *_agency("C", [("i1", None, 42.0)]),
        ("province", "T01", "TOTAL", "TOTAL", 99.0, 100.0),
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return index_ranking(_Data(frame, {"A": "Sở A", "B": "Sở B", "C": "Xã C"}))  # type: ignore[arg-type]


def test_ranks_by_share_of_the_measured_maximum_not_raw_points(ranking: pd.DataFrame) -> None:
    assert list(ranking["scope_code"]) == ["B", "A", "C"]
    b, a, c = ranking.to_dict("records")
    assert (b["points"], b["measured_max"], b["max_points"]) == (70.0, 78.0, 82.0)
    assert (a["points"], a["measured_max"], a["max_points"]) == (72.0, 82.0, 86.0)
    assert b["share"] == pytest.approx(70 / 78) and a["share"] == pytest.approx(72 / 82)
    assert b["points"] < a["points"]  # raw points would have put A first
    assert pd.isna(c["share"]) and c["measured_max"] == 0.0
    assert b["name"] == "Sở B"


def test_equal_shares_break_ties_by_points_then_name() -> None:
    rows = [
        *_agency("Y", [("i1", 20.0, 40.0)]),
        *_agency("X", [("i1", 10.0, 20.0)]),
        *_agency("W", [("i1", 10.0, 20.0)]),
    ]
    ranked = index_ranking(_Data(pd.DataFrame(rows, columns=COLUMNS)))  # type: ignore[arg-type]
    assert list(ranked["scope_code"]) == ["Y", "W", "X"]


def test_html_ranking_shows_share_and_points(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from orchestration.reports import write_report
    from orchestration.reports.data import load_report_data
    from orchestration.reports.numbers import fmt_percent, fmt_points
    from tests.support.marts_fixture import build_marts_db

    analytics = build_marts_db(tmp_path / "analytics.duckdb")
    html = write_report(analytics, tmp_path / "out", "2024-Q2")["html"].read_text("utf-8")
    ranked = index_ranking(load_report_data(analytics, "2024-Q2", "official"))
    section = html.split('id="chi-so-phuc-vu"', 1)[1]
    assert "<th>Tỷ lệ đạt</th>" in section and "<th>Điểm</th>" in section
    first = ranked.iloc[0]
    row = f"<td>{first['name']}</td><td>{fmt_percent(first['share'])}</td>"
    assert row.replace("<td>", "") in section.replace('<td class="num">', "").replace("<td>", "")
    assert fmt_points(first["points"]) in section
    shares = list(ranked["share"].dropna())
    assert shares == sorted(shares, reverse=True)
