-- One row per delivered Biểu 06 file. The same agency and window may be delivered in
-- several files (a corrected re-submission): the later file in path order (byte order of
-- the relative path, as the pipeline takes files) is the current one; the others are kept
-- and marked superseded so that their identity checks remain visible.
with reports as (
    select
        file_path,
        agency_code,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end
    from {{ source('agency_reports', 'agency_reports') }}
),

ranked as (
    select
        file_path,
        agency_code,
        period_start,
        period_end,
        row_number() over (
            partition by agency_code, period_start, period_end
            order by file_path desc
        ) as delivery_rank,
        count(*) over (
            partition by agency_code, period_start, period_end
        ) as delivery_count,
        max(file_path) over (
            partition by agency_code, period_start, period_end
        ) as current_file_path
    from reports
)

select
    file_path,
    agency_code,
    period_start,
    period_end,
    delivery_count,
    current_file_path,
    delivery_rank = 1 as is_current
from ranked
