-- One row per target and year of [year_from, year_to], evaluated on the year grain of the
-- target's calendar. Every plan year is shown: a year the warehouse holds no period for
-- (or whose denominator is 0, or whose scope did not resolve) has NULL actual_value and
-- NULL met, and evaluation_status says why. A year the data only partly covers (the
-- first or the current year: data run from the earliest received date to the latest
-- update, as the period spine does) is evaluated on what there is, year to date, and
-- flagged (covers_whole_year false, evaluation_status partial_year).
-- actual_value = sum(numerator) / sum(denominator) over the service_rates rows of the
-- target's scope: one row for province, level and agency; for field_groups:<g>|<g>… the
-- listed groups' rows (sum over sum, never an average of rates).
with targets as (
    select * from {{ ref('int_targets__scoped') }}
),

-- 0 … 99: enough for any plan's range of years.
digits as (
    select digit_list.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_list (digit)
),

year_offsets as (
    select ones.digit + 10 * tens.digit as year_offset
    from digits as ones
    cross join digits as tens
),

-- The plan years, and the year before the first one for min_increase.
target_years as (
    select
        targets.plan_code,
        targets.target_code,
        cast(targets.year_from - 1 + year_offsets.year_offset as {{ dbt.type_int() }}) as year
    from targets
    inner join year_offsets
        on year_offsets.year_offset <= targets.year_to - targets.year_from + 1
),

-- The span of dates the warehouse holds (the same bounds as int_periods).
data_span as (
    select
        min(dated.first_date) as first_date,
        max(dated.last_date) as last_date
    from (
        select
            received_date as first_date,
            updated_date as last_date
        from {{ ref('int_dossiers_latest') }}
        union all
        select
            taken_date as first_date,
            taken_date as last_date
        from {{ ref('stg_queue__tickets') }}
    ) as dated
),

year_periods as (
    select
        calendar,
        period_key,
        period_start,
        period_end
    from {{ ref('int_periods') }}
    where grain = 'year'
),

year_rates as (
    select
        calendar,
        period_key,
        province_code,
        scope_type,
        scope_code,
        indicator,
        numerator,
        denominator
    from {{ ref('service_rates') }}
    where grain = 'year'
),

evaluated as (
    select
        target_years.plan_code,
        target_years.target_code,
        target_years.year,
        max(year_periods.period_start) as period_start,
        max(year_periods.period_end) as period_end,
        sum(year_rates.numerator) as numerator,
        sum(year_rates.denominator) as denominator
    from target_years
    inner join targets
        on
            target_years.plan_code = targets.plan_code
            and target_years.target_code = targets.target_code
    left join year_periods
        on
            targets.calendar = year_periods.calendar
            and cast(target_years.year as {{ dbt.type_string() }}) = year_periods.period_key
    left join year_rates
        on
            year_periods.calendar = year_rates.calendar
            and year_periods.period_key = year_rates.period_key
            and targets.indicator = year_rates.indicator
            and targets.province_code = year_rates.province_code
            and targets.scope_type = year_rates.scope_type
            and (
                (
                    targets.scope_type in ('province', 'level', 'agency')
                    and targets.scope_code = year_rates.scope_code
                )
                or (
                    targets.scope_type = 'field_group'
                    and {{ dbt.position(
                        dbt.concat(["'|'", 'year_rates.scope_code', "'|'"]),
                        dbt.concat(["'|'", 'targets.scope_code', "'|'"])
                    ) }} > 0
                )
            )
    group by target_years.plan_code, target_years.target_code, target_years.year
),

actuals as (
    select
        evaluated.plan_code,
        evaluated.target_code,
        evaluated.year,
        evaluated.period_start,
        evaluated.period_end,
        evaluated.numerator,
        evaluated.denominator,
        evaluated.period_start is not null as has_period,
        coalesce(
            evaluated.period_start >= data_span.first_date
            and evaluated.period_end <= data_span.last_date,
            false
        ) as is_whole_year,
        case
            when evaluated.denominator > 0
                then
                    cast(evaluated.numerator as {{ type_double() }})
                    / cast(evaluated.denominator as {{ type_double() }})
        end as actual_value
    from evaluated
    cross join data_span
),

compared as (
    select
        targets.plan_code,
        targets.target_code,
        targets.indicator,
        targets.scope,
        targets.scope_type,
        targets.scope_code,
        targets.scope_status,
        targets.province_code,
        actuals.year,
        targets.calendar,
        targets.kind,
        targets.target_value,
        actuals.period_start,
        actuals.period_end,
        actuals.has_period,
        actuals.numerator,
        actuals.denominator,
        actuals.actual_value,
        previous.actual_value as previous_actual_value,
        case
            when targets.kind = 'min_increase'
                then actuals.is_whole_year and coalesce(previous.is_whole_year, false)
            else actuals.is_whole_year
        end as covers_whole_year,
        case
            when actuals.actual_value is null then null
            when targets.kind = 'min_rate'
                then actuals.actual_value >= targets.target_value
            when targets.kind = 'max_value'
                then actuals.actual_value <= targets.target_value
            -- Rounded so that 0.7 − 0.5 counts as the 0.20 it is, not 0.19999999999999996.
            when targets.kind = 'min_increase'
                then round(actuals.actual_value - previous.actual_value, 9) >= targets.target_value
        end as met
    from actuals
    inner join targets
        on
            actuals.plan_code = targets.plan_code
            and actuals.target_code = targets.target_code
    left join actuals as previous
        on
            actuals.plan_code = previous.plan_code
            and actuals.target_code = previous.target_code
            and actuals.year = previous.year + 1
    where actuals.year >= targets.year_from
)

select
    plan_code,
    target_code,
    indicator,
    scope_type,
    scope_code,
    year,
    calendar,
    kind,
    cast(target_value as {{ type_double() }}) as target_value,
    actual_value,
    met,
    scope,
    period_start,
    period_end,
    cast(numerator as {{ type_double() }}) as numerator,
    cast(denominator as {{ dbt.type_bigint() }}) as denominator,
    previous_actual_value,
    covers_whole_year,
    case
        when scope_status <> 'resolved' then scope_status
        when not has_period then 'no_period'
        when actual_value is null then 'no_denominator'
        when kind = 'min_increase' and previous_actual_value is null then 'no_previous_year'
        when not covers_whole_year then 'partial_year'
        else 'evaluated'
    end as evaluation_status,
    -- The plan's province (last: the columns analysts had keep their places).
    province_code
from compared
