-- The agency catalogue as delivered in the most recently loaded catalogue file of each
-- province of the landing (the ledger's processed_at; path order breaks ties and covers a
-- raw table loaded without a ledger row; a one-province landing has one). Within those
-- files, a repeated agency code keeps its last row (agency codes are national: the code
-- ends with the province's, 000.00.01.T01).
with files as (
    select distinct file_path
    from {{ source('reference', 'agencies') }}
),

ranked_files as (
    select
        files.file_path,
        row_number() over (
            partition by {{ landing_province('files.file_path') }}
            order by ledger.processed_at desc nulls last, files.file_path desc
        ) as file_rank
    from files
    left join {{ source('ingest', 'file_ledger') }} as ledger
        on files.file_path = ledger.file_path
),

latest_rows as (
    select
        agencies.*,
        row_number() over (
            partition by agencies.agency_code
            order by agencies.row_number desc, agencies.file_path desc
        ) as code_rank
    from {{ source('reference', 'agencies') }} as agencies
    inner join ranked_files
        on
            agencies.file_path = ranked_files.file_path
            and ranked_files.file_rank = 1
)

select
    agency_code,
    agency_name,
    level,
    nullif(trim(parent_code), '') as parent_code,
    province_code,
    file_path,
    row_number
from latest_rows
where code_rank = 1
