-- Periods of period_accounting where the province rows, the level rows and the agency rows
-- do not hold the same totals: every agency belongs to exactly one province and one level,
-- and wider scopes are sums of counts (marts.md). Each level against its own agencies is
-- checked on int_scope_period_counts (assert_scope_period_counts_rollups); this test reads
-- the mart alone so that it runs only with it (Dagster builds marts in separate steps).
{%- set measures = accounting_measure_names() %}

with totals as (
    select
        calendar,
        grain,
        period_key,
        scope_type,
        {{ expand_columns(measures, 'sum({c}) as {c}', ',\n        ') }}
    from {{ ref('period_accounting') }}
    group by
        calendar,
        grain,
        period_key,
        scope_type
)

select
    agencies.calendar,
    agencies.grain,
    agencies.period_key,
    wider.scope_type
from totals as agencies
inner join totals as wider
    on
        agencies.calendar = wider.calendar
        and agencies.grain = wider.grain
        and agencies.period_key = wider.period_key
        and wider.scope_type in ('province', 'level')
where
    agencies.scope_type = 'agency'
    and ({{ expand_columns(measures, 'agencies.{c} <> wider.{c}', '\n        or ') }})
