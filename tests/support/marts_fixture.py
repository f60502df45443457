"""A small but realistic analytics.duckdb (schema ``marts``) for report, quality and guide tests.

The figures are simulated, not built by the pipeline, so these tests do not depend on the
extractors or dbt. They are simulated *consistently*: each agency's dossiers are simulated
month by month (carried over = last month's pending), quarters/halves/years are sums of
their months, levels and the province are sums of agencies, and every rate is
numerator / denominator of summed counts — so the accounting identities that the quality
checks assert hold, and a deliberately broken copy fails them.

Contents: 2 calendars × {month, quarter, half_year, year} for 2022–2024 (12 quarters), the
province, 3 levels, 4 agencies (two provincial departments, a district, a commune that
receives nothing in 2024-Q2), 6 field groups, all 13 indicators, every target of
targets.csv for the years present, two agency reports with a few differences, the service
index (some sub-scores not measured), a file ledger and quarantine summary, the report
identity checks, the national marts (the one province summed and ranked) and (optionally)
the agency catalogue. Every published mart is written with
exactly the columns and types of its enforced dbt contract (orchestration/contract.py reads
them from dbt's manifest), so a column dbt adds must be simulated here too; the tables that
are not dbt models (publish's ``restatements`` and ``publication``) are written as publish
writes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration import contract
from orchestration.publish import RESTATEMENTS_DDL
from orchestration.settings import DBT_PROJECT_DIR

PROVINCE = "T01"
YEARS = (2022, 2023, 2024)
CALENDARS = ("calendar", "official")
CUTOFF_DAY = 15
TARGETS_CSV = DBT_PROJECT_DIR / "seeds" / "targets.csv"
PROFILE_CSV = DBT_PROJECT_DIR / "seeds" / "service_index_profile.csv"
FIELD_GROUPS = ("dau_tu", "dat_dai", "xay_dung", "thue", "hai_quan", "doanh_nghiep")
# The commune receives nothing in this quarter: "agencies with zero dossiers".
EMPTY_AGENCY_QUARTER = "2024-Q2"


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str
    monthly_received: int  # typical dossiers a month
    procedures: int  # catalogue procedures (full/partial) it handles
    has_queue: bool  # a service desk with a ticket queue


AGENCIES = (
    Agency("000.00.01.T01", "Sở Công Thương", "tinh", 120, 14, True),
    Agency("000.00.05.T01", "Sở Tư pháp", "tinh", 80, 10, True),
    Agency("000.00.21.T01", "UBND thành phố Hạ Long", "huyen", 150, 20, True),
    Agency("000.21.31.T01", "UBND xã Bình Tây 1", "xa", 25, 8, False),
)
LEVELS = ("tinh", "huyen", "xa")
# The contract's lists (dbt's manifest): every indicator and count the marts carry.
INDICATORS = tuple(contract.indicators())
ACCOUNTING_COUNTS = tuple(contract.accounting_counts())
# The period and scope columns that open period_accounting and service_rates (the fixture
# holds one province: its code is added to every mart that carries it, _with_province).
PERIOD_SCOPE = [
    c
    for c in contract.mart("period_accounting").column_names
    if c not in ACCOUNTING_COUNTS and c != "province_code"
]
# Flows add up over months; stocks are taken from the first (carried_over) or last month.
_FLOWS = (
    "received",
    "received_online",
    "received_offline",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "withdrawn",
)
_LAST_MONTH = ("pending", "pending_in_time", "pending_overdue")
# Monthly summable counts behind the rates (name → (numerator column, denominator column)).
_RATE_COUNTS: dict[str, tuple[str, str]] = {
    "online_rate": ("received_online", "received"),
    "full_online_rate": ("full_online", "received"),
    "full_online_uptake_rate": ("full_online", "received_full"),
    "on_time_rate": ("resolved_in_time", "resolved"),
    "digitized_intake_rate": ("digitized", "received"),
    "e_result_rate": ("e_result", "resolved"),
    "reuse_rate": ("reused", "received"),
    "online_payment_rate": ("paid_online", "owes_fee"),
    "satisfaction_rate": ("satisfied", "rated"),
    "satisfaction_rate_766": ("not_dissatisfied", "resolved"),
    "avg_wait_minutes": ("wait_minutes", "tickets"),
    "wait_under_10_rate": ("tickets_under_10", "tickets"),
}

# Tables of schema marts that are not dbt models: publish writes them (publish.py).
PUBLISH_DDL: dict[str, str] = {
    "restatements": RESTATEMENTS_DDL,
    "publication": "run_id varchar, published_at timestamp",
}


def table_ddl(table: str) -> str:
    """The ``create table`` body of a fixture table: the contract's for a published mart."""
    published = contract.marts()
    return published[table].ddl() if table in published else PUBLISH_DDL[table]


