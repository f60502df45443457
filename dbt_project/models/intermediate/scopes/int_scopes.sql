-- Every scope a figure is published for: the province, the three levels (always, even a
-- level without agencies), every agency of the catalogue, and every field group of the
-- procedure catalogue (field groups carry the satisfaction indicators only).
with levels as (
    select 'tinh' as level_code
    union all
    select 'huyen' as level_code
    union all
    select 'xa' as level_code
)

select distinct
    'province' as scope_type,
    province_code as scope_code,
    cast(null as {{ dbt.type_string() }}) as agency_level
from {{ ref('stg_reference__agencies') }}

union all

select
    'level' as scope_type,
    level_code as scope_code,
    cast(null as {{ dbt.type_string() }}) as agency_level
from levels

union all

select
    'agency' as scope_type,
    agency_code as scope_code,
    level as agency_level
from {{ ref('stg_reference__agencies') }}

union all

select distinct
    'field_group' as scope_type,
    field_group as scope_code,
    cast(null as {{ dbt.type_string() }}) as agency_level
from {{ ref('stg_reference__procedures') }}
where field_group is not null
