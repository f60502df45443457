"""Targets evaluated on the year to date as of the report period's end (issue 12, item 8).

marts.target_attainment judges a target on the whole year, so a quarter's report would
show figures from after the quarter and change each time later files land. A period's
report instead sums the months of the target's calendar from the year's start up to the
period's end — numerators and denominators, never an average of rates — so the same
period and the same data always give the same verdicts. At the year's end this is the
whole-year figure of the mart.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from orchestration.partitions import Period


def value(raw: object) -> float | None:
    if raw is None or bool(pd.isna(raw)):  # type: ignore[arg-type]
        return None
    return float(raw)  # type: ignore[arg-type]


def ytd_label(period: Period) -> str:
    """How the targets' figures are labelled: the year to date as of the period's end."""
    return (
        f"Số liệu lũy kế từ đầu năm {period.year} đến hết ngày {period.end:%d/%m/%Y} "
        "(cuối kỳ báo cáo), theo lịch của chỉ tiêu; cùng kỳ năm trước: đến cùng ngày"
    )


def _same_day_a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class MonthlyFigures:
    """The months' numerators and denominators, grouped once by calendar, scope and
    indicator, with each month's year and end date parsed once: a report asks for two
    year-to-date sums per target, and filtering the whole frame per question was most of
    the report step's time."""

    def __init__(self, months: pd.DataFrame, years: tuple[int, ...]) -> None:
        year = months["period_key"].str.slice(0, 4).astype(int)
        frame = months[year.isin(years)].assign(_year=year)
        frame = frame.assign(_end=pd.to_datetime(frame["period_end"]).dt.date)
        self._frame = frame.reset_index(drop=True)
        keys = ["calendar", "scope_type", "scope_code", "indicator"]
        # Row positions per group: no sub-frame is built until a target asks for it.
        self._positions = self._frame.groupby(keys, sort=False).indices

    def rows(self, calendar: str, scope_type: str, code: str, indicator: str) -> pd.DataFrame:
        positions = self._positions.get((calendar, scope_type, code, indicator))
        return _NO_ROWS if positions is None else self._frame.iloc[positions]


_NO_ROWS = pd.DataFrame(
    {"_year": [], "_end": [], "numerator": [], "denominator": []}, dtype="float64"
)


def ytd_rate(
    months: MonthlyFigures,
    calendar: str,
    scope_type: str,
    scope_code: str,
    indicator: str,
    year: int,
    as_of: dt.date,
) -> float | None:
    """Σ numerator / Σ denominator of the months of ``year`` ending on or before ``as_of``;
    a field-group scope ``a|b`` sums its groups. None when there is no denominator."""
    codes = scope_code.split("|") if scope_type == "field_group" else [scope_code]
    groups = [months.rows(calendar, scope_type, code, indicator) for code in codes]
    rows = pd.concat(groups) if len(groups) > 1 else groups[0]
    rows = rows[(rows["_year"] == year) & (rows["_end"] <= as_of)] if len(rows) else rows
    denominator = value(rows["denominator"].sum(min_count=1))
    numerator = value(rows["numerator"].sum(min_count=1))
    if not denominator or numerator is None:
        return None
    return numerator / denominator


def _verdict(kind: str, target: float, actual: float | None, previous: float | None) -> object:
    if actual is None:
        return None
    if kind == "min_rate":
        return actual >= target
    if kind == "max_value":
        return actual <= target
    if kind == "min_increase":
        return None if previous is None else actual - previous >= target - 1e-12
    return None


def year_to_date(
    rows: pd.DataFrame, attainment: pd.DataFrame, months: pd.DataFrame, year: int, as_of: dt.date
) -> pd.DataFrame:
    """``rows`` (targets of the year with the mart's verdict) with actual, previous and met
    replaced by their year-to-date values as of ``as_of``; the previous year is taken to
    the same day. A target the mart has no scope for keeps NULL: "Chưa đủ dữ liệu"."""
    keys = ["plan_code", "target_code"]
    scopes = attainment[attainment["year"] == year].drop_duplicates(keys)
    scopes = scopes.set_index(keys)[["scope_type", "scope_code"]]
    before = _same_day_a_year_before(as_of)
    figures = MonthlyFigures(months, years=(year - 1, year))
    out = rows.copy()
    actuals, previous, met = [], [], []
    for r in out.to_dict("records"):
        key = (r["plan_code"], r["target_code"])
        if key not in scopes.index:
            actuals.append(None)
            previous.append(None)
            met.append(None)
            continue
        scope_type, scope_code = scopes.loc[key]
        args = (figures, r["calendar"], scope_type, scope_code, r["indicator"])
        actual = ytd_rate(*args, year, as_of)
        last = ytd_rate(*args, year - 1, before)
        actuals.append(actual)
        previous.append(last)
        met.append(_verdict(r["kind"], float(r["target_value"]), actual, last))
    out["actual_value"] = pd.Series(actuals, index=out.index, dtype="Float64")
    out["previous_value"] = pd.Series(previous, index=out.index, dtype="Float64")
    out["met"] = pd.Series(met, index=out.index, dtype="boolean")
    return out
