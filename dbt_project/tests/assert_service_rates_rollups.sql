-- Periods and indicators of service_rates where the province rows, the level rows and the
-- agency rows do not hold the same numerator and denominator totals (wider scopes are sums
-- of counts). online_service_usage_rate counts distinct procedure codes: not additive.
with totals as (
    select
        calendar,
        grain,
        period_key,
        indicator,
        scope_type,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('service_rates') }}
    where
        scope_type in ('province', 'level', 'agency')
        and indicator <> 'online_service_usage_rate'
    group by
        calendar,
        grain,
        period_key,
        indicator,
        scope_type
)

select
    agencies.calendar,
    agencies.grain,
    agencies.period_key,
    agencies.indicator,
    wider.scope_type
from totals as agencies
inner join totals as wider
    on
        agencies.calendar = wider.calendar
        and agencies.grain = wider.grain
        and agencies.period_key = wider.period_key
        and agencies.indicator = wider.indicator
        and wider.scope_type in ('province', 'level')
where
    agencies.scope_type = 'agency'
    and (
        abs(agencies.numerator - wider.numerator) > 1e-6
        or agencies.denominator <> wider.denominator
    )