# --- periods ---------------------------------------------------------------------------


def _month_bounds(calendar: str, year: int, month: int) -> tuple[dt.date, dt.date]:
    if calendar == "calendar":
        start = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    return dt.date(prev_year, prev_month, CUTOFF_DAY), dt.date(year, month, CUTOFF_DAY - 1)


def periods(calendar: str) -> pd.DataFrame:
    """Every period of every grain of the fixture years, with the months it spans (1..36)."""
    rows = []
    for year in YEARS:
        base = (year - YEARS[0]) * 12
        groups = [("year", str(year), range(1, 13))]
        groups += [("half_year", f"{year}-H{h}", range(6 * h - 5, 6 * h + 1)) for h in (1, 2)]
        groups += [("quarter", f"{year}-Q{q}", range(3 * q - 2, 3 * q + 1)) for q in range(1, 5)]
        groups += [("month", f"{year}-{m:02d}", range(m, m + 1)) for m in range(1, 13)]
        for grain, key, months in groups:
            first, last = months[0], months[-1]
            rows.append(
                {
                    "calendar": calendar,
                    "grain": grain,
                    "period_key": key,
                    "period_start": _month_bounds(calendar, year, first)[0],
                    "period_end": _month_bounds(calendar, year, last)[1],
                    "first_month": base + first,
                    "last_month": base + last,
                }
            )
    return pd.DataFrame(rows)


# --- monthly simulation ----------------------------------------------------------------


def _quarter_of_month(month_index: int) -> str:
    year = YEARS[0] + (month_index - 1) // 12
    return f"{year}-Q{((month_index - 1) % 12) // 3 + 1}"


def _simulate_agency(rng: np.random.Generator, agency: Agency, n_months: int) -> pd.DataFrame:
    """Monthly counts of one agency; rates improve over time so trends have a shape."""
    rows = []
    pending_prev = int(agency.monthly_received * 0.3)
    for m in range(1, n_months + 1):
        t = (m - 1) / (n_months - 1)  # 0 → 1 over the three years
        received = int(rng.integers(int(agency.monthly_received * 0.7), agency.monthly_received))
        if agency.level == "xa" and _quarter_of_month(m) == EMPTY_AGENCY_QUARTER:
            received = 0
        online = int(rng.binomial(received, 0.35 + 0.45 * t))
        carried = pending_prev
        to_process = received + carried
        resolved = int(rng.binomial(to_process, 0.75))
        withdrawn = int(rng.binomial(to_process - resolved, 0.05))
        pending = to_process - resolved - withdrawn
        late = int(rng.binomial(resolved, 0.12 - 0.08 * t))
        early = int(rng.binomial(resolved - late, 0.4))
        overdue = int(rng.binomial(pending, 0.1))
        full_online = int(rng.binomial(online, 0.5 + 0.3 * t))
        owes_fee = int(rng.binomial(received, 0.4))
        rated = int(rng.binomial(resolved, 0.5))
        satisfied = int(rng.binomial(rated, 0.93 + 0.05 * t))
        tickets = int(rng.integers(60, 140)) if agency.has_queue else 0
        wait = rng.gamma(2.0, (16.0 - 6.0 * t) / 2.0, size=tickets)
        rows.append(
            {
                "month": m,
                "received": received,
                "received_online": online,
                "received_offline": received - online,
                "carried_over": carried,
                "resolved": resolved,
                "resolved_early": early,
                "resolved_on_time": resolved - late - early,
                "resolved_late": late,
                "withdrawn": withdrawn,
                "pending": pending,
                "pending_in_time": pending - overdue,
                "pending_overdue": overdue,
                "full_online": full_online,
                "received_full": full_online + int(rng.binomial(received - online, 0.3)),
                "resolved_in_time": resolved - late,
                "digitized": int(rng.binomial(received, 0.6 + 0.35 * t)),
                "e_result": int(rng.binomial(resolved, 0.5 + 0.45 * t)),
                "reused": int(rng.binomial(received, 0.2 + 0.4 * t)),
                "owes_fee": owes_fee,
                "paid_online": int(rng.binomial(owes_fee, 0.2 + 0.3 * t)),
                "rated": rated,
                "satisfied": satisfied,
                "not_dissatisfied": resolved - (rated - satisfied),
                "tickets": tickets,
                "wait_minutes": float(np.round(wait.sum(), 1)),
                "tickets_under_10": int((wait < 10).sum()),
            }
        )
        pending_prev = pending
    return pd.DataFrame(rows)


