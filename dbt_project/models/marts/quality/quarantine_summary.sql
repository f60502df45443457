-- marts.quarantine_summary: quarantined rows per file and reason.
select
    file_path,
    reason,
    cast(count(*) as {{ dbt.type_bigint() }}) as rows
from {{ ref('stg_ingest__quarantined_rows') }}
group by
    file_path,
    reason
