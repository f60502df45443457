"""The frames the checks validate: each mart's contract columns, plus helper columns.

Rules across columns or rows ("|difference| = |reported − computed|", "met agrees
with actual vs target") are computed here as one helper column each — e.g.
``chk_met_matches_actual`` must be true — so every rule is one plainly named expectation
in the results and in Data Docs, instead of an expression hidden in a row condition.
Helper columns start with ``chk_``. The identities and the rate bounds are dbt's tests,
not helpers here (see suites.py for what GX checks and what it leaves to dbt).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration.contract import TOTAL_CODE, marts
from orchestration.partitions import period_keys_between

# Marts with one row set per period: every period between the first and the last must be
# there, each with as many rows as any other period of its calendar and grain.
PERIODIC_MARTS = ("period_accounting", "service_rates", "service_index")
COVERAGE = "period_coverage"


def read_marts(analytics_path: Path) -> dict[str, pd.DataFrame | None]:
    """Contract columns of every mart; None for a mart that is not published at all.

    A contract column that is missing is left out (not an error here): the suite's
    "column exists" expectation then fails and names it.
    """
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        present = {
            table: {
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'marts' and table_name = ?",
                    [table],
                ).fetchall()
            }
            for table in marts()
        }
        frames: dict[str, pd.DataFrame | None] = {}
        for table, contract in marts().items():
            columns = [c for c in contract.column_names if c in present[table]]
            frames[table] = (
                con.execute(f"select {', '.join(columns)} from marts.{table}").df()
                if columns
                else None
            )
        return frames
    finally:
        con.close()


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    # Nullable integer columns → float, so helper arithmetic propagates NULL as NaN.
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def with_helpers(
    table: str, frame: pd.DataFrame, marts: dict[str, pd.DataFrame | None]
) -> pd.DataFrame:
    """The mart's frame plus its helper columns (none when a contract column is missing)."""
    frame = frame.copy()
    # A missing contract column: its column-exists expectation names it; the helpers that
    # need it are absent, so their expectations fail too rather than crash the run.
    with contextlib.suppress(KeyError):
        _add_helpers(table, frame, marts)
    return frame


def _add_helpers(table: str, frame: pd.DataFrame, marts: dict[str, pd.DataFrame | None]) -> None:
    if table == "target_attainment":
        actual, target = _num(frame, "actual_value"), _num(frame, "target_value")
        verdict = pd.Series(np.nan, index=frame.index, dtype="object")
        known = actual.notna() & frame["met"].notna()
        for kind, ok in (("min_rate", actual >= target), ("max_value", actual <= target)):
            rows = known & (frame["kind"] == kind)
            verdict[rows] = ok[rows] == frame.loc[rows, "met"].astype(bool)
        frame["chk_met_matches_actual"] = verdict
    elif table == "report_reconciliation":
        gap = (_num(frame, "reported") - _num(frame, "computed")).abs()
        frame["chk_difference_error"] = _num(frame, "difference").abs() - gap
    elif table == "service_index":
        keys = ["calendar", "grain", "period_key", "province_code", "scope_type", "scope_code"]
        is_total = (frame["group_code"] == TOTAL_CODE).astype(int)
        totals = is_total.groupby([frame[k] for k in keys], dropna=False).transform("sum")
        frame["chk_total_rows_of_scope"] = totals
    elif table == "file_ledger":
        rejected = frame["status"] == "rejected"
        frame["chk_rejected_has_message"] = (~rejected) | frame["message"].fillna("").ne("")
    elif table == "quarantine_summary":
        ledger = marts.get("file_ledger")
        known = set(ledger["file_path"]) if ledger is not None else set()
        frame["chk_file_in_ledger"] = frame["file_path"].isin(known)


def coverage(marts: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """One row per mart, calendar, grain and *expected* period: is it there, with how many rows.

    Expected = every key from the first to the last of that calendar and grain. A period
    with fewer rows than the fullest one lost scopes (or indicators, or index items).
    """
    rows = []
    for mart in PERIODIC_MARTS:
        frame = marts.get(mart)
        if frame is None or frame.empty:
            continue
        counts = frame.groupby(["calendar", "grain", "period_key"]).size()
        for (calendar, grain), per_key in counts.groupby(level=[0, 1]):
            found = {key: int(n) for (_, _, key), n in per_key.items()}
            fullest = max(found.values())
            try:
                expected = period_keys_between(grain, min(found), max(found))
            except (KeyError, ValueError):  # unknown grain or malformed key: list what is there
                expected = sorted(found)
            for key in sorted(set(expected) | set(found)):
                rows.append(_coverage_row(mart, calendar, grain, key, found.get(key, 0), fullest))
    columns = ["mart", "calendar", "grain", "period_key", "rows", "rows_of_fullest_period"]
    return pd.DataFrame(rows, columns=[*columns, "missing_period", "short_period"])


def _coverage_row(
    mart: str, calendar: str, grain: str, key: str, count: int, fullest: int
) -> dict[str, object]:
    # The two check columns hold a readable label only where something is wrong, so the
    # failed expectation's sample names the period itself (expected NULL everywhere).
    where = f"{mart} {calendar} {grain} {key}"
    return {
        "mart": mart,
        "calendar": calendar,
        "grain": grain,
        "period_key": key,
        "rows": count,
        "rows_of_fullest_period": fullest,
        "missing_period": where if count == 0 else None,
        "short_period": f"{where}: {count} < {fullest}" if 0 < count < fullest else None,
    }
