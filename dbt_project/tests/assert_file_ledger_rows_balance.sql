-- Loaded files whose rows do not balance: rows_read = rows_loaded + rows_quarantined
-- (marts.md); duplicate and rejected files carry no row counts.
select *  -- noqa: AM04
from {{ ref('file_ledger') }}
where
    (
        status = 'loaded'
        and (
            rows_read is null
            or rows_loaded is null
            or rows_quarantined is null
            or rows_read <> rows_loaded + rows_quarantined
        )
    )
    or (
        status <> 'loaded'
        and (rows_read is not null or rows_loaded is not null or rows_quarantined is not null)
    )
