-- Every scope a figure is published for, within each province of the catalogue (the
-- province is the scope above level): the province, its three levels (always, even a
-- level without agencies), every agency, and every field group of its procedure catalogue
-- (field groups carry the satisfaction indicators only). A scope is known by
-- (province_code, scope_type, scope_code): level and field-group codes repeat across
-- provinces.
with levels as (
    select 'tinh' as level_code
    union all
    select 'huyen' as level_code
    union all
    select 'xa' as level_code
),

provinces as (
    select distinct province_code
    from {{ ref('stg_reference__agencies') }}
)

select
    province_code,
    'province' as scope_type,
    province_code as scope_code,
    cast(null as {{ dbt.type_string() }}) as agency_level
from provinces

union all

select
    provinces.province_code,
    'level' as scope_type,
    levels.level_code as scope_code,
    cast(null as {{ dbt.type_string() }}) as agency_level
from provinces
cross join levels

union all

select
    province_code,
    'agency' as scope_type,
    agency_code as scope_code,
    level as agency_level
from {{ ref('stg_reference__agencies') }}

union all

select distinct
    province_code,
    'field_group' as scope_type,
    field_group as scope_code,
    cast(null as {{ dbt.type_string() }}) as agency_level
from {{ ref('stg_reference__procedures') }}
where field_group is not null
