{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- marts.national_accounting: the dossier accounting of period_accounting summed over the
-- provinces (scope_type 'province', one row per province) per calendar, grain and period.
-- Every count is additive across provinces, the stocks (carried_over, pending*) too: they
-- are positions of the same period in different provinces. Incremental per period, as
-- period_accounting (int_periods_to_rebuild, the periods period_accounting replaced).
select
    accounting.calendar,
    accounting.grain,
    accounting.period_key,
    accounting.period_start,
    accounting.period_end,
    cast(count(*) as {{ dbt.type_bigint() }}) as provinces,
    {{ expand_columns(
        accounting_measure_names(),
        'cast(sum(accounting.{c}) as ' ~ dbt.type_bigint() ~ ') as {c}'
    ) }}
from {{ ref('period_accounting') }} as accounting
where
    accounting.scope_type = 'province'
    and {{ in_periods_to_build('accounting') }}
group by
    accounting.calendar,
    accounting.grain,
    accounting.period_key,
    accounting.period_start,
    accounting.period_end
