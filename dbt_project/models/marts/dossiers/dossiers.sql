-- marts.dossiers: the drill-down (marts.md "Drill-down"). One row per dossier that counts
-- in the accounting — the latest valid version of int_dossiers_latest, statuses 2 and
-- 4–10 — with the file and row of that version. No personal data: int_dossiers_latest
-- carries none (the update time is the version's own, carried by int_dossiers_latest, so
-- no join back to the 5M-row versions is needed).
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
    d.updated_at,
    d.source_file_path as file_path,
    d.source_row_number as row_number
from {{ ref('int_dossiers_latest') }} as d
