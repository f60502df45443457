-- Report rows with the form's counts renamed to the accounting vocabulary of
-- marts.period_accounting: the form's "Tổng số" received includes what was carried over,
-- which is the accounting's to_process.
select
    file_path,
    row_number,
    stt,
    field_name,
    is_total,
    received_total as to_process,
    received_online,
    received_offline,
    carried_over,
    resolved_total as resolved,
    resolved_early,
    resolved_on_time,
    resolved_late,
    pending_total as pending,
    pending_in_time,
    pending_overdue
from {{ source('agency_reports', 'agency_report_rows') }}
