-- marts.dossiers: the drill-down (marts.md "Drill-down"). One row per dossier that counts
-- in the accounting — the latest valid version of int_dossiers_latest, statuses 2 and
-- 4–10 — with the file and row of that version. No personal data: int_dossiers_latest
-- carries none, and only the update time is taken back from the version's own row.
select
    d.dossier_code,
    d.agency_code,
    d.agency_level as level,
    d.procedure_code,
    d.field_name,
    d.field_group,
    d.received_date,
    d.due_date,
    d.completed_date as finished_date,
    d.closed_date as closing_date,
    d.status,
    d.channel,
    d.service_level,
    d.is_digitized as digitised,
    d.has_e_result as e_result,
    d.is_reused as reused,
    d.owes_fee as fee_owed,
    d.paid_online,
    d.rating,
    versions.updated_at,
    d.source_file_path as file_path,
    d.source_row_number as row_number
from {{ ref('int_dossiers_latest') }} as d
inner join {{ ref('stg_one_stop__dossier_versions') }} as versions
    on
        d.source_file_path = versions.file_path
        and d.source_row_number = versions.row_number
