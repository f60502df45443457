"""Read what one report needs from the published analytics database, read-only.

One short read-only connection: the published file is replaced atomically by the pipeline,
and a report must neither block that nor see a half-built state. Everything is read up
front into frames; rendering never touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.contract import select_sql
from orchestration.partitions import Period, last_quarter_of, parse_period_key, quarters_ending
from orchestration.reports.heading import Heading, report_heading

# Tables that may name agencies (not part of the contract): the first one present is used.
AGENCY_NAME_TABLES = ("dim_agencies", "agencies")
TREND_QUARTERS = 8


@dataclass(frozen=True)
class Agency:
    code: str
    name: str | None
    level: str | None


@dataclass(frozen=True)
class ReportData:
    period: Period
    province_code: str | None
    accounting: pd.DataFrame  # period_accounting rows of the period, every scope
    rates: pd.DataFrame  # service_rates rows of the period, every scope
    trend: pd.DataFrame  # province service_rates of the quarters ending with the period
    trend_keys: list[str]  # those quarters, oldest first (some may have no rows)
    attainment: pd.DataFrame  # target_attainment of the period's year and the year before
    months: pd.DataFrame  # month service_rates of those two years, every calendar and scope
    reconciliation: pd.DataFrame  # report rows whose window overlaps the period
    service_index: pd.DataFrame  # service_index rows of the period
    file_ledger: pd.DataFrame
    quarantine: pd.DataFrame
    agencies: dict[str, Agency]
    published_at: dt.datetime | None  # marts.publication, when the build records it
    heading: Heading  # issuing body, quốc hiệu, place and date (reports/heading.py)

    def agency_name(self, code: str) -> str:
        agency = self.agencies.get(code)
        return agency.name if agency and agency.name else code


def report_provinces(analytics_path: Path) -> list[str | None]:
    """Whose reports a publication makes: ``[None]`` when it holds one province (its
    reports keep their names), else every province code, in order."""
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        codes = [
            code
            for (code,) in con.execute(
                "select distinct scope_code from marts.period_accounting "
                "where scope_type = 'province' order by scope_code"
            ).fetchall()
        ]
    finally:
        con.close()
    return [None] if len(codes) <= 1 else codes


def load_report_data(
    analytics_path: Path, period_key: str, calendar: str, province: str | None = None
) -> ReportData:
    """``province``: the province whose report this is; None for a one-province
    publication (a many-province one must name it: ValueError)."""
    key = parse_period_key(period_key)
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        period = _find_period(con, calendar, key.grain, key.key, key.year, key.number)
        in_period = "where calendar = ? and grain = ? and period_key = ?"
        period_args = [calendar, key.grain, key.key]
        accounting = _df(con, select_sql("period_accounting") + f" {in_period}", period_args)
        rates = _df(con, select_sql("service_rates") + f" {in_period}", period_args)
        trend_keys = quarters_ending(*last_quarter_of(key), count=TREND_QUARTERS)
        trend = _df(
            con,
            select_sql("service_rates")
            + " where calendar = ? and grain = 'quarter' and scope_type = 'province'"
            " and list_contains(?, period_key)",
            [calendar, trend_keys],
        )
        attainment = _df(
            con,
            select_sql("target_attainment") + " where year in (?, ?)",
            [key.year, key.year - 1],
        )
        months = _df(
            con,
            select_sql("service_rates") + " where grain = 'month' and period_key like ?"
            " or grain = 'month' and period_key like ?",
            [f"{key.year}-%", f"{key.year - 1}-%"],
        )
        # Both windows include both end days, so they overlap unless one ends first.
        reconciliation = _df(
            con,
            select_sql("report_reconciliation") + " where period_start <= ? and period_end >= ?",
            [period.end, period.start],
        )
        service_index = _df(con, select_sql("service_index") + f" {in_period}", period_args)
        file_ledger = _df(con, select_sql("file_ledger") + " order by file_path", [])
        quarantine = _df(con, select_sql("quarantine_summary") + " order by file_path", [])
        tables = _marts_columns(con)
        agencies = _read_agencies(con, tables)
        published_at = (
            con.execute("select max(published_at) from marts.publication").fetchone()[0]
            if "published_at" in tables.get("publication", set())
            else None
        )
    finally:
        con.close()
    provinces = sorted(set(accounting.loc[accounting["scope_type"] == "province", "scope_code"]))
    one_province = len(provinces) <= 1
    if province is None and not one_province:
        raise ValueError(
            f"Dữ liệu có {len(provinces)} tỉnh ({', '.join(provinces)}): chọn một tỉnh "
            "(--province). / The publication holds several provinces: name one (--province)."
        )
    if province is not None and province not in provinces:
        raise LookupError(
            f"Không có tỉnh {province} trong kỳ {key.key}; các tỉnh có: "
            f"{', '.join(provinces) or 'không có / none'} / province not in the marts"
        )
    province_code = province or (provinces[0] if provinces else None)
    data = ReportData(
        period=period,
        province_code=province_code,
        accounting=accounting,
        rates=rates,
        trend=trend,
        trend_keys=trend_keys,
        attainment=attainment,
        months=months,
        reconciliation=reconciliation,
        service_index=service_index,
        file_ledger=file_ledger,
        quarantine=quarantine,
        agencies=agencies,
        published_at=published_at,
        heading=report_heading(province_code, published_at, period.end, one_province=one_province),
    )
    return data if one_province else _of_province(data, str(province_code))


def _of_province(data: ReportData, province: str) -> ReportData:
    """A many-province publication's rows of one province: the marts' rows by their
    province_code, the files by their folder (landing/<province>/...), the agencies by the
    province's agency scopes."""

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["province_code"] == province].reset_index(drop=True)

    def files(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["file_path"].str.startswith(f"{province}/")].reset_index(drop=True)

    accounting = rows(data.accounting)
    agency_codes = set(accounting.loc[accounting["scope_type"] == "agency", "scope_code"])
    return replace(
        data,
        accounting=accounting,
        rates=rows(data.rates),
        trend=rows(data.trend),
        attainment=rows(data.attainment),
        months=rows(data.months),
        reconciliation=files(data.reconciliation),
        service_index=rows(data.service_index),
        file_ledger=files(data.file_ledger),
        quarantine=files(data.quarantine),
        agencies={code: a for code, a in data.agencies.items() if code in agency_codes},
    )


