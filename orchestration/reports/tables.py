"""The report's tables, shaped once from the marts and rendered twice (workbook and HTML).

Pure pandas, no formatting: values stay numbers (NULL stays NULL, never 0) and labels are
attached here so both renderings say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from orchestration.contract import (
    TOTAL_CODE,
    accounting_counts,
    indicators,
    reconciliation_measures,
)
from orchestration.reports import labels
from orchestration.reports.data import ReportData
from orchestration.reports.seeds import attach_attainment
from orchestration.reports.year_to_date import year_to_date

LEVEL_ORDER = list(labels.LEVELS)
# targets.csv cites a plan as "<extracted text file> <section>"; the file is ours, not the
# plan's: an official is shown the section only.
_INTERNAL_FILE = re.compile(r"^\S+\.(?:txt|pdf|docx?|html?)\s*", re.IGNORECASE)


def plan_section(source: object) -> str | None:
    """``001_ce59746d853f6be3.txt II.2(2)`` → ``Mục II.2(2)``; no section → None."""
    if source is None or not isinstance(source, str):
        return None
    section = _INTERNAL_FILE.sub("", source.strip()).strip()
    if not section:
        return None
    return section if section.lower().startswith(("mục", "phụ lục")) else f"Mục {section}"


def value(raw: object) -> float | None:
    """A mart value as a plain float, NULL (None / NaN / pd.NA) as None."""
    if raw is None or bool(pd.isna(raw)):  # type: ignore[arg-type]
        return None
    return float(raw)  # type: ignore[arg-type]


def indicator_table(data: ReportData, scope_type: str, scope_code: str | None) -> pd.DataFrame:
    """Every indicator (contract order) for one scope: label, numerator, denominator, rate.

    An indicator the mart has no row for still gets a line, with NULL figures, so a
    reader sees it is missing rather than wondering whether it was forgotten.
    """
    rates = data.rates
    rows = rates[(rates["scope_type"] == scope_type) & (rates["scope_code"] == scope_code)]
    by_indicator = rows.drop_duplicates("indicator").set_index("indicator")
    records = []
    for indicator in indicators():
        row = by_indicator.loc[indicator] if indicator in by_indicator.index else None
        numerator_terms, denominator_terms = labels.INDICATOR_TERMS[indicator]
        records.append(
            {
                "indicator": indicator,
                "label": labels.INDICATORS[indicator],
                "numerator": None if row is None else value(row["numerator"]),
                "denominator": None if row is None else value(row["denominator"]),
                "rate": None if row is None else value(row["rate"]),
                "numerator_terms": numerator_terms,
                "denominator_terms": denominator_terms,
            }
        )
    return pd.DataFrame(records)


def accounting_row(data: ReportData, scope_type: str, scope_code: str | None) -> dict[str, float]:
    acc = data.accounting
    rows = acc[(acc["scope_type"] == scope_type) & (acc["scope_code"] == scope_code)]
    if rows.empty:
        return {}
    return {c: value(rows.iloc[0][c]) for c in accounting_counts()}  # type: ignore[misc]


def scope_table(data: ReportData, scope_type: str) -> pd.DataFrame:
    """One row per scope of a type (level or agency): counts, then one column per rate."""
    acc = data.accounting[data.accounting["scope_type"] == scope_type]
    rates = data.rates[data.rates["scope_type"] == scope_type]
    wide = rates.pivot_table(
        index="scope_code", columns="indicator", values="rate", aggfunc="first", dropna=False
    )
    table = acc[["scope_code", *accounting_counts()]].merge(
        wide.reindex(columns=indicators()), left_on="scope_code", right_index=True, how="outer"
    )
    if scope_type == "level":
        table["name"] = table["scope_code"].map(lambda c: labels.label(labels.LEVELS, c))
        table["level"] = table["scope_code"]
    else:
        table["name"] = table["scope_code"].map(data.agency_name)
        table["level"] = table["scope_code"].map(
            lambda c: data.agencies[c].level if c in data.agencies else None
        )
    order = {lvl: i for i, lvl in enumerate(LEVEL_ORDER)}
    table["_level_order"] = table["level"].map(order).fillna(len(order))
    sort_by = ["_level_order", "scope_code"] if scope_type == "level" else ["_level_order", "name"]
    return table.sort_values(sort_by).drop(columns="_level_order").reset_index(drop=True)


def agency_ranking(data: ReportData, indicator: str) -> pd.DataFrame:
    """Agencies by one rate, best first; agencies without a rate (no dossiers) last."""
    rates = data.rates
    rows = rates[(rates["scope_type"] == "agency") & (rates["indicator"] == indicator)]
    ranked = rows[["scope_code", "numerator", "denominator", "rate"]].copy()
    ranked["name"] = ranked["scope_code"].map(data.agency_name)
    # Waiting time: fewer minutes is better.
    ascending = indicator in labels.MINUTE_INDICATORS
    ranked = ranked.sort_values(["rate", "name"], ascending=[ascending, True], na_position="last")
    return ranked.reset_index(drop=True)


def target_table(data: ReportData, targets: pd.DataFrame) -> pd.DataFrame:
    """Every target of targets.csv applying to the report's year, judged on the year to
    date as of the report period's end (see year_to_date.py)."""
    year = data.period.year
    rows = attach_attainment(targets, data.attainment, year)
    rows = year_to_date(rows, data.attainment, data.months, year, data.period.end)
    rows["indicator_label"] = rows["indicator"].map(lambda i: labels.label(labels.INDICATORS, i))
    rows["scope_label"] = rows["scope"].map(labels.target_scope_label)
    rows["kind_label"] = rows["kind"].map(lambda k: labels.label(labels.TARGET_KINDS, k))
    rows["status"] = rows["met"].map(lambda m: labels.met_label(None if pd.isna(m) else bool(m)))
    rows["plan_section"] = rows["source"].map(plan_section)
    return rows


