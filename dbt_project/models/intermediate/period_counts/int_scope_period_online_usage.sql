{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- online_service_usage_rate per scope and period: of the full/partial catalogue procedures
-- a scope handles (distinct procedure codes), how many had at least one online dossier
-- received in the period at an agency of the scope that handles the procedure.
with handled as (
    select
        province_code,
        scope_type,
        scope_code,
        cast(count(distinct procedure_code) as {{ dbt.type_bigint() }}) as procedures_handled
    from {{ ref('int_scope_procedures') }}
    group by
        province_code,
        scope_type,
        scope_code
),

online_received as (
    select distinct
        w.calendar,
        w.grain,
        w.period_key,
        d.agency_code,
        d.procedure_code
    from {{ ref('int_dossiers_latest') }} as d
    inner join {{ periods_to_build() }} as w
        on {{ accounting_is_received('w.period_start', 'w.period_end') }}
    where d.channel = 'online'
),

used as (
    select
        online_received.calendar,
        online_received.grain,
        online_received.period_key,
        scope_procedures.province_code,
        scope_procedures.scope_type,
        scope_procedures.scope_code,
        cast(count(distinct scope_procedures.procedure_code) as {{ dbt.type_bigint() }})
            as procedures_used_online
    from online_received
    inner join {{ ref('int_scope_procedures') }} as scope_procedures
        on
            online_received.agency_code = scope_procedures.agency_code
            and online_received.procedure_code = scope_procedures.procedure_code
    group by
        online_received.calendar,
        online_received.grain,
        online_received.period_key,
        scope_procedures.province_code,
        scope_procedures.scope_type,
        scope_procedures.scope_code
)

select
    periods.calendar,
    periods.grain,
    periods.period_key,
    scopes.province_code,
    scopes.scope_type,
    scopes.scope_code,
    cast(coalesce(used.procedures_used_online, 0) as {{ dbt.type_bigint() }})
        as procedures_used_online,
    cast(coalesce(handled.procedures_handled, 0) as {{ dbt.type_bigint() }})
        as procedures_handled
from {{ periods_to_build() }} as periods
cross join {{ ref('int_scopes') }} as scopes
left join handled
    on
        scopes.province_code = handled.province_code
        and scopes.scope_type = handled.scope_type
        and scopes.scope_code = handled.scope_code
left join used
    on
        periods.calendar = used.calendar
        and periods.grain = used.grain
        and periods.period_key = used.period_key
        and scopes.province_code = used.province_code
        and scopes.scope_type = used.scope_type
        and scopes.scope_code = used.scope_code
where scopes.scope_type in ('province', 'level', 'agency')
