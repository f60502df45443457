-- The arithmetic rules a Biểu 06 must hold (sources.md). One row per report file, report
-- row and broken rule (for total_row_identity: per broken measure). Reports are kept as
-- written: this table flags, it never corrects. Superseded deliveries are checked too.
with report_values as (
    select * from {{ ref('int_agency_reports__report_values') }}
),

-- Each row rule as its terms: side 1 is the left-hand total, side -1 its parts.
rule_terms as (
    select
        term_list.rule,
        term_list.measure,
        term_list.side,
        term_list.rule_expression
    from (
        values
        (
            'received_identity', 'to_process', 1,
            'to_process = received_online + received_offline + carried_over'
        ),
        ('received_identity', 'received_online', -1, null),
        ('received_identity', 'received_offline', -1, null),
        ('received_identity', 'carried_over', -1, null),
        (
            'resolved_identity', 'resolved', 1,
            'resolved = resolved_early + resolved_on_time + resolved_late'
        ),
        ('resolved_identity', 'resolved_early', -1, null),
        ('resolved_identity', 'resolved_on_time', -1, null),
        ('resolved_identity', 'resolved_late', -1, null),
        ('pending_identity', 'pending', 1, 'pending = pending_in_time + pending_overdue'),
        ('pending_identity', 'pending_in_time', -1, null),
        ('pending_identity', 'pending_overdue', -1, null)
    ) as term_list (rule, measure, side, rule_expression)
),

row_checks as (
    select
        report_values.file_path,
        report_values.agency_code,
        report_values.period_start,
        report_values.period_end,
        report_values.is_current,
        report_values.row_number,
        report_values.field_name,
        rule_terms.rule,
        max(case when rule_terms.side = 1 then rule_terms.measure end) as measure,
        max(rule_terms.rule_expression) as rule_expression,
        sum(case when rule_terms.side = 1 then report_values.reported else 0 end) as left_value,
        sum(case when rule_terms.side = -1 then report_values.reported else 0 end) as right_value
    from report_values
    inner join rule_terms
        on report_values.measure = rule_terms.measure
    group by
        report_values.file_path,
        report_values.agency_code,
        report_values.period_start,
        report_values.period_end,
        report_values.is_current,
        report_values.row_number,
        report_values.field_name,
        rule_terms.rule
),

field_sums as (
    select
        file_path,
        measure,
        sum(reported) as reported
    from report_values
    where not is_total
    group by file_path, measure
),

total_checks as (
    select
        total_row.file_path,
        total_row.agency_code,
        total_row.period_start,
        total_row.period_end,
        total_row.is_current,
        total_row.row_number,
        total_row.field_name,
        'total_row_identity' as rule,
        total_row.measure,
        {{ dbt.concat(["'Tổng cộng '", 'total_row.measure', "' = sum of the field rows'"]) }}
            as rule_expression,
        total_row.reported as left_value,
        coalesce(field_sums.reported, 0) as right_value
    from report_values as total_row
    left join field_sums
        on
            total_row.file_path = field_sums.file_path
            and total_row.measure = field_sums.measure
    where total_row.is_total
),

checks as (
    select * from row_checks
    union all
    select * from total_checks
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
    cast(left_value as {{ dbt.type_bigint() }}) as left_value,
    cast(right_value as {{ dbt.type_bigint() }}) as right_value,
    cast(left_value - right_value as {{ dbt.type_bigint() }}) as difference
from checks
where left_value <> right_value