def reconciliation_table(data: ReportData) -> pd.DataFrame:
    """Report rows in reading order: report, field (total last), measure in form order."""
    rec = data.reconciliation.copy()
    order = {m: i for i, m in enumerate(reconciliation_measures())}
    rec["_total"] = rec["field_name"] == "*"
    rec["_measure"] = rec["measure"].map(order).fillna(len(order))
    keys = ["agency_code", "period_start", "period_end", "_total", "field_name", "_measure"]
    rec = rec.sort_values(keys).drop(columns=["_total", "_measure"]).reset_index(drop=True)
    rec["agency_name"] = rec["agency_code"].map(data.agency_name)
    rec["field_label"] = rec["field_name"].map(lambda f: "Tổng cộng" if f == "*" else f)
    rec["measure_label"] = rec["measure"].map(
        lambda m: labels.label(labels.RECONCILIATION_MEASURES, m)
    )
    return rec


@dataclass(frozen=True)
class QualitySummary:
    by_status: pd.DataFrame  # source, status, files, rows_read, rows_loaded, rows_quarantined
    by_reason: pd.DataFrame  # reason, label, rows, files
    rejected: pd.DataFrame  # file_path, source, first_seen_at, message
    by_file: pd.DataFrame  # file_path, reason, label, rows


def quality_summary(data: ReportData) -> QualitySummary:
    ledger = data.file_ledger

    # Row counts are NULL for duplicate and rejected files: keep them NULL, not 0.
    def total(column: pd.Series) -> object:
        return column.sum(min_count=1)

    by_status = (
        ledger.groupby(["source", "status"], dropna=False)
        .agg(
            files=("file_path", "count"),
            rows_read=("rows_read", total),
            rows_loaded=("rows_loaded", total),
            rows_quarantined=("rows_quarantined", total),
        )
        .reset_index()
    )
    quarantine = data.quarantine.copy()
    quarantine["label"] = quarantine["reason"].map(
        lambda r: labels.label(labels.QUARANTINE_REASONS, r)
    )
    by_reason = (
        quarantine.groupby(["reason", "label"])
        .agg(rows=("rows", "sum"), files=("file_path", "nunique"))
        .reset_index()
        .sort_values("rows", ascending=False)
    )
    rejected = ledger.loc[
        ledger["status"] == "rejected", ["file_path", "source", "first_seen_at", "message"]
    ]
    by_file = quarantine.sort_values(["file_path", "rows"], ascending=[True, False])
    return QualitySummary(by_status, by_reason, rejected.reset_index(drop=True), by_file)


@dataclass
class ItemScore:
    code: str
    name: str
    points: float | None  # None: not measured
    max_points: float | None


@dataclass
class GroupScore:
    code: str
    name: str
    points: float | None
    max_points: float | None
    measured_max: float
    items: list[ItemScore] = field(default_factory=list)


@dataclass
class IndexScore:
    points: float | None
    max_points: float | None
    measured_max: float
    groups: list[GroupScore]


