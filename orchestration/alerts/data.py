"""The open dossiers to warn about, read from the published marts.

As of the marts' own day, the rows are marts.pending_alerts as built. As of another day
(`cchc alerts --as-of`), they are recomputed from marts.dossiers and marts.working_days with
the rules of marts.md (the same as dbt_project/models/marts/dossiers/pending_alerts.sql;
tests/test_pending_alerts.py checks that both agree).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

# The dbt var alerts_warning_days defaults to the same horizon.
DEFAULT_WARNING_DAYS = 2
ACTIONABLE = ("overdue", "due_soon")
COLUMNS = (
    "as_of_date, agency_code, dossier_code, procedure_code, field_name, received_date, "
    "due_date, working_days_left, alert"
)

_RECOMPUTE_SQL = f"""
with open_dossiers as (
    select d.*, cast(? as date) as as_of_date
    from marts.dossiers as d
    where d.received_date <= cast(? as date)
      and (d.closing_date is null or d.closing_date > cast(? as date))
)
select {COLUMNS}
from (
    select
        o.as_of_date, o.agency_code, o.dossier_code, o.procedure_code, o.field_name,
        o.received_date, o.due_date,
        cast(due_day.working_day_number - as_of_day.working_day_number as integer)
            as working_days_left,
        case
            when o.due_date is null then 'no_due_date'
            when o.due_date < o.as_of_date then 'overdue'
            when due_day.working_day_number - as_of_day.working_day_number <= ?
                then 'due_soon'
            else 'in_time'
        end as alert
    from open_dossiers as o
    inner join marts.working_days as as_of_day on o.as_of_date = as_of_day.calendar_date
    left join marts.working_days as due_day on o.due_date = due_day.calendar_date
)
"""


@dataclass(frozen=True)
class AlertSet:
    as_of: dt.date
    alerts: pd.DataFrame  # one row per open dossier (pending_alerts' columns)
    agency_names: dict[str, str]  # every agency of the catalogue

    def summary(self) -> pd.DataFrame:
        """Counts per agency, worst first: most overdue, then most due soon, then code."""
        counts = (
            self.alerts.pivot_table(
                index="agency_code", columns="alert", values="dossier_code", aggfunc="count"
            )
            .reindex(columns=["overdue", "due_soon", "in_time", "no_due_date"], fill_value=0)
            .reindex(sorted(set(self.agency_names) | set(self.alerts.agency_code)))
            .fillna(0)
            .astype(int)
        )
        counts.columns.name = None
        counts["open"] = counts.sum(axis=1)
        counts = counts.rename_axis("agency_code").reset_index()
        counts.insert(1, "agency_name", counts.agency_code.map(self.agency_name))
        return counts.sort_values(
            ["overdue", "due_soon", "agency_code"], ascending=[False, False, True]
        ).reset_index(drop=True)

    def agency_name(self, code: str) -> str:
        return self.agency_names.get(code) or code

    def of_agency(self, code: str) -> pd.DataFrame:
        """The agency's overdue dossiers (most overdue first), then its due-soon ones."""
        rows = self.alerts[
            (self.alerts.agency_code == code) & self.alerts.alert.isin(ACTIONABLE)
        ].copy()
        rows["_order"] = rows.alert.map({"overdue": 0, "due_soon": 1})
        return (
            rows.sort_values(["_order", "working_days_left", "due_date", "dossier_code"])
            .drop(columns="_order")
            .reset_index(drop=True)
        )


def load_alerts(
    analytics_path: Path,
    as_of: dt.date | None = None,
    warning_days: int = DEFAULT_WARNING_DAYS,
) -> AlertSet:
    """Raises LookupError when the marts have no alerts table or `as_of` is off the calendar."""
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        if not {"pending_alerts", "dossiers", "working_days"} <= tables:
            raise LookupError(
                "Bản công bố chưa có bảng cảnh báo / the published marts have no "
                "pending_alerts: run `cchc run` first"
            )
        (built_as_of,) = con.execute("select max(as_of_date) from marts.pending_alerts").fetchone()
        if as_of is None or (as_of == built_as_of and warning_days == DEFAULT_WARNING_DAYS):
            alerts = con.execute(f"select {COLUMNS} from marts.pending_alerts").df()
            if as_of is None:
                as_of = built_as_of or _latest_update(con)
        else:
            first, last = con.execute(
                "select min(calendar_date), max(calendar_date) from marts.working_days"
            ).fetchone()
            if first is None or not first <= as_of <= last:
                raise LookupError(
                    f"Ngày {as_of:%d/%m/%Y} nằm ngoài lịch ngày làm việc ({first} – {last}) / "
                    "the date is outside the working-day calendar"
                )
            alerts = con.execute(_RECOMPUTE_SQL, [as_of, as_of, as_of, warning_days]).df()
        names = dict(
            con.execute("select agency_code, agency_name from marts.dim_agencies").fetchall()
        )
    finally:
        con.close()
    for column in ("as_of_date", "received_date", "due_date"):
        alerts[column] = pd.to_datetime(alerts[column]).dt.date
    return AlertSet(as_of=as_of, alerts=alerts, agency_names=names)


def _latest_update(con: duckdb.DuckDBPyConnection) -> dt.date:
    (day,) = con.execute("select max(cast(updated_at as date)) from marts.dossiers").fetchone()
    return day or dt.date.today()
