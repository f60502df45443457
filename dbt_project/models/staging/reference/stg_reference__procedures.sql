-- The procedure catalogue as delivered in the most recently loaded catalogue file (see
-- stg_reference__agencies). One row per procedure, level and handling agency: agency_code
-- is NULL for huyen/xa rows (every district or commune handles them).
with files as (
    select distinct file_path
    from {{ source('reference', 'procedures') }}
),

ranked_files as (
    select
        files.file_path,
        row_number() over (
            order by ledger.processed_at desc nulls last, files.file_path desc
        ) as file_rank
    from files
    left join {{ source('ingest', 'file_ledger') }} as ledger
        on files.file_path = ledger.file_path
),

latest_rows as (
    select
        procedures.file_path,
        procedures.row_number,
        procedures.procedure_code,
        procedures.procedure_name,
        procedures.field_code,
        procedures.field_name,
        procedures.level,
        procedures.service_level,
        procedures.has_fee,
        nullif(trim(procedures.field_group), '') as field_group,
        nullif(trim(procedures.agency_code), '') as agency_code
    from {{ source('reference', 'procedures') }} as procedures
    inner join ranked_files
        on
            procedures.file_path = ranked_files.file_path
            and ranked_files.file_rank = 1
),

deduplicated as (
    select
        *,
        row_number() over (
            partition by procedure_code, level, agency_code
            order by row_number desc
        ) as key_rank
    from latest_rows
)

select
    procedure_code,
    procedure_name,
    field_code,
    field_name,
    field_group,
    level,
    agency_code,
    service_level,
    has_fee,
    file_path,
    row_number
from deduplicated
where key_rank = 1
