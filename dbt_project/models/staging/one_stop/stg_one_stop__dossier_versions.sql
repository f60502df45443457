-- One row per delivered dossier version (valid rows only: quarantine happens at load).
-- Dates are the local calendar day of the naive local timestamps: all period logic
-- compares dates, never times.
select
    file_path,
    row_number,
    layout,
    dossier_code,
    procedure_code,
    agency_code,
    channel,
    service_level,
    received_at,
    due_at,
    completed_at,
    returned_at,
    updated_at,
    cast(received_at as date) as received_date,
    cast(due_at as date) as due_date,
    cast(completed_at as date) as completed_date,
    cast(returned_at as date) as returned_date,
    cast(updated_at as date) as updated_date,
    cast(status as {{ dbt.type_int() }}) as status,
    is_digitized,
    is_reused,
    has_e_result,
    owes_fee,
    paid_online,
    rating
from {{ source('one_stop', 'dossier_versions') }}
