{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- Dossier counts per field group (through the catalogue at the agency's level) and period,
-- province-wide (per province: the dossier's agency's), for every field group of the
-- province's catalogue and every period (zeros when nothing happened). Feeds the
-- satisfaction indicators of field_group scopes; a target over several groups sums these
-- rows.
{%- set measures = accounting_measure_names() + rate_measure_names() %}

with counts as (
    select
        w.calendar,
        w.grain,
        w.period_key,
        agencies.province_code,
        d.field_group,
        {{ accounting_measures('w.period_start', 'w.period_end') }},
        {{ rate_measures('w.period_start', 'w.period_end') }}
    from {{ ref('int_dossiers_latest') }} as d
    inner join {{ ref('stg_reference__agencies') }} as agencies
        on d.agency_code = agencies.agency_code
    inner join {{ periods_to_build() }} as w
        on {{ accounting_in_window('w.period_start', 'w.period_end') }}
    where d.field_group is not null
    group by
        w.calendar,
        w.grain,
        w.period_key,
        agencies.province_code,
        d.field_group
)

select
    periods.calendar,
    periods.grain,
    periods.period_key,
    periods.period_start,
    periods.period_end,
    periods.period_year,
    scopes.province_code,
    scopes.scope_code as field_group,
    {{ expand_columns(
        measures, 'cast(coalesce(counts.{c}, 0) as ' ~ dbt.type_bigint() ~ ') as {c}'
    ) }}
from {{ periods_to_build() }} as periods
cross join {{ ref('int_scopes') }} as scopes
left join counts
    on
        periods.calendar = counts.calendar
        and periods.grain = counts.grain
        and periods.period_key = counts.period_key
        and scopes.province_code = counts.province_code
        and scopes.scope_code = counts.field_group
where scopes.scope_type = 'field_group'
