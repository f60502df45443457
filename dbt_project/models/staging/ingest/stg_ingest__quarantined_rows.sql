-- Rows left out of every figure, each with its file, row and the first reason that applied.
select
    file_path,
    row_number,
    source,
    reason,
    detail
from {{ source('ingest', 'quarantined_rows') }}
