-- One row per dossier counted in figures (sources.md, marts.md).
-- 1. The latest valid version of each dossier wins: latest update time, then the later
--    file in path order (byte order), then the later row. Quarantined rows never reach
--    raw.dossier_versions, so the latest version here is the latest *valid* one.
-- 2. Only then are statuses 1 (not yet received) and 3 (refused) dropped: a dossier whose
--    latest version is 1 or 3 is out of every figure, whatever its earlier versions said.
-- 3. Field and catalogue service level come from the catalogue row of the procedure at the
--    receiving agency's level (the agency's own row preferred over the level-wide one).
with versions as (
    select
        versions.*,
        row_number() over (
            partition by versions.dossier_code
            order by
                versions.updated_at desc,
                versions.file_path desc,
                versions.row_number desc
        ) as version_rank
    from {{ ref('stg_one_stop__dossier_versions') }} as versions
),

counted as (
    select *
    from versions
    where
        version_rank = 1
        and status in (2, 4, 5, 6, 7, 8, 9, 10)
),

catalogue_matches as (
    select
        counted.dossier_code,
        procedures.field_code,
        procedures.field_name,
        procedures.field_group,
        procedures.service_level,
        row_number() over (
            partition by counted.dossier_code
            order by
                case
                    when procedures.agency_code = counted.agency_code then 0
                    when procedures.agency_code is null then 1
                    else 2
                end,
                procedures.row_number
        ) as match_rank
    from counted
    inner join {{ ref('stg_reference__agencies') }} as agencies
        on counted.agency_code = agencies.agency_code
    inner join {{ ref('stg_reference__procedures') }} as procedures
        on
            counted.procedure_code = procedures.procedure_code
            and agencies.level = procedures.level
),

best_match as (
    select *
    from catalogue_matches
    where match_rank = 1
)

select
    counted.dossier_code,
    counted.agency_code,
    agencies.level as agency_level,
    counted.procedure_code,
    best_match.dossier_code is not null as is_procedure_in_catalogue,
    best_match.field_code,
    best_match.field_name,
    best_match.field_group,
    counted.channel,
    counted.channel = 'online' as is_online,
    coalesce(counted.service_level, best_match.service_level) as service_level,
    counted.status,
    counted.received_date,
    counted.due_date,
    counted.completed_date,
    case
        when counted.status in (9, 10) then counted.completed_date
        when counted.status in (7, 8) then coalesce(counted.completed_date, counted.updated_date)
    end as closed_date,
    case
        when counted.status in (9, 10) then 'resolved'
        when counted.status in (7, 8) then 'withdrawn'
    end as closing,
    counted.is_digitized,
    counted.is_reused,
    counted.has_e_result,
    counted.owes_fee,
    counted.paid_online,
    counted.rating,
    counted.updated_date,
    counted.file_path as source_file_path,
    counted.row_number as source_row_number
from counted
left join {{ ref('stg_reference__agencies') }} as agencies
    on counted.agency_code = agencies.agency_code
left join best_match
    on counted.dossier_code = best_match.dossier_code
