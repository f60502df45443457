-- The service index in the shape of the Bộ chỉ số of Quyết định 766/QĐ-TTg, scored from
-- marts.service_rates with the editable seed service_index_profile. One row per calendar,
-- period, scope (province, level, agency) and:
--   an item      (group_code, item_code)  points = the item's score, NULL when not measured
--   a group      (group_code, item_code = group_code)
--   the total    (group_code 'TOTAL', item_code 'TOTAL')
-- Items with no indicator in the profile are not measurable from these sources: NULL,
-- never invented. Group and TOTAL points sum the items that have points; max_points is
-- the full maximum (18/20/22/22/18, 100) and measured_max_points the maximum of the items
-- actually scored, so that a partial score is never read as a full one.
with profile as (
    select
        group_code,
        group_max,
        item_code,
        max_points,
        rule,
        threshold,
        points_above,
        points_below,
        provisional,
        {{ seed_text('indicator') }} as indicator
    from {{ ref('service_index_profile') }}
),

rates as (
    select
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code,
        indicator,
        rate
    from {{ ref('service_rates') }}
    where scope_type in ('province', 'level', 'agency')
),

scope_periods as (
    select distinct
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code
    from rates
),

items as (
    select
        scope_periods.calendar,
        scope_periods.grain,
        scope_periods.period_key,
        scope_periods.period_start,
        scope_periods.period_end,
        scope_periods.province_code,
        scope_periods.scope_type,
        scope_periods.scope_code,
        profile.group_code,
        profile.group_max,
        profile.item_code,
        profile.indicator,
        profile.max_points,
        profile.provisional,
        rates.rate,
        case
            when profile.indicator is null or rates.rate is null then null
            when profile.rule = 'proportional'
                then rates.rate * profile.max_points
            when profile.rule = 'threshold'
                then
                    case
                        when rates.rate >= profile.threshold then profile.points_above
                        else profile.points_below
                    end
        end as points,
        case
            when profile.indicator is null then 'not_measured'
            when rates.rate is null then 'no_data'
            else 'measured'
        end as measurement_status
    from scope_periods
    cross join profile
    left join rates
        on
            scope_periods.calendar = rates.calendar
            and scope_periods.grain = rates.grain
            and scope_periods.period_key = rates.period_key
            and scope_periods.province_code = rates.province_code
            and scope_periods.scope_type = rates.scope_type
            and scope_periods.scope_code = rates.scope_code
            and profile.indicator = rates.indicator
),

group_scores as (
    select
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code,
        group_code,
        sum(points) as points,
        max(group_max) as max_points,
        sum(case when points is not null then max_points else 0 end) as measured_max_points,
        sum(case when points is not null then 1 else 0 end) as measured_items,
        sum(case when indicator is not null then 1 else 0 end) as measurable_items,
        count(*) as item_count,
        max(case when points is not null and provisional then 1 else 0 end) as any_provisional
    from items
    group by
        calendar, grain, period_key, period_start, period_end,
        province_code, scope_type, scope_code, group_code
),

total_scores as (
    select
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code,
        sum(points) as points,
        sum(max_points) as max_points,
        sum(measured_max_points) as measured_max_points,
        sum(measured_items) as measured_items,
        sum(measurable_items) as measurable_items,
        sum(item_count) as item_count,
        max(any_provisional) as any_provisional
    from group_scores
    group by
        calendar, grain, period_key, period_start, period_end,
        province_code, scope_type, scope_code
),

unioned as (
    select
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code,
        group_code,
        item_code,
        'item' as row_kind,
        indicator,
        rate,
        points,
        max_points,
        case when points is not null then max_points else 0 end as measured_max_points,
        measurement_status,
        provisional
    from items
    union all
    select
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code,
        group_code,
        group_code as item_code,
        'group' as row_kind,
        null as indicator,
        null as rate,
        points,
        max_points,
        measured_max_points,
        case
            when measured_items = item_count then 'measured'
            when measured_items > 0 then 'partial'
            when measurable_items > 0 then 'no_data'
            else 'not_measured'
        end as measurement_status,
        any_provisional = 1 as provisional
    from group_scores
    union all
    select
        calendar,
        grain,
        period_key,
        period_start,
        period_end,
        province_code,
        scope_type,
        scope_code,
        'TOTAL' as group_code,
        'TOTAL' as item_code,
        'total' as row_kind,
        null as indicator,
        null as rate,
        points,
        max_points,
        measured_max_points,
        case
            when measured_items = item_count then 'measured'
            when measured_items > 0 then 'partial'
            when measurable_items > 0 then 'no_data'
            else 'not_measured'
        end as measurement_status,
        any_provisional = 1 as provisional
    from total_scores
)

select
    calendar,
    grain,
    period_key,
    scope_type,
    scope_code,
    group_code,
    item_code,
    cast(points as {{ type_double() }}) as points,
    cast(max_points as {{ type_double() }}) as max_points,
    cast(measured_max_points as {{ type_double() }}) as measured_max_points,
    period_start,
    period_end,
    row_kind,
    cast(indicator as {{ dbt.type_string() }}) as indicator,
    cast(rate as {{ type_double() }}) as rate,
    measurement_status,
    provisional,
    -- The province the scope belongs to (last: the columns analysts had keep their places).
    province_code
from unioned
