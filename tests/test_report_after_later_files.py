"""A past period's report, regenerated after later periods' files land, shows the same
figures, except where `marts.restatements` lists a change for that period (issue 12,
item 8). Two real deliveries of the sample: first everything exported up to 30/09/2024,
then the rest (exports of Q4 2024 carry updates of dossiers received earlier)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.reports.data import load_report_data
from orchestration.settings import Settings
from tests.support.pipeline import SAMPLE_LANDING, copy_landing, run_cli

PERIOD, CALENDAR = "2024-Q2", "official"
FIRST_DELIVERY_UNTIL = "20240930"
_DATE = re.compile(r"(20\d\d)-?([01]\d)(?:-?([0-3]\d))?")
_QUARTER = re.compile(r"(20\d\d)Q([1-4])")
RATE_KEY = ["scope_type", "scope_code", "indicator"]


def _starts_after_first_delivery(relative: str) -> bool:
    """Whether a landed file's export window starts after the first delivery's end."""
    name = Path(relative).name
    quarter = _QUARTER.search(name)
    if quarter:
        first_month = 3 * int(quarter[2]) - 2
        return f"{quarter[1]}{first_month:02d}01" > FIRST_DELIVERY_UNTIL
    found = _DATE.search(name)
    if not found or relative.startswith("reference/"):
        return False
    return f"{found[1]}{found[2]}{found[3] or '01'}" > FIRST_DELIVERY_UNTIL


@pytest.fixture(scope="module")
def deliveries(scratch) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    later = [
        path.relative_to(SAMPLE_LANDING).as_posix()
        for path in sorted(SAMPLE_LANDING.rglob("*"))
        if path.is_file()
        and _starts_after_first_delivery(path.relative_to(SAMPLE_LANDING).as_posix())
    ]
    assert len(later) > 10, later  # a real second delivery, not an empty one
    data_dir = scratch.mktemp("two-deliveries") / "data"
    first = copy_landing(scratch.mktemp("first-delivery") / "landing", exclude=later)
    run_cli(["run"], data_dir, first)
    analytics = Settings(first, data_dir).analytics_path
    before = load_report_data(analytics, PERIOD, CALENDAR).rates
    run_cli(["run"], data_dir, SAMPLE_LANDING)  # the rest lands: the nightly run takes it
    after = load_report_data(analytics, PERIOD, CALENDAR).rates
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        restated = con.execute(
            "select * from marts.restatements where calendar = ? and period_key = ?",
            [CALENDAR, PERIOD],
        ).df()
    finally:
        con.close()
    return before, after, restated


def _changed(before: pd.DataFrame, after: pd.DataFrame) -> set[tuple[str, str, str]]:
    merged = before.merge(after, on=RATE_KEY, how="outer", suffixes=("_old", "_new"))
    numerator_moved = ~(
        (merged["numerator_old"].isna() & merged["numerator_new"].isna())
        | ((merged["numerator_old"] - merged["numerator_new"]).abs() <= 1e-9)
    )
    denominator_moved = merged["denominator_old"].fillna(-1) != merged["denominator_new"].fillna(-1)
    moved = merged[numerator_moved | denominator_moved]
    return set(moved[RATE_KEY].itertuples(index=False, name=None))


def test_the_past_periods_figures_change_only_where_restatements_say(deliveries) -> None:
    before, after, restated = deliveries
    assert len(before) == len(after) > 0
    # The rates' restatements (the accounting counts' may sit beside them).
    rates_restated = restated[restated["indicator"].isin(set(before["indicator"]))]
    listed = set(rates_restated[RATE_KEY].itertuples(index=False, name=None))
    # Every figure of the regenerated report that moved is listed, and nothing else is.
    assert _changed(before, after) == listed
    for row in rates_restated.itertuples(index=False):
        old = before.set_index(RATE_KEY).loc[(row.scope_type, row.scope_code, row.indicator)]
        assert old["denominator"] == row.old_denominator