def _df(con: duckdb.DuckDBPyConnection, sql: str, args: list[object]) -> pd.DataFrame:
    return con.execute(sql, args).df()


def _find_period(
    con: duckdb.DuckDBPyConnection, calendar: str, grain: str, key: str, year: int, number: int
) -> Period:
    row = con.execute(
        "select min(period_start), max(period_end) from marts.period_accounting"
        " where calendar = ? and grain = ? and period_key = ?",
        [calendar, grain, key],
    ).fetchone()
    if row is None or row[0] is None:
        known = con.execute(
            "select distinct period_key from marts.period_accounting"
            " where calendar = ? and grain = ? order by period_key",
            [calendar, grain],
        ).fetchall()
        available = ", ".join(k for (k,) in known) or "không có / none"
        raise LookupError(
            f"Không có kỳ {key} (lịch {calendar}) trong marts.period_accounting; các kỳ có: "
            f"{available} / period {key} ({calendar}) is not in the marts"
        )
    return Period(calendar, grain, key, year, number, row[0], row[1])


def _marts_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Tables of schema marts and their columns (to use optional tables when present)."""
    rows = con.execute(
        "select table_name, list(column_name) from information_schema.columns"
        " where table_schema = 'marts' group by table_name"
    ).fetchall()
    return {table: set(columns) for table, columns in rows}


def _read_agencies(
    con: duckdb.DuckDBPyConnection, tables: dict[str, set[str]]
) -> dict[str, Agency]:
    """Agency names, if the marts publish a table of them; codes alone otherwise."""
    for table in AGENCY_NAME_TABLES:
        columns = tables.get(table, set())
        if {"agency_code", "agency_name"} <= columns:
            level = "level" if "level" in columns else "null"
            rows = con.execute(
                f"select agency_code, agency_name, {level} from marts.{table}"
            ).fetchall()
            return {code: Agency(code, name, lvl) for code, name, lvl in rows}
    return {}
