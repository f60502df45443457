-- Every reporting period, per calendar and grain, from the period holding the earliest
-- date seen (received dates of counted dossiers, days queue tickets were taken) to the
-- period holding the latest (update dates of counted dossiers, days tickets were taken).
--
-- Official periods (Nghị định 09/2019/NĐ-CP) run from the cut-off day of the month before
-- to the day before the cut-off: month 2024-03 = 15 Feb–14 Mar. Shifting a day back by
-- (cut-off − 1) days and forward by one month maps every official period onto the calendar
-- period of the same key (15 Feb → 1 Feb → 1 Mar = 2024-03; 14 Mar → 28 Feb → 28 Mar), so
-- both calendars share one construction: shift, truncate to the grain, step by the grain's
-- months ("label" dates below), then shift the bounds back.
-- A month spine (not a day spine) is enough: every period starts on a month anchor.
{%- set cutoff_day = var('official_cutoff_day') | int %}
{%- if cutoff_day < 1 or cutoff_day > 28 %}
    {{ exceptions.raise_compiler_error(
        "official_cutoff_day must be between 1 and 28, got " ~ cutoff_day
    ) }}
{%- endif %}

with dated as (
    select
        received_date as first_date,
        updated_date as last_date
    from {{ ref('int_dossiers_latest') }}
    union all
    select
        taken_date as first_date,
        taken_date as last_date
    from {{ ref('stg_queue__tickets') }}
),

bounds as (
    select
        min(first_date) as first_date,
        max(last_date) as last_date
    from dated
),

calendars as (
    select
        'calendar' as calendar,
        0 as shift_days,
        0 as shift_months
    union all
    select
        'official' as calendar,
        {{ cutoff_day - 1 }} as shift_days,
        1 as shift_months
),

grains as (
    select
        'month' as grain,
        1 as grain_months
    union all
    select
        'quarter' as grain,
        3 as grain_months
    union all
    select
        'half_year' as grain,
        6 as grain_months
    union all
    select
        'year' as grain,
        12 as grain_months
),

-- Bounds in label space: the calendar date whose calendar period has the same key.
label_bounds as (
    select
        calendars.calendar,
        calendars.shift_days,
        calendars.shift_months,
        grains.grain,
        grains.grain_months,
        cast({{ dbt.dateadd(
            'month', 'calendars.shift_months',
            dbt.dateadd('day', '-calendars.shift_days', 'bounds.first_date')
        ) }} as date) as first_label,
        cast({{ dbt.dateadd(
            'month', 'calendars.shift_months',
            dbt.dateadd('day', '-calendars.shift_days', 'bounds.last_date')
        ) }} as date) as last_label
    from bounds
    cross join calendars
    cross join grains
    where bounds.first_date is not null
),

-- First day of the label date's period of the grain.
label_anchors as (
    select
        calendar,
        shift_days,
        shift_months,
        grain,
        grain_months,
        {{ grain_start('grain', 'first_label') }} as first_anchor,
        {{ grain_start('grain', 'last_label') }} as last_anchor
    from label_bounds
),

digits as (
    select digit_values.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_values (digit)
),

-- 0 … 9 999 steps: 833 years of months.
steps as (
    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as step
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
),

label_periods as (
    select
        label_anchors.calendar,
        label_anchors.grain,
        label_anchors.grain_months,
        label_anchors.shift_days,
        label_anchors.shift_months,
        cast({{ dbt.dateadd(
            'month', 'steps.step * label_anchors.grain_months', 'label_anchors.first_anchor'
        ) }} as date) as label_start
    from label_anchors
    inner join steps
        on steps.step * label_anchors.grain_months <= {{ dbt.datediff(
            'label_anchors.first_anchor', 'label_anchors.last_anchor', 'month'
        ) }}
)

select
    calendar,
    grain,
    case grain
        when 'month'
            then {{ dbt.concat([
                "cast(extract(year from label_start) as " ~ dbt.type_string() ~ ")",
                "'-'",
                "lpad(cast(extract(month from label_start) as " ~ dbt.type_string() ~ "), 2, '0')",
            ]) }}
        when 'quarter'
            then {{ dbt.concat([
                "cast(extract(year from label_start) as " ~ dbt.type_string() ~ ")",
                "'-Q'",
                "cast(extract(quarter from label_start) as " ~ dbt.type_string() ~ ")",
            ]) }}
        when 'half_year'
            then {{ dbt.concat([
                "cast(extract(year from label_start) as " ~ dbt.type_string() ~ ")",
                "case when extract(month from label_start) <= 6 then '-H1' else '-H2' end",
            ]) }}
        else cast(extract(year from label_start) as {{ dbt.type_string() }})
    end as period_key,
    cast({{ dbt.dateadd(
        'day', 'shift_days', dbt.dateadd('month', '-shift_months', 'label_start')
    ) }} as date) as period_start,
    cast({{ dbt.dateadd(
        'day', 'shift_days - 1', dbt.dateadd('month', 'grain_months - shift_months', 'label_start')
    ) }} as date) as period_end,
    cast(extract(year from label_start) as {{ dbt.type_int() }}) as period_year
from label_periods
