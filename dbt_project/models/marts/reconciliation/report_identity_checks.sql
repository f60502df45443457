-- The arithmetic rules a Biểu 06 must hold (sources.md). One row per report file, report
-- row and broken rule (for total_row_identity: per broken measure). Reports are kept as
-- written: this table flags, it never corrects.
{%- set measures = [
    'to_process', 'received_online', 'received_offline', 'carried_over',
    'resolved', 'resolved_early', 'resolved_on_time', 'resolved_late',
    'pending', 'pending_in_time', 'pending_overdue',
] %}
{%- set row_rules = [
    ('received_identity', 'to_process', ['received_online', 'received_offline', 'carried_over']),
    ('resolved_identity', 'resolved', ['resolved_early', 'resolved_on_time', 'resolved_late']),
    ('pending_identity', 'pending', ['pending_in_time', 'pending_overdue']),
] %}

with report_rows as (
    select * from {{ ref('int_agency_reports__report_rows') }}
),

field_sums as (
    select
        file_path,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from report_rows
    where not is_total
    group by file_path
),

checks as (
    {%- for rule, total, parts in row_rules %}
    select
        file_path,
        agency_code,
        period_start,
        period_end,
        is_current,
        row_number,
        field_name,
        '{{ rule }}' as rule,
        '{{ total }}' as measure,
        '{{ total }} = {{ parts | join(" + ") }}' as rule_expression,
        {{ total }} as reported,
        {{ parts | join(' + ') }} as expected
    from report_rows
    union all
    {%- endfor %}
    {%- for measure in measures %}
    select
        total_row.file_path,
        total_row.agency_code,
        total_row.period_start,
        total_row.period_end,
        total_row.is_current,
        total_row.row_number,
        total_row.field_name,
        'total_row_identity' as rule,
        '{{ measure }}' as measure,
        'Tổng cộng {{ measure }} = sum of the field rows' as rule_expression,
        total_row.{{ measure }} as reported,
        coalesce(field_sums.{{ measure }}, 0) as expected
    from report_rows as total_row
    left join field_sums
        on total_row.file_path = field_sums.file_path
    where total_row.is_total
    {{- " union all" if not loop.last }}
    {%- endfor %}
)

select
    file_path,
    agency_code,
    period_start,
    period_end,
    is_current,
    row_number,
    field_name,
    rule,
    measure,
    rule_expression,
    cast(reported as {{ dbt.type_bigint() }}) as reported,
    cast(expected as {{ dbt.type_bigint() }}) as expected,
    cast(reported - expected as {{ dbt.type_bigint() }}) as difference
from checks
where reported <> expected
