{{ period_mart_config() }}
-- marts.period_accounting: dossier accounting per calendar, grain, period and
-- province/level/agency scope (marts.md "Dossier accounting"). One row for every scope of
-- the catalogue and every period, zeros when nothing happened. Incremental: a partitioned
-- run (vars rebuild_from/rebuild_to) replaces the periods overlapping its window.
select
    calendar,
    grain,
    period_key,
    period_start,
    period_end,
    scope_type,
    scope_code,
    {{ expand_columns(accounting_measure_names(), '{c}') }}
from {{ ref('int_scope_period_counts') }}
{% if is_incremental() -%}
    where {{ overlaps_rebuild_window('period_start', 'period_end') }}
{%- endif %}
