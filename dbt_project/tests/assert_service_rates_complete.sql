-- service_rates scopes without their full set of indicators (13 for province, level and
-- agency scopes, the two satisfaction indicators for field groups), and periods that lack
-- a scope other periods have.
with per_scope as (
    select
        calendar,
        grain,
        period_key,
        province_code,
        scope_type,
        scope_code,
        count(distinct indicator) as indicators
    from {{ ref('service_rates') }}
    group by
        calendar,
        grain,
        period_key,
        province_code,
        scope_type,
        scope_code
),

scopes as (
    select count(*) as scopes
    from (
        select distinct
            province_code,
            scope_type,
            scope_code
        from per_scope
    ) as distinct_scopes
),

per_period as (
    select
        calendar,
        grain,
        period_key,
        count(*) as scopes
    from per_scope
    group by
        calendar,
        grain,
        period_key
)

select
    calendar,
    grain,
    period_key,
    province_code,
    scope_type,
    scope_code,
    'indicators' as problem
from per_scope
where indicators <> case when scope_type = 'field_group' then 2 else 13 end

union all

select
    per_period.calendar,
    per_period.grain,
    per_period.period_key,
    cast(null as {{ dbt.type_string() }}) as province_code,
    cast(null as {{ dbt.type_string() }}) as scope_type,
    cast(null as {{ dbt.type_string() }}) as scope_code,
    'scopes' as problem
from per_period
cross join scopes
where per_period.scopes <> scopes.scopes
