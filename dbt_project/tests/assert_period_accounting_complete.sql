-- Periods of period_accounting that lack a scope that other periods have: every scope of
-- the catalogue has a row for every period, zeros when nothing happened.
with scopes as (
    select count(*) as scopes
    from (
        select distinct
            province_code,
            scope_type,
            scope_code
        from {{ ref('period_accounting') }}
    ) as distinct_scopes
),

periods as (
    select
        calendar,
        grain,
        period_key,
        count(*) as scopes
    from {{ ref('period_accounting') }}
    group by
        calendar,
        grain,
        period_key
)

select periods.*
from periods
cross join scopes
where periods.scopes <> scopes.scopes
