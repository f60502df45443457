-- Province and level rows of int_scope_period_counts that differ from the sum of their own
-- agencies' rows of int_agency_period_counts (marts.md: wider scopes are sums of counts),
-- and agency rows that differ from the agency's own counts. Both feed the marts
-- period_accounting and service_rates unchanged.
{#- Reported in Dagster as a check of int_scope_period_counts (it reads two models). -#}
{{ config(meta={'dagster': {'ref': {'name': 'int_scope_period_counts'}}}) }}
{%- set measures = accounting_measure_names() + rate_measure_names() + queue_measure_names() %}

with sums as (
    select
        calendar,
        grain,
        period_key,
        province_code,
        'province' as scope_type,
        province_code as scope_code,
        {{ expand_columns(measures, 'sum({c}) as {c}', ',\n        ') }}
    from {{ ref('int_agency_period_counts') }}
    group by
        calendar,
        grain,
        period_key,
        province_code

    union all

    select
        calendar,
        grain,
        period_key,
        province_code,
        'level' as scope_type,
        agency_level as scope_code,
        {{ expand_columns(measures, 'sum({c}) as {c}', ',\n        ') }}
    from {{ ref('int_agency_period_counts') }}
    group by
        calendar,
        grain,
        period_key,
        province_code,
        agency_level

    union all

    select
        calendar,
        grain,
        period_key,
        province_code,
        'agency' as scope_type,
        agency_code as scope_code,
        {{ expand_columns(measures, 'sum({c}) as {c}', ',\n        ') }}
    from {{ ref('int_agency_period_counts') }}
    group by
        calendar,
        grain,
        period_key,
        province_code,
        agency_code
)

select
    scoped.calendar,
    scoped.grain,
    scoped.period_key,
    scoped.province_code,
    scoped.scope_type,
    scoped.scope_code
from {{ ref('int_scope_period_counts') }} as scoped
left join sums
    on
        scoped.calendar = sums.calendar
        and scoped.grain = sums.grain
        and scoped.period_key = sums.period_key
        and scoped.province_code = sums.province_code
        and scoped.scope_type = sums.scope_type
        and scoped.scope_code = sums.scope_code
where {{ expand_columns(
    measures, 'abs(scoped.{c} - coalesce(sums.{c}, 0)) > 1e-6', '\n    or '
) }}
