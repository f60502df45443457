-- marts.dim_agencies (not in the contract, added for readers that label scopes): the
-- agency catalogue in force, one row per agency. Public bodies only: no personal data.
select
    agency_code,
    agency_name,
    level,
    parent_code,
    province_code
from {{ ref('stg_reference__agencies') }}
