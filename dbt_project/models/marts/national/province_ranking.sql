{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- marts.province_ranking: each province's figure of service_rates (scope_type 'province',
-- province_code = scope_code) and its place in the country per calendar, grain, period and
-- indicator. rank_in_country is the standard competition rank (1, 2, 2, 4): the highest
-- rate first, the lowest first for the indicators of lower_is_better_indicators()
-- (macros/ranking.sql). A NULL rate (nothing to divide by) has a NULL rank and is not
-- counted; provinces_ranked is the number of provinces with a rate in the partition.
-- Incremental per period, as service_rates: a rank compares provinces of the same period
-- only, so the periods service_rates replaced are the ones whose ranks can change.
with province_rates as (
    select
        rates.calendar,
        rates.grain,
        rates.period_key,
        rates.period_start,
        rates.period_end,
        rates.indicator,
        rates.scope_code as province_code,
        rates.numerator,
        rates.denominator,
        rates.rate,
        {{ best_first('rates.indicator', 'rates.rate') }} as best_first_value
    from {{ ref('service_rates') }} as rates
    where
        rates.scope_type = 'province'
        and {{ in_periods_to_build('rates') }}
)

-- NULL values sort after every rate, so they never take a place from a ranked province.
select
    calendar,
    grain,
    period_key,
    period_start,
    period_end,
    indicator,
    province_code,
    numerator,
    denominator,
    rate,
    case
        when rate is not null
            then cast(rank() over (
                    partition by calendar, grain, period_key, indicator
                    order by best_first_value asc nulls last
                ) as {{ dbt.type_bigint() }})
    end as rank_in_country,
    cast(count(rate) over (
        partition by calendar, grain, period_key, indicator
    ) as {{ dbt.type_bigint() }}) as provinces_ranked
from province_rates
