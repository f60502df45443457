{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- marts.period_accounting: dossier accounting per calendar, grain, period and
-- province/level/agency scope (marts.md "Dossier accounting"). One row for every scope of
-- the catalogue and every period, zeros when nothing happened. Incremental: a run replaces
-- the periods of int_periods_to_rebuild (those the night's data can change, plus a
-- backfill's window).
select
    calendar,
    grain,
    period_key,
    period_start,
    period_end,
    scope_type,
    scope_code,
    {{ expand_columns(accounting_measure_names(), '{c}') }},
    -- The province the scope belongs to (the scope above level): last, so that the
    -- columns analysts had keep their places.
    province_code
from {{ ref('int_scope_period_counts') }} as counts
where {{ in_periods_to_build('counts') }}
