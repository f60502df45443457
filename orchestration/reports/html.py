"""One self-contained HTML page of one period: opens offline, prints, can be e-mailed.

Everything is inline (CSS in a <style>, charts as <svg>); nothing is fetched, so the page
reads the same on an office PC without internet. The page is the Jinja2 template
``templates/report.html`` (its sections in ``templates/sections.html``, the CSS in
``templates/report.css``), package data loaded relative to this package; autoescape is on,
so every value is escaped by the template and only the charts (SVG drawn and escaped by
charts.py) are passed in as markup. This module computes what each section shows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from orchestration.contract import indicators
from orchestration.partitions import parse_period_key
from orchestration.reports import labels
from orchestration.reports.charts import TargetLine, bar_chart, line_chart, score_bar
from orchestration.reports.data import ReportData
from orchestration.reports.numbers import (
    fmt_decimal,
    fmt_indicator,
    fmt_int,
    fmt_percent,
    fmt_points,
)
from orchestration.reports.tables import (
    IndexScore,
    accounting_row,
    agency_ranking,
    index_ranking,
    index_score,
    indicator_table,
    quality_summary,
    reconciliation_table,
    target_table,
    value,
)
from orchestration.reports.year_to_date import ytd_label

RANKED_INDICATORS = ("on_time_rate", "online_rate")
MAX_BARS = 30  # beyond this, the best and worst 15 are charted and the rest summarised
LINE_KINDS = {"min_rate": "≥", "max_value": "≤"}  # min_increase has no level to draw

TEMPLATES = "templates"  # package data of orchestration.reports (pyproject.toml)


@functools.cache
def _environment() -> jinja2.Environment:
    # PackageLoader finds the templates beside this module in an editable and a normal
    # install alike; StrictUndefined turns a misspelt name into an error, not a blank.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("orchestration.reports", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_html(
    path: Path, data: ReportData, targets: pd.DataFrame, item_names: dict[str, str]
) -> Path:
    page = (
        _environment()
        .get_template("report.html")
        .render(
            name=labels.period_name(data.period),
            period_title=labels.period_title(data.period),
            heading=data.heading,
            published_at=data.published_at,
            empty=labels.EMPTY,
            summary=_summary(data),
            trends=_trends(data, targets),
            rankings=_rankings(data, targets),
            service_index=_service_index(data, item_names),
            targets=_targets(data, targets),
            reconciliation=_reconciliation(data),
            quality=_quality(data),
        )
    )
    path.write_text(page, encoding="utf-8")
    return path


def _summary(data: ReportData) -> dict[str, Any]:
    table = indicator_table(data, "province", data.province_code)
    rates = [
        (
            r.label,
            fmt_decimal(r.numerator)
            if r.indicator in labels.MINUTE_INDICATORS
            else fmt_int(r.numerator),
            fmt_int(r.denominator),
            fmt_indicator(r.indicator, r.rate),
        )
        for r in table.itertuples(index=False)
    ]
    counts = accounting_row(data, "province", data.province_code)
    rows = [(text, fmt_int(counts.get(code))) for code, text in labels.ACCOUNTING.items()]
    return {"rates": rates, "counts": rows}


def target_lines(
    targets: pd.DataFrame,
    indicator: str,
    quarter_keys: list[str],
    values: Sequence[float | None] | None = None,
) -> list[TargetLine]:
    """Province targets of an indicator as steps over the quarters of the years they apply.

    With the chart's ``values``, a year none of whose quarters has a figure gets no step:
    a target drawn over an empty year reads as a figure missed.
    """
    rows = targets[
        (targets["indicator"] == indicator)
        & (targets["scope"] == "province")
        & (targets["kind"].isin(list(LINE_KINDS)))
    ]
    years = [parse_period_key(k).year for k in quarter_keys]
    if values is None:
        with_data = set(years)
    else:
        with_data = {y for y, v in zip(years, values, strict=True) if v is not None}
    lines = []
    for t in rows.itertuples(index=False):
        steps = [
            t.target_value if t.year_from <= y <= t.year_to and y in with_data else None
            for y in years
        ]
        if all(v is None for v in steps):
            continue
        level = fmt_indicator(indicator, t.target_value)
        lines.append(TargetLine(f"Mục tiêu {t.plan_code}: {LINE_KINDS[t.kind]} {level}", steps))
    return lines


def from_first_data(keys: list[str], values: list[float | None]) -> int:
    """Index of the first quarter with a figure; the last quarter when none has one (the
    chart then shows the report's own quarter, empty, rather than quarters before data)."""
    return next((i for i, v in enumerate(values) if v is not None), len(keys) - 1)


def _trend_values(data: ReportData, indicator: str, keys: list[str]) -> list[float | None]:
    rows = data.trend[data.trend["indicator"] == indicator].set_index("period_key")
    return [value(rows.at[k, "rate"]) if k in rows.index else None for k in keys]


def _trends(data: ReportData, targets: pd.DataFrame) -> dict[str, Any]:
    # The window starts at the first quarter any indicator has a figure, each chart at its
    # own first figure: quarters before the data began are not drawn as empty.
    window = data.trend_keys
    series = {i: _trend_values(data, i, window) for i in indicators()}
    any_data = [
        next((v for v in vals if v is not None), None)
        for vals in zip(*series.values(), strict=True)
    ]
    start = from_first_data(window, any_data)
    keys = window[start:]
    charts = []
    for indicator in indicators():
        own = from_first_data(keys, series[indicator][start:])
        chart_keys, values = keys[own:], series[indicator][start:][own:]
        title = labels.INDICATORS[indicator]
        chart = line_chart(
            chart_id=f"xu-huong-{indicator}",
            indicator=indicator,
            title=f"{title} — toàn tỉnh, {len(chart_keys)} quý",
            x_labels=[labels.quarter_short(k) for k in chart_keys],
            values=values,
            targets=target_lines(targets, indicator, chart_keys, values),
            percent=indicator not in labels.MINUTE_INDICATORS,
        )
        charts.append({"title": title, "svg": Markup(chart)})
    return {
        "quarters": len(keys),
        "first": labels.quarter_short(keys[0]),
        "last": labels.quarter_short(keys[-1]),
        "calendar": labels.label(labels.CALENDARS, data.period.calendar),
        "charts": charts,
    }


def _strictest_target(targets: pd.DataFrame, indicator: str, year: int) -> float | None:
    rows = targets[
        (targets["indicator"] == indicator)
        & (targets["scope"] == "province")
        & (targets["kind"] == "min_rate")
        & (targets["year_from"] <= year)
        & (targets["year_to"] >= year)
    ]
    return None if rows.empty else float(rows["target_value"].max())


def _rankings(data: ReportData, targets: pd.DataFrame) -> dict[str, Any]:
    charts = []
    for indicator in RANKED_INDICATORS:
        ranked = agency_ranking(data, indicator)
        bars = [(r.name, value(r.rate)) for r in ranked.itertuples(index=False)]
        skipped = None
        if len(bars) > MAX_BARS:  # the top and the bottom of a long ranking
            half = MAX_BARS // 2
            skipped = (half, len(bars) - MAX_BARS)
            bars = bars[:half] + bars[-half:]
        target = _strictest_target(targets, indicator, data.period.year)
        chart = bar_chart(
            chart_id=f"xep-hang-{indicator}",
            title=f"Xếp hạng đơn vị — {labels.INDICATORS[indicator]}",
            bars=bars,
            target=target,
            target_label=f"Mục tiêu toàn tỉnh {fmt_indicator(indicator, target)}",
            skipped=skipped,
        )
        charts.append({"title": labels.INDICATORS[indicator], "svg": Markup(chart)})
    return {"charts": charts}


def _points_row(
    name: str, points: float | None, max_points: float | None, width: int
) -> dict[str, Any]:
    return {
        "name": name,
        "scored": points is not None,
        "points": fmt_points(points) if points is not None else labels.NOT_MEASURED,
        "max_points": fmt_points(max_points),
        "gauge": Markup(score_bar(points, max_points, width)),
    }


def _index_rows(score: IndexScore) -> list[dict[str, Any]]:
    """A row per group (gauge 160 px wide), then its items (120 px)."""
    rows = []
    for group in score.groups:
        rows.append(
            _points_row(group.name, group.points, group.max_points, 160) | {"is_group": True}
        )
        for item in group.items:
            rows.append(
                _points_row(item.name, item.points, item.max_points, 120) | {"is_group": False}
            )
    return rows


def _service_index(data: ReportData, item_names: dict[str, str]) -> dict[str, Any]:
    score = index_score(data, "province", data.province_code, item_names)
    ranking = [
        (
            str(n),
            r.name,
            fmt_percent(value(r.share)),
            fmt_points(value(r.points)),
            fmt_points(value(r.measured_max)),
            fmt_points(value(r.max_points)),
        )
        for n, r in enumerate(index_ranking(data).itertuples(index=False), start=1)
    ]
    shown = None
    if score is not None:
        shown = {
            "points": fmt_points(score.points),
            "max_points": fmt_points(score.max_points),
            "measured_max": fmt_points(score.measured_max),
            "rows": _index_rows(score),
        }
    return {"score": shown, "not_measured": labels.NOT_MEASURED, "ranking": ranking}


def _targets(data: ReportData, targets: pd.DataFrame) -> dict[str, Any]:
    rows = target_table(data, targets)
    css = {labels.MET: "met", labels.NOT_MET: "not-met", labels.NO_DATA: "no-data"}
    body = []
    for r in rows.to_dict("records"):
        if r["kind"] == "min_increase":
            goal = f"+{fmt_decimal(r['target_value'] * 100)} điểm %"
        else:
            goal = f"{LINE_KINDS[r['kind']]} {fmt_indicator(r['indicator'], r['target_value'])}"
        actual = fmt_indicator(r["indicator"], value(r["actual_value"]))
        if r["kind"] == "min_increase":  # the verdict compares with last year: show it
            previous = fmt_indicator(r["indicator"], value(r["previous_value"]))
            actual = f"{actual} (cùng kỳ năm trước {previous})"
        cells = [r["plan_code"], r["indicator_label"], r["scope_label"], goal, actual]
        body.append({"cells": cells, "status": r["status"], "css": css[r["status"]]})
    to_date = f"Lũy kế đến {data.period.end:%d/%m/%Y}"
    return {
        "year": data.period.year,
        "ytd": ytd_label(data.period),
        "headers": ["Kế hoạch", "Chỉ số", "Phạm vi", "Mục tiêu", to_date, "Kết quả"],
        "rows": body,
    }


def _reconciliation(data: ReportData) -> dict[str, Any]:
    rec = reconciliation_table(data)
    if rec.empty:
        return {"lines": 0, "reports": 0, "rows": []}
    bad = rec[~rec["within_tolerance"].astype(bool)]
    reports = rec[["agency_code", "period_start", "period_end"]].drop_duplicates()
    rows = [
        (
            r["agency_name"],
            f"{r['period_start']:%d/%m/%Y}–{r['period_end']:%d/%m/%Y}",
            r["field_label"],
            r["measure_label"],
            fmt_int(r["reported"]),
            fmt_int(r["computed"]),
            fmt_int(r["difference"]),
        )
        for r in bad.to_dict("records")
    ]
    return {"lines": len(rec), "reports": len(reports), "rows": rows}


def _quality(data: ReportData) -> dict[str, Any]:
    summary = quality_summary(data)
    status_rows = [
        (
            labels.label(labels.SOURCES, r["source"]),
            labels.label(labels.FILE_STATUSES, r["status"]),
            fmt_int(r["files"]),
            fmt_int(r["rows_read"]),
            fmt_int(r["rows_loaded"]),
            fmt_int(r["rows_quarantined"]),
        )
        for r in summary.by_status.to_dict("records")
    ]
    reason_rows = [
        (r["label"], r["reason"], fmt_int(r["rows"]), fmt_int(r["files"]))
        for r in summary.by_reason.to_dict("records")
    ]
    rejected_rows = [
        (r["file_path"], r["message"] or "") for r in summary.rejected.to_dict("records")
    ]
    return {"by_status": status_rows, "by_reason": reason_rows, "rejected": rejected_rows}
