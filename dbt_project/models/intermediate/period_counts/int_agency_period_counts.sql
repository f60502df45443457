{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- Counts per agency and period, for every agency of the catalogue and every period
-- (zeros when nothing happened): the additive building blocks of period_accounting and
-- service_rates. Wider scopes are sums of these rows (int_scope_agencies).
{%- set dossier_measures = accounting_measure_names() + rate_measure_names() %}

with dossier_counts as (
    select
        w.calendar,
        w.grain,
        w.period_key,
        d.agency_code,
        {{ accounting_measures('w.period_start', 'w.period_end') }},
        {{ rate_measures('w.period_start', 'w.period_end') }}
    from {{ ref('int_dossiers_latest') }} as d
    inner join {{ periods_to_build() }} as w
        on {{ accounting_in_window('w.period_start', 'w.period_end') }}
    group by
        w.calendar,
        w.grain,
        w.period_key,
        d.agency_code
),

queue_counts as (
    select
        w.calendar,
        w.grain,
        w.period_key,
        t.agency_code,
        cast(count(*) as {{ dbt.type_bigint() }}) as tickets_taken,
        cast(sum(case when t.is_called then 1 else 0 end) as {{ dbt.type_bigint() }})
            as tickets_called,
        cast(sum(case when t.wait_seconds < 600 then 1 else 0 end) as {{ dbt.type_bigint() }})
            as tickets_called_under_10,
        cast(coalesce(sum(t.wait_seconds), 0) as {{ dbt.type_bigint() }}) as wait_seconds_total
    from {{ ref('stg_queue__tickets') }} as t
    inner join {{ periods_to_build() }} as w
        on
            t.taken_date >= w.period_start
            and t.taken_date <= w.period_end
    group by
        w.calendar,
        w.grain,
        w.period_key,
        t.agency_code
)

select
    periods.calendar,
    periods.grain,
    periods.period_key,
    periods.period_start,
    periods.period_end,
    periods.period_year,
    agencies.agency_code,
    agencies.level as agency_level,
    agencies.province_code,
    {{ expand_columns(
        dossier_measures,
        'cast(coalesce(dossier_counts.{c}, 0) as ' ~ dbt.type_bigint() ~ ') as {c}'
    ) }},
    cast(coalesce(queue_counts.tickets_taken, 0) as {{ dbt.type_bigint() }}) as tickets_taken,
    cast(coalesce(queue_counts.tickets_called, 0) as {{ dbt.type_bigint() }}) as tickets_called,
    cast(coalesce(queue_counts.tickets_called_under_10, 0) as {{ dbt.type_bigint() }})
        as tickets_called_under_10,
    cast(coalesce(queue_counts.wait_seconds_total, 0) as {{ dbt.type_bigint() }})
        as wait_seconds_total
from {{ periods_to_build() }} as periods
cross join {{ ref('stg_reference__agencies') }} as agencies
left join dossier_counts
    on
        periods.calendar = dossier_counts.calendar
        and periods.grain = dossier_counts.grain
        and periods.period_key = dossier_counts.period_key
        and agencies.agency_code = dossier_counts.agency_code
left join queue_counts
    on
        periods.calendar = queue_counts.calendar
        and periods.grain = queue_counts.grain
        and periods.period_key = queue_counts.period_key
        and agencies.agency_code = queue_counts.agency_code
