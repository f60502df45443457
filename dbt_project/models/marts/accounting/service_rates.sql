{{ period_mart_config() }}
-- depends_on: {{ ref('int_periods_to_rebuild') }}
-- marts.service_rates: one row per calendar, grain, period, scope and indicator with
-- numerator, denominator and rate = numerator / denominator (NULL when the denominator is
-- 0). R = received in the period, S = resolved in the period (marts.md "Rates").
-- Numerators and denominators are sums of counts over the scope's agencies; only
-- online_service_usage_rate counts distinct procedure codes (int_scope_period_online_usage).
-- Incremental: a run replaces the periods of int_periods_to_rebuild (those the night's
-- data can change, plus a backfill's window).
with scope_indicators as (
    select indicator_values.indicator
    from (
        values
        ('online_rate'),
        ('full_online_rate'),
        ('full_online_uptake_rate'),
        ('on_time_rate'),
        ('digitized_intake_rate'),
        ('e_result_rate'),
        ('reuse_rate'),
        ('online_payment_rate'),
        ('satisfaction_rate'),
        ('satisfaction_rate_766'),
        ('online_service_usage_rate'),
        ('avg_wait_minutes'),
        ('wait_under_10_rate')
    ) as indicator_values (indicator)
),

-- Field groups (province-wide) carry the satisfaction indicators only.
field_group_indicators as (
    select indicator_values.indicator
    from (
        values
        ('satisfaction_rate'),
        ('satisfaction_rate_766')
    ) as indicator_values (indicator)
),

counts as (
    select
        scoped.calendar,
        scoped.grain,
        scoped.period_key,
        scoped.period_start,
        scoped.period_end,
        scoped.province_code,
        scoped.scope_type,
        scoped.scope_code,
        scoped.received,
        scoped.received_online,
        scoped.received_full,
        scoped.received_online_full,
        scoped.received_digitized,
        scoped.received_reused,
        scoped.received_owing_fee,
        scoped.received_paid_online,
        scoped.resolved,
        scoped.resolved_early,
        scoped.resolved_on_time,
        scoped.resolved_e_result,
        scoped.resolved_rated,
        scoped.resolved_satisfied,
        scoped.resolved_dissatisfied,
        scoped.tickets_called,
        scoped.tickets_called_under_10,
        scoped.wait_seconds_total,
        usage.procedures_used_online,
        usage.procedures_handled
    from {{ ref('int_scope_period_counts') }} as scoped
    left join {{ ref('int_scope_period_online_usage') }} as usage
        on
            scoped.calendar = usage.calendar
            and scoped.grain = usage.grain
            and scoped.period_key = usage.period_key
            and scoped.province_code = usage.province_code
            and scoped.scope_type = usage.scope_type
            and scoped.scope_code = usage.scope_code
    where {{ in_periods_to_build('scoped') }}
),

indicator_rows as (
    select
        counts.calendar,
        counts.grain,
        counts.period_key,
        counts.period_start,
        counts.period_end,
        counts.province_code,
        counts.scope_type,
        counts.scope_code,
        scope_indicators.indicator,
        cast(case scope_indicators.indicator
            when 'online_rate' then counts.received_online
            when 'full_online_rate' then counts.received_online_full
            when 'full_online_uptake_rate' then counts.received_online_full
            when 'on_time_rate' then counts.resolved_early + counts.resolved_on_time
            when 'digitized_intake_rate' then counts.received_digitized
            when 'e_result_rate' then counts.resolved_e_result
            when 'reuse_rate' then counts.received_reused
            when 'online_payment_rate' then counts.received_paid_online
            when 'satisfaction_rate' then counts.resolved_satisfied
            when 'satisfaction_rate_766' then counts.resolved - counts.resolved_dissatisfied
            when 'online_service_usage_rate' then coalesce(counts.procedures_used_online, 0)
            -- A double divisor: on Spark a bigint over the literal 60.0 is a DECIMAL with 6
            -- decimals (rounded before it is summed); on DuckDB both are doubles either way.
            when 'avg_wait_minutes' then counts.wait_seconds_total / cast(60 as {{ type_double() }})
            when 'wait_under_10_rate' then counts.tickets_called_under_10
        end as {{ type_double() }}) as numerator,
        cast(case scope_indicators.indicator
            when 'online_rate' then counts.received
            when 'full_online_rate' then counts.received
            when 'full_online_uptake_rate' then counts.received_full
            when 'on_time_rate' then counts.resolved
            when 'digitized_intake_rate' then counts.received
            when 'e_result_rate' then counts.resolved
            when 'reuse_rate' then counts.received
            when 'online_payment_rate' then counts.received_owing_fee
            when 'satisfaction_rate' then counts.resolved_rated
            when 'satisfaction_rate_766' then counts.resolved
            when 'online_service_usage_rate' then coalesce(counts.procedures_handled, 0)
            when 'avg_wait_minutes' then counts.tickets_called
            when 'wait_under_10_rate' then counts.tickets_called
        end as {{ dbt.type_bigint() }}) as denominator
    from counts
    cross join scope_indicators

    union all

    select
        field_groups.calendar,
        field_groups.grain,
        field_groups.period_key,
        field_groups.period_start,
        field_groups.period_end,
        field_groups.province_code,
        'field_group' as scope_type,
        field_groups.field_group as scope_code,
        field_group_indicators.indicator,
        cast(case field_group_indicators.indicator
            when 'satisfaction_rate' then field_groups.resolved_satisfied
            when 'satisfaction_rate_766'
                then field_groups.resolved - field_groups.resolved_dissatisfied
        end as {{ type_double() }}) as numerator,
        cast(case field_group_indicators.indicator
            when 'satisfaction_rate' then field_groups.resolved_rated
            when 'satisfaction_rate_766' then field_groups.resolved
        end as {{ dbt.type_bigint() }}) as denominator
    from {{ ref('int_field_group_period_counts') }} as field_groups
    cross join field_group_indicators
    where {{ in_periods_to_build('field_groups') }}
)

select
    calendar,
    grain,
    period_key,
    period_start,
    period_end,
    scope_type,
    scope_code,
    indicator,
    numerator,
    denominator,
    case
        when denominator > 0 then numerator / cast(denominator as {{ type_double() }})
    end as rate,
    -- The province the scope belongs to (the scope above level): last, so that the
    -- columns analysts had keep their places.
    province_code
from indicator_rows
