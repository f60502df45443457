-- marts.file_ledger: one row per landed file ever seen. Row counts only describe loaded
-- files: NULL for duplicates (nothing was read from them) and rejected files.
select
    file_path,
    source,
    sha256,
    layout,
    case when status = 'loaded' then rows_read end as rows_read,
    case when status = 'loaded' then rows_loaded end as rows_loaded,
    case when status = 'loaded' then rows_quarantined end as rows_quarantined,
    status,
    message,
    first_seen_at
from {{ ref('stg_ingest__file_ledger') }}
