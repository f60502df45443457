-- The catalogue procedures of service level full or partial that each scope handles
-- (online_service_usage_rate's denominator). An agency handles its level's catalogue rows
-- of its province whose agency_code is its own or empty; a level or the province
-- handles the distinct procedure codes that its agencies handle. agency_code says which
-- agency handles it, so a level's or the province's numerator can require an online
-- dossier at an agency that handles the procedure.
with agency_procedures as (
    select distinct
        agencies.agency_code,
        procedures.procedure_code
    from {{ ref('stg_reference__agencies') }} as agencies
    inner join {{ ref('stg_reference__procedures') }} as procedures
        on
            agencies.province_code = procedures.province_code
            and agencies.level = procedures.level
            and (
                agencies.agency_code = procedures.agency_code
                or procedures.agency_code is null
            )
    where procedures.service_level in ('full', 'partial')
)

select
    bridge.province_code,
    bridge.scope_type,
    bridge.scope_code,
    agency_procedures.agency_code,
    agency_procedures.procedure_code
from agency_procedures
inner join {{ ref('int_scope_agencies') }} as bridge
    on agency_procedures.agency_code = bridge.agency_code
