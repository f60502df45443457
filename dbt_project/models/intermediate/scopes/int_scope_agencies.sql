-- Which agencies make up each province/level/agency scope: the bridge that rolls
-- per-agency counts up to wider scopes as sums of counts (never averages of rates). A
-- level is the province's level: its agencies are the province's agencies of that level.
select
    province_code,
    'agency' as scope_type,
    agency_code as scope_code,
    agency_code
from {{ ref('stg_reference__agencies') }}

union all

select
    province_code,
    'level' as scope_type,
    level as scope_code,
    agency_code
from {{ ref('stg_reference__agencies') }}

union all

select
    province_code,
    'province' as scope_type,
    province_code as scope_code,
    agency_code
from {{ ref('stg_reference__agencies') }}