def _is_group_row(group_code: str, item_code: object) -> bool:
    """A group's own row: item_code equal to its group_code (as dbt publishes it), or
    TOTAL / NULL (tolerated, should a build mark group rows that way)."""
    if item_code is None or bool(pd.isna(item_code)):  # type: ignore[arg-type]
        return True
    return item_code in (group_code, TOTAL_CODE)


def index_score(
    data: ReportData, scope_type: str, scope_code: str | None, item_names: dict[str, str]
) -> IndexScore | None:
    """The service index of one scope: groups of items, points of NULL items not invented.

    The mart has item rows, a row per group (item_code = group_code) and a TOTAL row per
    scope; group and TOTAL rows are used as published (never re-added), and are summed
    from the items only when a build does not publish them.
    """
    si = data.service_index
    rows = si[(si["scope_type"] == scope_type) & (si["scope_code"] == scope_code)]
    if rows.empty:
        return None
    total_rows = rows[rows["group_code"] == TOTAL_CODE]
    body = rows[rows["group_code"] != TOTAL_CODE]
    order = list(labels.SERVICE_INDEX_GROUPS)
    # Known groups in the order of Quyết định 766, then any group a province added.
    codes = sorted(
        body["group_code"].unique(),
        key=lambda g: (order.index(g) if g in order else len(order), g),
    )
    groups = []
    for code in codes:
        group_rows = body[body["group_code"] == code]
        own = group_rows["item_code"].map(lambda item, g=code: _is_group_row(g, item))
        item_rows, subtotal = group_rows[~own], group_rows[own]
        items = [
            ItemScore(
                r.item_code,
                item_names.get(r.item_code, r.item_code),
                value(r.points),
                value(r.max_points),
            )
            for r in item_rows.itertuples(index=False)
        ]
        measured = sum(i.max_points or 0.0 for i in items if i.points is not None)
        if len(subtotal):
            points, max_points = (
                value(subtotal.iloc[0]["points"]),
                value(subtotal.iloc[0]["max_points"]),
            )
            if not items:
                measured = (max_points or 0.0) if points is not None else 0.0
        else:
            scored = [i.points for i in items if i.points is not None]
            points = sum(scored) if scored else None
            max_points = sum(i.max_points or 0.0 for i in items)
        groups.append(
            GroupScore(
                code,
                labels.label(labels.SERVICE_INDEX_GROUPS, code),
                points,
                max_points,
                measured,
                items,
            )
        )
    measured_total = sum(g.measured_max for g in groups)
    if len(total_rows):
        total_points = value(total_rows.iloc[0]["points"])
        total_max = value(total_rows.iloc[0]["max_points"])
    else:
        scored = [g.points for g in groups if g.points is not None]
        total_points = sum(scored) if scored else None
        total_max = sum(g.max_points or 0.0 for g in groups)
    return IndexScore(total_points, total_max, measured_total, groups)


def index_ranking(data: ReportData) -> pd.DataFrame:
    """Agencies by their share of the measured maximum, best first, points shown beside it.

    Agencies are measured on different items (one with no queue desk has no waiting-time
    item), so raw points compare unequal maxima: 70 of 78 (89.7%) beats 72 of 82 (87.8%).
    ``share`` = points / the maximum of the items measured for that agency; an agency with
    nothing measured has no share and comes last.
    """
    si = data.service_index
    agencies = si[si["scope_type"] == "agency"]
    totals = agencies[agencies["group_code"] == TOTAL_CODE]
    ranked = totals[["scope_code", "points", "max_points"]].drop_duplicates("scope_code").copy()
    own = [
        _is_group_row(g, i)
        for g, i in zip(agencies["group_code"], agencies["item_code"], strict=True)
    ]
    items = agencies[~pd.Series(own, index=agencies.index, dtype=bool)]
    measured = items[items["points"].notna()].groupby("scope_code")["max_points"].sum()
    ranked["measured_max"] = ranked["scope_code"].map(measured).fillna(0.0).astype(float)
    points = pd.to_numeric(ranked["points"], errors="coerce").astype(float)
    ranked["share"] = (points / ranked["measured_max"].where(ranked["measured_max"] > 0)).astype(
        float
    )
    ranked["name"] = ranked["scope_code"].map(data.agency_name)
    ranked = ranked.sort_values(
        ["share", "points", "name"], ascending=[False, False, True], na_position="last"
    )
    return ranked.reset_index(drop=True)
