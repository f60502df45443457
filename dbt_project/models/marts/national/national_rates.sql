{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- marts.national_rates: the provinces side by side summed to one national figure per
-- calendar, grain, period and indicator. numerator and denominator are the sums over the
-- provinces' rows of service_rates (scope_type 'province', one per province) and rate =
-- sum of numerators / sum of denominators (NULL when that is 0): counts are summed, rates
-- are never averaged. online_service_usage_rate therefore counts province-procedure pairs
-- (a procedure used online in two provinces counts twice). numerator stays a double as in
-- service_rates (total minutes for avg_wait_minutes).
-- Incremental per period, as service_rates: a run replaces the periods of
-- int_periods_to_rebuild, the same periods service_rates replaced earlier in the run (a
-- period outside that window did not change there, so its national sums did not either).
select
    rates.calendar,
    rates.grain,
    rates.period_key,
    rates.period_start,
    rates.period_end,
    rates.indicator,
    cast(count(*) as {{ dbt.type_bigint() }}) as provinces,
    cast(sum(rates.numerator) as {{ type_double() }}) as numerator,
    cast(sum(rates.denominator) as {{ dbt.type_bigint() }}) as denominator,
    case
        when sum(rates.denominator) > 0
            then
                cast(sum(rates.numerator) as {{ type_double() }})
                / cast(sum(rates.denominator) as {{ type_double() }})
    end as rate
from {{ ref('service_rates') }} as rates
where
    rates.scope_type = 'province'
    and {{ in_periods_to_build('rates') }}
group by
    rates.calendar,
    rates.grain,
    rates.period_key,
    rates.period_start,
    rates.period_end,
    rates.indicator
