-- Every row of every current Biểu 06 (and its Tổng cộng) × the 11 counts, next to the same
-- counts recomputed from the one-stop dossiers of that agency, over the report's own
-- window as written (not the period spine), and for a field row the dossiers whose
-- catalogue field matches the report's field name by normalise_name ('*': all the
-- agency's dossiers, with or without a field). Superseded deliveries (an earlier file in
-- path order for the same agency and window) are left out.

with report_values as (
    select
        *,
        case
            when is_total then '*'
            else {{ normalise_name('field_name') }}
        end as field_key
    from {{ ref('int_agency_reports__report_values') }}
    where is_current
),

windows as (
    select distinct
        agency_code,
        period_start,
        period_end
    from report_values
),

dossiers as (
    select
        *,
        {{ normalise_name('field_name') }} as field_key
    from {{ ref('int_dossiers_latest') }}
),

by_field as (
    select
        w.agency_code,
        w.period_start,
        w.period_end,
        d.field_key,
        {{ accounting_measures('w.period_start', 'w.period_end') }}
    from dossiers as d
    inner join windows as w
        on
            d.agency_code = w.agency_code
            and {{ accounting_in_window('w.period_start', 'w.period_end') }}
    where d.field_key is not null
    group by w.agency_code, w.period_start, w.period_end, d.field_key
),

by_agency as (
    select
        w.agency_code,
        w.period_start,
        w.period_end,
        '*' as field_key,
        {{ accounting_measures('w.period_start', 'w.period_end') }}
    from dossiers as d
    inner join windows as w
        on
            d.agency_code = w.agency_code
            and {{ accounting_in_window('w.period_start', 'w.period_end') }}
    group by w.agency_code, w.period_start, w.period_end
),

computed as (
    select * from by_field
    union all
    select * from by_agency
),

-- Field names the agency handles in the catalogue: its level's rows whose agency_code is
-- its own or empty. A report field outside this list cannot match any dossier.
catalogue_fields as (
    select distinct
        agencies.agency_code,
        {{ normalise_name('catalogue.field_name') }} as field_key
    from {{ ref('stg_reference__agencies') }} as agencies
    inner join {{ ref('stg_reference__procedures') }} as catalogue
        on
            agencies.level = catalogue.level
            and (
                agencies.agency_code = catalogue.agency_code
                or catalogue.agency_code is null
            )
    where catalogue.field_name is not null
),

compared as (
    select
        report_values.agency_code,
        report_values.period_start,
        report_values.period_end,
        report_values.field_name,
        report_values.measure,
        report_values.reported,
        report_values.file_path,
        report_values.row_number,
        report_values.is_total,
        report_values.measure_order,
        coalesce(
            case report_values.measure
                when 'to_process' then computed.to_process
                when 'received_online' then computed.received_online
                when 'received_offline' then computed.received_offline
                when 'carried_over' then computed.carried_over
                when 'resolved' then computed.resolved
                when 'resolved_early' then computed.resolved_early
                when 'resolved_on_time' then computed.resolved_on_time
                when 'resolved_late' then computed.resolved_late
                when 'pending' then computed.pending
                when 'pending_in_time' then computed.pending_in_time
                when 'pending_overdue' then computed.pending_overdue
            end,
            0
        ) as computed,
        report_values.is_total or catalogue_fields.field_key is not null as field_matched
    from report_values
    left join computed
        on
            report_values.agency_code = computed.agency_code
            and report_values.period_start = computed.period_start
            and report_values.period_end = computed.period_end
            and report_values.field_key = computed.field_key
    left join catalogue_fields
        on
            report_values.agency_code = catalogue_fields.agency_code
            and report_values.field_key = catalogue_fields.field_key
)

select
    agency_code,
    period_start,
    period_end,
    field_name,
    measure,
    file_path,
    row_number,
    is_total,
    field_matched,
    cast(reported as {{ dbt.type_bigint() }}) as reported,
    cast(computed as {{ dbt.type_bigint() }}) as computed,
    cast(reported - computed as {{ dbt.type_bigint() }}) as difference,
    abs(reported - computed) <= {{ var('reconciliation_tolerance') }} as within_tolerance,
    cast(measure_order as {{ dbt.type_int() }}) as measure_order
from compared
