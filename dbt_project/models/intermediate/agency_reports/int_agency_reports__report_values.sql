-- The report rows in long form: one row per report row and count, in the names of
-- marts.report_reconciliation (the form's "Tổng số" received, which includes what was
-- carried over, is to_process) and in the form's column order (measure_order 1–11).
with measures as (
    select
        measure_list.measure,
        measure_list.measure_order
    from (
        values
        ('to_process', 1),
        ('received_online', 2),
        ('received_offline', 3),
        ('carried_over', 4),
        ('resolved', 5),
        ('resolved_early', 6),
        ('resolved_on_time', 7),
        ('resolved_late', 8),
        ('pending', 9),
        ('pending_in_time', 10),
        ('pending_overdue', 11)
    ) as measure_list (measure, measure_order)
)

select
    report_rows.file_path,
    report_rows.row_number,
    report_rows.agency_code,
    report_rows.period_start,
    report_rows.period_end,
    report_rows.is_current,
    report_rows.field_name,
    report_rows.is_total,
    measures.measure,
    measures.measure_order,
    case measures.measure
        when 'to_process' then report_rows.to_process
        when 'received_online' then report_rows.received_online
        when 'received_offline' then report_rows.received_offline
        when 'carried_over' then report_rows.carried_over
        when 'resolved' then report_rows.resolved
        when 'resolved_early' then report_rows.resolved_early
        when 'resolved_on_time' then report_rows.resolved_on_time
        when 'resolved_late' then report_rows.resolved_late
        when 'pending' then report_rows.pending
        when 'pending_in_time' then report_rows.pending_in_time
        when 'pending_overdue' then report_rows.pending_overdue
    end as reported
from {{ ref('int_agency_reports__report_rows') }} as report_rows
cross join measures
