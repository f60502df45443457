-- Every row of every delivered report with its agency, window and whether the file is
-- the current delivery for that agency and window.
select
    report_row.file_path,
    report_row.row_number,
    report.agency_code,
    report.period_start,
    report.period_end,
    report.is_current,
    report.current_file_path,
    report_row.stt,
    report_row.field_name,
    report_row.is_total,
    report_row.to_process,
    report_row.received_online,
    report_row.received_offline,
    report_row.carried_over,
    report_row.resolved,
    report_row.resolved_early,
    report_row.resolved_on_time,
    report_row.resolved_late,
    report_row.pending,
    report_row.pending_in_time,
    report_row.pending_overdue
from {{ ref('stg_agency_reports__report_rows') }} as report_row
inner join {{ ref('stg_agency_reports__reports') }} as report
    on report_row.file_path = report.file_path