def _simulate_field_group(rng: np.random.Generator, n_months: int) -> pd.DataFrame:
    rows = []
    for m in range(1, n_months + 1):
        resolved = int(rng.integers(20, 60))
        rated = int(rng.binomial(resolved, 0.6))
        satisfied = int(rng.binomial(rated, 0.86 + 0.08 * (m - 1) / (n_months - 1)))
        rows.append(
            {
                "month": m,
                "resolved": resolved,
                "rated": rated,
                "satisfied": satisfied,
                "not_dissatisfied": resolved - (rated - satisfied),
            }
        )
    return pd.DataFrame(rows)


def _aggregate(monthly: pd.DataFrame, cal_periods: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts of one scope → one row per period (flows summed, stocks at the ends)."""
    by_month = monthly.set_index("month")
    rows = []
    for period in cal_periods.itertuples(index=False):
        span = by_month.loc[period.first_month : period.last_month]
        row = {c: int(span[c].sum()) for c in span.columns if c not in ("wait_minutes",)}
        if "wait_minutes" in span.columns:
            row["wait_minutes"] = float(span["wait_minutes"].sum())
        if "carried_over" in span.columns:
            row["carried_over"] = int(span["carried_over"].iloc[0])
            for column in _LAST_MONTH:
                row[column] = int(span[column].iloc[-1])
            row["to_process"] = row["received"] + row["carried_over"]
        row.update(period._asdict())
        rows.append(row)
    return pd.DataFrame(rows)


def _rates(scoped: pd.DataFrame, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Counts per period and scope → one row per indicator; rate NULL when denominator 0."""
    keys = PERIOD_SCOPE
    frames = []
    for indicator in indicators:
        num, den = _RATE_COUNTS[indicator]
        part = scoped[keys].copy()
        part["indicator"] = indicator
        part["numerator"] = scoped[num].astype(float)
        part["denominator"] = scoped[den].astype("int64")
        part["rate"] = (part["numerator"] / part["denominator"]).where(part["denominator"] > 0)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _usage_rates(rng: np.random.Generator, scopes: pd.DataFrame) -> pd.DataFrame:
    """online_service_usage_rate counts distinct procedures, so it is not a sum of months."""
    part = scopes[PERIOD_SCOPE].copy()
    procedures = {a.code: a.procedures for a in AGENCIES}
    procedures |= {lvl: sum(a.procedures for a in AGENCIES if a.level == lvl) for lvl in LEVELS}
    procedures[PROVINCE] = sum(a.procedures for a in AGENCIES)
    den = part["scope_code"].map(procedures).astype("int64")
    share = 0.4 + 0.4 * (part["period_start"].map(lambda d: d.year) - YEARS[0]) / len(YEARS)
    part["indicator"] = "online_service_usage_rate"
    part["numerator"] = rng.binomial(den, share.clip(0, 1)).astype(float)
    part["denominator"] = den
    part["rate"] = part["numerator"] / part["denominator"]
    return part


# --- marts -----------------------------------------------------------------------------


def _accounting_and_rates(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_months = 12 * len(YEARS)
    accounting_frames, rate_frames = [], []
    for calendar in CALENDARS:
        cal_periods = periods(calendar)
        per_agency = {a.code: _simulate_agency(rng, a, n_months) for a in AGENCIES}
        scope_monthly: list[tuple[str, str, pd.DataFrame]] = [
            ("agency", code, frame) for code, frame in per_agency.items()
        ]
        for level in LEVELS:
            members = [per_agency[a.code] for a in AGENCIES if a.level == level]
            scope_monthly.append(("level", level, _sum_months(members)))
        scope_monthly.append(("province", PROVINCE, _sum_months(list(per_agency.values()))))
        scoped = []
        for scope_type, scope_code, monthly in scope_monthly:
            agg = _aggregate(monthly, cal_periods)
            agg["scope_type"], agg["scope_code"] = scope_type, scope_code
            scoped.append(agg)
        scoped_frame = pd.concat(scoped, ignore_index=True)
        accounting_frames.append(scoped_frame)
        summable = tuple(i for i in INDICATORS if i != "online_service_usage_rate")
        rate_frames += [_rates(scoped_frame, summable), _usage_rates(rng, scoped_frame)]
        groups = []
        for group in FIELD_GROUPS:
            agg = _aggregate(_simulate_field_group(rng, n_months), cal_periods)
            agg["scope_type"], agg["scope_code"] = "field_group", group
            groups.append(agg)
        group_frame = pd.concat(groups, ignore_index=True)
        rate_frames.append(_rates(group_frame, ("satisfaction_rate", "satisfaction_rate_766")))
    accounting = pd.concat(accounting_frames, ignore_index=True)
    rates = pd.concat(rate_frames, ignore_index=True)
    return accounting[[*PERIOD_SCOPE, *ACCOUNTING_COUNTS]], rates


def _sum_months(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames).groupby("month", as_index=False).sum()


def _scope_of_target(scope: str) -> tuple[str, str, list[str]]:
    """targets.csv scope → (scope_type, scope_code, service_rates scope codes to sum)."""
    kind, _, value = scope.partition(":")
    if kind == "province":
        return "province", PROVINCE, [PROVINCE]
    if kind == "level":
        return "level", value, [value]
    if kind == "agency":
        code = next(a.code for a in AGENCIES if a.name.casefold() == value.casefold())
        return "agency", code, [code]
    groups = value.split("|")
    return "field_group", value, groups


def _target_attainment(rates: pd.DataFrame) -> pd.DataFrame:
    yearly = rates[rates["grain"] == "year"]
    rows = []
    with TARGETS_CSV.open(encoding="utf-8") as handle:
        targets = list(csv.DictReader(handle))
    for target in targets:
        scope_type, scope_code, members = _scope_of_target(target["scope"])
        # Every plan year is listed, as dbt does; years without data get NULL actual and met.
        for year in range(int(target["year_from"]), int(target["year_to"]) + 1):
            sums = _year_sums(yearly, target, members, year)
            actual = _year_rate(yearly, target, members, year)
            previous = _year_rate(yearly, target, members, year - 1)
            value = float(target["target_value"])
            met: bool | None
            if actual is None:
                met = None
            elif target["kind"] == "min_rate":
                met = actual >= value
            elif target["kind"] == "max_value":
                met = actual <= value
            else:  # min_increase: unknown without the previous year
                met = None if previous is None else actual - previous >= value
            if sums is None:
                status = "no_period"
            elif actual is None:
                status = "no_denominator"
            elif target["kind"] == "min_increase" and previous is None:
                status = "no_previous_year"
            else:
                status = "evaluated"  # the fixture's years are whole years
            start, end, numerator, denominator = sums or (None, None, None, None)
            rows.append(
                {
                    "plan_code": target["plan_code"],
                    "target_code": target["target_code"],
                    "indicator": target["indicator"],
                    "scope_type": scope_type,
                    "scope_code": scope_code,
                    "year": year,
                    "calendar": target["calendar"],
                    "kind": target["kind"],
                    "target_value": value,
                    "actual_value": actual,
                    "met": met,
                    "scope": target["scope"],
                    "period_start": start,
                    "period_end": end,
                    "numerator": numerator,
                    "denominator": denominator,
                    "previous_actual_value": previous,
                    "covers_whole_year": None if sums is None else True,
                    "evaluation_status": status,
                }
            )
    return pd.DataFrame(rows)


def _year_rows(
    yearly: pd.DataFrame, target: dict[str, str], members: list[str], year: int
) -> pd.DataFrame:
    return yearly[
        (yearly["calendar"] == target["calendar"])
        & (yearly["period_key"] == str(year))
        & (yearly["indicator"] == target["indicator"])
        & (yearly["scope_code"].isin(members))
    ]


def _year_sums(
    yearly: pd.DataFrame, target: dict[str, str], members: list[str], year: int
) -> tuple[dt.date, dt.date, float, int] | None:
    """(period_start, period_end, numerator, denominator) of the year; None without one."""
    rows = _year_rows(yearly, target, members, year)
    if rows.empty:
        return None
    return (
        rows["period_start"].min(),
        rows["period_end"].max(),
        float(rows["numerator"].sum()),
        int(rows["denominator"].sum()),
    )


def _year_rate(
    yearly: pd.DataFrame, target: dict[str, str], members: list[str], year: int
) -> float | None:
    sums = _year_sums(yearly, target, members, year)
    return None if sums is None or sums[3] == 0 else sums[2] / sums[3]


# The 11 counts of a Biểu 06 row, in the form's order (the contract's list).
_RECON_MEASURES = tuple(contract.reconciliation_measures())
FIRST_REPORT_ROW = 8  # the sheet row of a report's first field (the form's header above)


def _report_reconciliation(seed: int) -> pd.DataFrame:
    """Two agencies' reports (official 2024-Q1 and calendar 2024-Q2), a few differences."""
    rng = np.random.default_rng(seed + 1)
    reports = [
        ("agency_reports/so_tu_phap_2024Q1.xlsx", "000.00.05.T01", dt.date(2023, 12, 15),
         dt.date(2024, 3, 14), ["Hộ tịch", "Chứng thực"]),
        ("agency_reports/ha_long_2024Q2.xlsx", "000.00.21.T01", dt.date(2024, 4, 1),
         dt.date(2024, 6, 30), ["Đất đai", "Xây dựng"]),
    ]  # fmt: skip
    # (agency, field, measure) whose report disagrees with the system, by how much.
    wrong = {
        ("000.00.05.T01", "Hộ tịch", "resolved_late"): 2,
        ("000.00.21.T01", "Đất đai", "received_online"): -5,
        ("000.00.21.T01", "Đất đai", "to_process"): -5,
    }
    rows = []
    for file_path, agency, start, end, fields in reports:
        totals = dict.fromkeys(_RECON_MEASURES, 0)
        reported_totals = dict.fromkeys(_RECON_MEASURES, 0)
        for row_number, field in enumerate(fields, start=FIRST_REPORT_ROW):
            online, offline, carried = (int(x) for x in rng.integers(5, 40, size=3))
            early, on_time, late = (int(x) for x in rng.integers(0, 20, size=3))
            resolved = early + on_time + late
            to_process = online + offline + carried
            pending = max(to_process - resolved, 0)
            overdue = int(rng.integers(0, pending + 1))
            computed = dict(
                zip(
                    _RECON_MEASURES,
                    (to_process, online, offline, carried, resolved, early, on_time, late)
                    + (pending, pending - overdue, overdue),
                    strict=True,
                )
            )
            for measure, value in computed.items():
                reported = value + wrong.get((agency, field, measure), 0)
                rows.append(
                    (agency, start, end, field, measure, reported, value, file_path, row_number)
                )
                totals[measure] += value
                reported_totals[measure] += reported
        for measure in _RECON_MEASURES:
            total_row = FIRST_REPORT_ROW + len(fields)
            rows.append(
                (agency, start, end, "*", measure, reported_totals[measure], totals[measure])
                + (file_path, total_row)
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "agency_code",
            "period_start",
            "period_end",
            "field_name",
            "measure",
            "reported",
            "computed",
            "file_path",
            "row_number",
        ],
    )
    frame["difference"] = frame["reported"] - frame["computed"]
    frame["within_tolerance"] = frame["difference"].abs() <= 0
    frame["is_total"] = frame["field_name"] == "*"
    frame["field_matched"] = True  # every field of these reports is in the catalogue
    frame["measure_order"] = frame["measure"].map({m: i for i, m in enumerate(_RECON_MEASURES, 1)})
    return frame


def _service_index(rates: pd.DataFrame) -> pd.DataFrame:
    """Items of the profile seed scored proportionally; items with no indicator stay NULL."""
    profile = pd.read_csv(PROFILE_CSV, dtype={"indicator": "string"})
    keys = ["calendar", "grain", "period_key", "scope_type", "scope_code"]
    scoped = rates[rates["scope_type"] != "field_group"]
    by_indicator = scoped.set_index([*keys, "indicator"])["rate"].unstack().reset_index()
    frames = []
    for item in profile.itertuples(index=False):
        part = by_indicator[keys].copy()
        part["group_code"], part["item_code"] = item.group_code, item.item_code
        part["max_points"] = float(item.max_points)
        part["row_kind"], part["provisional"] = "item", bool(item.provisional)
        if pd.isna(item.indicator):
            part["indicator"], part["rate"] = None, np.nan
            part["points"] = np.nan
            part["measurement_status"] = "not_measured"
        else:
            part["indicator"], part["rate"] = item.indicator, by_indicator[item.indicator]
            part["points"] = (by_indicator[item.indicator] * item.max_points).round(2)
            part["measurement_status"] = np.where(part["rate"].isna(), "no_data", "measured")
        frames.append(part)
    items = pd.concat(frames, ignore_index=True)
    items["measured_max_points"] = items["max_points"].where(items["points"].notna())
    group_max = profile.groupby("group_code")["group_max"].first()
    # As dbt publishes it: a row per group (item_code = group_code) and a TOTAL row, whose
    # points sum the scored items (NULL when none is) and whose max is the full maximum.
    groups = _sum_scores(items, [*keys, "group_code"])
    groups["item_code"] = groups["group_code"]
    groups["max_points"] = groups["group_code"].map(group_max).astype(float)
    groups["row_kind"] = "group"
    total = _sum_scores(items, keys)
    total["group_code"], total["item_code"], total["max_points"] = "TOTAL", "TOTAL", 100.0
    total["row_kind"] = "total"
    index = pd.concat([items, groups, total], ignore_index=True)
    dates = scoped[["calendar", "grain", "period_key", "period_start", "period_end"]]
    index = index.merge(dates.drop_duplicates(), on=["calendar", "grain", "period_key"])
    columns = [c for c in contract.mart("service_index").column_names if c != "province_code"]
    return index[columns]


def _sum_scores(items: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Group or TOTAL rows: points of the scored items, and how many of them are scored."""
    sums = items.groupby(by, as_index=False).agg(
        points=("points", lambda s: s.sum(min_count=1)),
        measured_max_points=("measured_max_points", "sum"),
        scored=("points", "count"),
        items=("points", "size"),
        provisional=("provisional", "any"),
    )
    sums["measurement_status"] = np.select(
        [sums["scored"] == sums["items"], sums["scored"] > 0], ["measured", "partial"], "no_data"
    )
    sums["indicator"], sums["rate"] = None, np.nan
    return sums.drop(columns=["scored", "items"])


def _file_ledger() -> tuple[pd.DataFrame, pd.DataFrame]:
    seen = dt.datetime(2024, 7, 1, 8, 0)
    ledger = [
        ("reference/agencies.csv", "reference", "reference", 4, 4, 0, "loaded", None),
        ("reference/procedures.csv", "reference", "reference", 52, 52, 0, "loaded", None),
        ("one_stop/2024/ho_so_2024-05.csv", "one_stop", "A", 820, 812, 8, "loaded", None),
        ("one_stop/2024/ho_so_2024-06.xlsx", "one_stop", "A", 905, 902, 3, "loaded", None),
        ("one_stop/sync/dong_bo_2024-06.jsonl", "one_stop", "B", 310, 310, 0, "loaded", None),
        ("one_stop/2024/ho_so_2024-06_copy.xlsx", "one_stop", None, None, None, None,
         "duplicate", None),
        ("one_stop/2024/hong.csv", "one_stop", None, None, None, None, "rejected",
         "Tệp one_stop/2024/hong.csv thiếu cột bắt buộc: Mã hồ sơ, Trạng thái / "
         "file one_stop/2024/hong.csv lacks required headers: Mã hồ sơ, Trạng thái"),
        ("agency_reports/so_tu_phap_2024Q1.xlsx", "agency_reports", "bieu06", 3, 3, 0,
         "loaded", None),
        ("queue/ve_2024-06.csv", "queue", "queue", 400, 398, 2, "loaded", None),
    ]  # fmt: skip
    frame = pd.DataFrame(
        ledger,
        columns=[
            "file_path",
            "source",
            "layout",
            "rows_read",
            "rows_loaded",
            "rows_quarantined",
            "status",
            "message",
        ],
    )
    frame["sha256"] = [f"{i:064x}" for i in range(len(frame))]
    # The duplicate has the same content as the file it copies.
    frame.loc[frame["status"] == "duplicate", "sha256"] = frame.loc[3, "sha256"]
    frame["first_seen_at"] = [seen + dt.timedelta(minutes=i) for i in range(len(frame))]
    quarantine = pd.DataFrame(
        [
            ("one_stop/2024/ho_so_2024-05.csv", "unknown_agency", 5),
            ("one_stop/2024/ho_so_2024-05.csv", "bad_date", 3),
            ("one_stop/2024/ho_so_2024-06.xlsx", "missing_completion_date", 3),
            ("queue/ve_2024-06.csv", "bad_date", 2),
        ],
        columns=["file_path", "reason", "rows"],
    )
    return frame, quarantine


def _identity_checks() -> pd.DataFrame:
    """One broken rule of the Sở Tư pháp report: its resolved total is not its parts' sum."""
    return pd.DataFrame(
        [
            {
                "file_path": "agency_reports/so_tu_phap_2024Q1.xlsx",
                "agency_code": "000.00.05.T01",
                "period_start": dt.date(2023, 12, 15),
                "period_end": dt.date(2024, 3, 14),
                "is_current": True,
                "row_number": FIRST_REPORT_ROW,
                "field_name": "Hộ tịch",
                "rule": "resolved_identity",
                "measure": "resolved",
                "rule_expression": "resolved = resolved_early + resolved_on_time + resolved_late",
                "left_value": 30,
                "right_value": 28,
                "difference": 2,
            }
        ]
    )


def _restatements(rates: pd.DataFrame) -> pd.DataFrame:
    """A late file changed two already-published figures of official 2024-Q1 (publish.py
    records these in marts.restatements: old and new numerator, denominator, rate)."""
    keys = [*PERIOD_SCOPE, "indicator"]
    new = rates[
        (rates["calendar"] == "official")
        & (rates["period_key"] == "2024-Q1")
        & (rates["scope_type"] == "province")
        & rates["indicator"].isin(["online_rate", "on_time_rate"])
    ]
    frame = new[keys].copy()
    frame["old_numerator"] = new["numerator"] - 12
    frame["old_denominator"] = new["denominator"] - 15
    frame["old_rate"] = frame["old_numerator"] / frame["old_denominator"]
    frame["new_numerator"] = new["numerator"]
    frame["new_denominator"] = new["denominator"]
    frame["new_rate"] = new["rate"]
    frame["previously_published_at"] = dt.datetime(2024, 4, 1, 6, 0)
    frame["run_id"] = "run-2024-07-02"
    frame["restated_at"] = dt.datetime(2024, 7, 2, 6, 0)
    frame["mart"] = "service_rates"
    return frame


# --- national marts: the provinces' rows summed and ranked (the fixture has one province) -


NATIONAL_PERIOD = ["calendar", "grain", "period_key", "period_start", "period_end"]


def _national_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Sum of numerators / sum of denominators over the province rows, never a mean."""
    provinces = rates[rates["scope_type"] == "province"]
    out = provinces.groupby([*NATIONAL_PERIOD, "indicator"], as_index=False).agg(
        provinces=("scope_code", "size"),
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
    )
    out["rate"] = (out["numerator"] / out["denominator"]).where(out["denominator"] > 0)
    return out


def _national_accounting(accounting: pd.DataFrame) -> pd.DataFrame:
    provinces = accounting[accounting["scope_type"] == "province"]
    sums = {c: (c, "sum") for c in ACCOUNTING_COUNTS}
    return provinces.groupby(NATIONAL_PERIOD, as_index=False).agg(
        provinces=("scope_code", "size"), **sums
    )


def _province_ranking(rates: pd.DataFrame) -> pd.DataFrame:
    """Competition rank, best first (the shortest wait for the minute indicator)."""
    provinces = rates[rates["scope_type"] == "province"]
    ranked = provinces.rename(columns={"scope_code": "province_code"})
    lower_is_better = ranked["indicator"].isin(contract.MINUTE_INDICATORS)
    best_first = ranked["rate"].where(lower_is_better, -ranked["rate"])
    partition = [ranked[c] for c in ("calendar", "grain", "period_key", "indicator")]
    ranked["rank_in_country"] = best_first.groupby(partition).rank(method="min").astype("Int64")
    ranked["provinces_ranked"] = ranked["rate"].groupby(partition).transform("count")
    return ranked


def build_marts_frames(seed: int = 20240615) -> dict[str, pd.DataFrame]:
    """Every mart of the contract (and a few extras) as frames, deterministic for a seed.

    A fresh dict each call (callers may drop tables); the frames are simulated once per
    process and shared, so callers must not modify them in place.
    """
    return dict(_simulated_marts(seed))


def _with_province(frame: pd.DataFrame) -> pd.DataFrame:
    """The fixture's one province as the scope above level."""
    return frame.assign(province_code=PROVINCE)


@functools.cache
def _simulated_marts(seed: int) -> dict[str, pd.DataFrame]:
    accounting, rates = _accounting_and_rates(seed)
    ledger, quarantine = _file_ledger()
    return {
        "period_accounting": _with_province(accounting),
        "service_rates": _with_province(rates),
        "national_rates": _national_rates(rates),
        "national_accounting": _national_accounting(accounting),
        "province_ranking": _province_ranking(rates),
        "target_attainment": _with_province(_target_attainment(rates)),
        "report_reconciliation": _report_reconciliation(seed),
        "service_index": _with_province(_service_index(rates)),
        "file_ledger": ledger,
        "quarantine_summary": quarantine,
        "report_identity_checks": _identity_checks(),
        "dim_agencies": pd.DataFrame(
            [
                (a.code, a.name, a.level, "000.00.21.T01" if a.level == "xa" else None, PROVINCE)
                for a in AGENCIES
            ],
            columns=["agency_code", "agency_name", "level", "parent_code", "province_code"],
        ),
        "restatements": _with_province(_restatements(rates)),
        "publication": pd.DataFrame(
            {"run_id": ["run-2024-07-02"], "published_at": [dt.datetime(2024, 7, 2, 6, 0)]}
        ),
    }


def write_marts(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Write frames into ``path`` as typed tables of schema ``marts`` (replacing the file).

    A published mart gets its contract's columns, in order: a frame that lacks one fails
    here (KeyError), so the fixture cannot drift from dbt's contracts.
    """
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        for table, frame in frames.items():
            ddl = table_ddl(table)
            columns = [part.split()[0] for part in ddl.replace("\n", " ").split(",")]
            con.execute(f"create table marts.{table} ({ddl})")
            con.register("incoming", frame[columns])
            con.execute(f"insert into marts.{table} select * from incoming")
            con.unregister("incoming")
    finally:
        con.close()
    return path


def build_marts_db(path: Path, *, with_dim_agencies: bool = True, seed: int = 20240615) -> Path:
    """Build the fixture analytics database at ``path`` and return it."""
    frames = build_marts_frames(seed)
    if not with_dim_agencies:
        del frames["dim_agencies"]
    return write_marts(path, frames)
