"""marts.working_days: the working-day calendar behind marts.pending_alerts.

One row per day from 1 January of the year of the earliest received date to 31 December of
the year after the latest due or update date (so that `cchc alerts --as-of` a little ahead
still finds its days). A working day is Monday–Friday less Vietnam's public holidays, with
the make-up Saturdays the government announces, as the `holidays` library knows them (its
Vietnam calendar follows the lunar calendar for Tết and the Hùng Kings' day); then the
province's own seed `working_calendar_adjustments` wins: `day_off` (an extra day off) or
`working_day` (a make-up working day). `working_day_number` counts the working days up to
and including the day, so the working days in (a, b] are number(b) − number(a).

A Python model because the holiday rules live in a maintained Python library, not in SQL;
the one place the warehouse calls Python in dbt (docs/decisions.md).
"""

import datetime as dt

import holidays
import pandas as pd

COLUMNS = ["calendar_date", "is_working_day", "working_day_number", "day_kind", "note"]


def working_calendar(
    first_day: dt.date, last_day: dt.date, adjustments: pd.DataFrame
) -> pd.DataFrame:
    """The calendar of whole years from `first_day`'s year to the year after `last_day`'s.

    `adjustments` has `calendar_date`, `kind` (`day_off` | `working_day`) and `note`.
    """
    years = range(first_day.year, last_day.year + 2)
    public = holidays.country_holidays("VN", years=years, language="vi")
    overrides = {
        pd.Timestamp(row.calendar_date).date(): (row.kind, row.note)
        for row in adjustments.itertuples()
    }
    rows, number = [], 0
    day, end = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    while day <= end:
        if day in overrides:
            kind, note = overrides[day]
            working = kind == "working_day"
            kind = f"province_{kind}"
        elif day in public:
            working, kind, note = False, "public_holiday", public.get(day)
        elif day in public.weekend_workdays:
            working, kind, note = True, "make_up_working_day", None
        elif day.weekday() >= 5:
            working, kind, note = False, "weekend", None
        else:
            working, kind, note = True, "working_day", None
        number += working
        rows.append((day, working, number, kind, note))
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows, columns=COLUMNS)


def model(dbt, session):  # noqa: ANN001, ANN201 - dbt's Python model signature
    dbt.config(materialized="table")
    first_day, last_day = (
        dbt.ref("int_dossiers_latest")
        .aggregate(
            "min(received_date) as first_day, "
            "max(greatest(updated_date, coalesce(due_date, updated_date))) as last_day"
        )
        .fetchall()[0]
    )
    if first_day is None:  # no dossiers: an empty calendar of the right shape
        first_day = last_day = dt.date.today()
    return working_calendar(first_day, last_day, dbt.ref("working_calendar_adjustments").df())
