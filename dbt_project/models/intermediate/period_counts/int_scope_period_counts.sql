{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- Counts per province/level/agency scope and period: sums over the scope's agencies of
-- int_agency_period_counts (marts.md: wider scopes are sums of counts). Every scope of
-- int_scopes has a row for every period, zeros when it has no agencies or no activity.
{%- set measures = accounting_measure_names() + rate_measure_names() + queue_measure_names() %}

with rolled_up as (
    select
        counts.calendar,
        counts.grain,
        counts.period_key,
        bridge.province_code,
        bridge.scope_type,
        bridge.scope_code,
        {{ expand_columns(measures, 'sum(counts.{c}) as {c}', ',\n        ') }}
    from {{ ref('int_agency_period_counts') }} as counts
    inner join {{ ref('int_scope_agencies') }} as bridge
        on counts.agency_code = bridge.agency_code
    where {{ in_periods_to_build('counts') }}
    group by
        counts.calendar,
        counts.grain,
        counts.period_key,
        bridge.province_code,
        bridge.scope_type,
        bridge.scope_code
)

select
    periods.calendar,
    periods.grain,
    periods.period_key,
    periods.period_start,
    periods.period_end,
    periods.period_year,
    scopes.province_code,
    scopes.scope_type,
    scopes.scope_code,
    {{ expand_columns(
        measures, 'cast(coalesce(rolled_up.{c}, 0) as ' ~ dbt.type_bigint() ~ ') as {c}'
    ) }}
from {{ periods_to_build() }} as periods
cross join {{ ref('int_scopes') }} as scopes
left join rolled_up
    on
        periods.calendar = rolled_up.calendar
        and periods.grain = rolled_up.grain
        and periods.period_key = rolled_up.period_key
        and scopes.province_code = rolled_up.province_code
        and scopes.scope_type = rolled_up.scope_type
        and scopes.scope_code = rolled_up.scope_code
where scopes.scope_type in ('province', 'level', 'agency')
