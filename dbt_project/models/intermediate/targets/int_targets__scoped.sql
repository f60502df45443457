-- One row per target of the targets seed with its scope resolved to the scopes of
-- marts.service_rates, within the plan's province: the catalogue's one province, or, when
-- the catalogue holds many, the plan's province in the plan_provinces seed (none there:
-- scope_status province_not_found):
--   province              → province / the plan's province code
--   level:<level>         → level / <level>
--   agency:<agency name>  → agency / the agency_code of the province whose name matches by
--                           normalise_name (plans name agencies, not codes); NULL when no
--                           agency or more
--                           than one agency matches (scope_status says which)
--   field_groups:<g>|<g>… → field_group / the groups joined by '|' as written; evaluated
--                           later on the sum of the listed groups' counts
with targets as (
    select
        plan_code,
        target_code,
        indicator,
        calendar,
        year_from,
        year_to,
        kind,
        target_value,
        trim(scope) as scope
    from {{ ref('targets') }}
),

parsed as (
    select
        *,
        case
            when scope = 'province' then 'province'
            when scope like 'level:%' then 'level'
            when scope like 'agency:%' then 'agency'
            when scope like 'field_groups:%' then 'field_group'
        end as scope_type,
        {%- set after_colon = dbt.length('scope') ~ ' - ' ~ dbt.position("':'", 'scope') %}
        case
            when {{ dbt.position("':'", 'scope') }} > 0
                then trim({{ dbt.right('scope', after_colon) }})
        end as scope_value
    from targets
),

provinces as (
    select
        count(distinct province_code) as provinces,
        min(province_code) as only_province
    from {{ ref('stg_reference__agencies') }}
),

plan_province as (
    select distinct
        parsed.plan_code,
        case
            when provinces.provinces = 1 then provinces.only_province
            else plan_provinces.province_code
        end as province_code
    from parsed
    cross join provinces
    left join {{ ref('plan_provinces') }} as plan_provinces
        on parsed.plan_code = plan_provinces.plan_code
),

catalogue_provinces as (
    select distinct province_code
    from {{ ref('stg_reference__agencies') }}
),

-- The plan's province, when the catalogue has it.
province as (
    select
        plan_province.plan_code,
        plan_province.province_code
    from plan_province
    inner join catalogue_provinces
        on plan_province.province_code = catalogue_provinces.province_code
),

agency_matches as (
    select
        parsed.plan_code,
        parsed.target_code,
        count(*) as matched_agencies,
        min(agencies.agency_code) as agency_code
    from parsed
    inner join province
        on parsed.plan_code = province.plan_code
    inner join {{ ref('stg_reference__agencies') }} as agencies
        on
            province.province_code = agencies.province_code
            and {{ normalise_name('parsed.scope_value') }}
            = {{ normalise_name('agencies.agency_name') }}
    where parsed.scope_type = 'agency'
    group by parsed.plan_code, parsed.target_code
)

select
    parsed.plan_code,
    parsed.target_code,
    parsed.indicator,
    parsed.scope,
    parsed.scope_type,
    parsed.scope_value,
    parsed.calendar,
    parsed.year_from,
    parsed.year_to,
    parsed.kind,
    parsed.target_value,
    province.province_code,
    case parsed.scope_type
        when 'province' then province.province_code
        when 'agency'
            then case when agency_matches.matched_agencies = 1 then agency_matches.agency_code end
        else parsed.scope_value
    end as scope_code,
    case
        when parsed.scope_type is null then 'unknown_scope'
        when province.province_code is null then 'province_not_found'
        when parsed.scope_type = 'agency' and agency_matches.matched_agencies is null
            then 'agency_not_found'
        when parsed.scope_type = 'agency' and agency_matches.matched_agencies > 1
            then 'agency_ambiguous'
        else 'resolved'
    end as scope_status
from parsed
left join province
    on parsed.plan_code = province.plan_code
left join agency_matches
    on
        parsed.plan_code = agency_matches.plan_code
        and parsed.target_code = agency_matches.target_code
