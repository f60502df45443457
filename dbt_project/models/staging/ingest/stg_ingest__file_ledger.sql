-- The ingestion ledger: one row per landed file ever seen (loaded, duplicate, rejected).
select
    file_path,
    source,
    sha256,
    layout,
    rows_read,
    rows_loaded,
    rows_quarantined,
    status,
    message,
    first_seen_at,
    processed_at
from {{ source('ingest', 'file_ledger') }}
