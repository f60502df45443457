-- marts.pending_alerts: due-date warnings (marts.md "Due-date warnings"). As of the latest
-- update date in marts.dossiers (or the var alerts_as_of), one row per dossier still open at
-- the end of that day: received on or before it and not closed on or before it.
-- working_days_left = working days in (as_of_date, due_date] (negative when the due date has
-- passed): the difference of the two days' running working-day numbers in marts.working_days.
{%- set as_of = var('alerts_as_of', none) %}
{%- set horizon = var('alerts_warning_days', 2) | int %}

with as_of as (
    {%- if as_of %}
        select cast('{{ as_of }}' as date) as as_of_date
    {%- else %}
        select max(cast(updated_at as date)) as as_of_date
        from {{ ref('dossiers') }}
    {%- endif %}
),

open_dossiers as (
    select
        as_of.as_of_date,
        d.agency_code,
        d.dossier_code,
        d.procedure_code,
        d.field_name,
        d.received_date,
        d.due_date
    from {{ ref('dossiers') }} as d
    cross join as_of
    where
        d.received_date <= as_of.as_of_date
        and (d.closing_date is null or d.closing_date > as_of.as_of_date)
),

counted as (
    select
        open_dossiers.*,
        cast(due_day.working_day_number - as_of_day.working_day_number as {{ dbt.type_int() }})
            as working_days_left
    from open_dossiers
    inner join {{ ref('working_days') }} as as_of_day
        on open_dossiers.as_of_date = as_of_day.calendar_date
    left join {{ ref('working_days') }} as due_day
        on open_dossiers.due_date = due_day.calendar_date
)

select
    as_of_date,
    agency_code,
    dossier_code,
    procedure_code,
    field_name,
    received_date,
    due_date,
    working_days_left,
    case
        when due_date is null then 'no_due_date'
        when due_date < as_of_date then 'overdue'
        when working_days_left <= {{ horizon }} then 'due_soon'
        else 'in_time'
    end as alert
from counted
