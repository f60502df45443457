-- The procedure catalogue as delivered in the most recently loaded catalogue file of each
-- province (see stg_reference__agencies). One row per province, procedure, level and
-- handling agency: agency_code is NULL for huyen/xa rows (every district or commune of the
-- province handles them). The province is the landing folder's (landing/<province>/…), or,
-- in a one-province landing, the agency catalogue's.
with files as (
    select distinct file_path
    from {{ source('reference', 'procedures') }}
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

one_province as (
    select min(province_code) as province_code
    from {{ source('reference', 'agencies') }}
),

latest_rows as (
    select
        coalesce(
            {{ landing_province('procedures.file_path') }}, one_province.province_code
        ) as province_code,
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
    cross join one_province
),

deduplicated as (
    select
        *,
        row_number() over (
            partition by province_code, procedure_code, level, agency_code
            order by row_number desc
        ) as key_rank
    from latest_rows
)

select
    province_code,
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
