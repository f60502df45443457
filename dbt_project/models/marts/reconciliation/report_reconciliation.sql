-- Every row of every current Biểu 06 (and its Tổng cộng) × the 11 counts, next to the same
-- counts recomputed from the one-stop dossiers of that agency, over the report's own
-- window as written (not the period spine), and for a field row the dossiers whose
-- catalogue field matches the report's field name by normalise_name. Superseded
-- deliveries (an earlier file in path order for the same agency and window) are left out.
{%- set measures = [
    'to_process', 'received_online', 'received_offline', 'carried_over',
    'resolved', 'resolved_early', 'resolved_on_time', 'resolved_late',
    'pending', 'pending_in_time', 'pending_overdue',
] %}

with report_rows as (
    select *
    from {{ ref('int_agency_reports__report_rows') }}
    where is_current
),

windows as (
    select distinct
        agency_code,
        period_start,
        period_end
    from report_rows
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
        {{ normalise_name('procedures.field_name') }} as field_key
    from {{ ref('stg_reference__agencies') }} as agencies
    inner join {{ ref('stg_reference__procedures') }} as procedures
        on
            agencies.level = procedures.level
            and (
                procedures.agency_code = agencies.agency_code
                or procedures.agency_code is null
            )
    where procedures.field_name is not null
),

joined as (
    select
        report_rows.*,
        report_rows.is_total or catalogue_fields.field_key is not null as field_matched,
        {%- for measure in measures %}
        coalesce(computed.{{ measure }}, 0) as computed_{{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from report_rows
    left join computed
        on
            report_rows.agency_code = computed.agency_code
            and report_rows.period_start = computed.period_start
            and report_rows.period_end = computed.period_end
            and report_rows.field_key = computed.field_key
    left join catalogue_fields
        on
            report_rows.agency_code = catalogue_fields.agency_code
            and report_rows.field_key = catalogue_fields.field_key
),

long as (
    {%- for measure in measures %}
    select
        agency_code,
        period_start,
        period_end,
        field_name,
        '{{ measure }}' as measure,
        {{ loop.index }} as measure_order,
        {{ measure }} as reported,
        computed_{{ measure }} as computed,
        file_path,
        row_number,
        is_total,
        field_matched
    from joined
    {{- " union all" if not loop.last }}
    {%- endfor %}
)

select
    agency_code,
    period_start,
    period_end,
    field_name,
    measure,
    cast(reported as {{ dbt.type_bigint() }}) as reported,
    cast(computed as {{ dbt.type_bigint() }}) as computed,
    cast(reported - computed as {{ dbt.type_bigint() }}) as difference,
    abs(reported - computed) <= {{ var('reconciliation_tolerance') }} as within_tolerance,
    file_path,
    row_number,
    is_total,
    field_matched,
    measure_order
from long
