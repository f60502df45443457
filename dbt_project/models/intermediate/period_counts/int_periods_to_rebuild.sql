-- The periods an incremental run of the per-period models rebuilds (docs/decisions.md,
-- "Rebuild window from the data"):
--   * every period of int_periods ending on or after the earliest date of the changes
--     (int_period_changes) logged after the per-period models' watermark, the least of
--     their latest rows in int_period_watermarks: a model that failed or did not run
--     keeps its older watermark, so the next run catches up for all of them;
--   * every period when one of them has no watermark yet (first build, --full-refresh of
--     int_period_watermarks, a new per-period model);
--   * plus the periods a backfill forces (vars rebuild_from/rebuild_to, none by default).
-- changes_through (the log's latest build) is what the models record as their watermark
-- once built. A first build or --full-refresh of a per-period model builds every period of
-- int_periods instead (periods_to_build()).
{%- set period_models = period_model_names() %}

with logged as (
    select max(built_through) as changes_through
    from {{ ref('int_period_changes') }}
),

marks as (
    select
        model_name,
        max(changes_through) as changes_through
    from {{ ref('int_period_watermarks') }}
    where
        model_name in (
            {{ expand_columns(period_models or [''], "'{c}'", ",\n            ") }}
        )
    group by model_name
),

-- NULL unless every per-period model has a watermark.
watermark as (
    select
        case
            when count(*) = {{ period_models | length }} then min(changes_through)
        end as changes_through
    from marks
),

window_start as (
    select
        case
            when watermark.changes_through is null then cast('1900-01-01' as date)
            else min(changes.earliest_date)
        end as earliest_date
    from watermark
    left join {{ ref('int_period_changes') }} as changes
        on watermark.changes_through < changes.built_through
    group by watermark.changes_through
)

select
    periods.calendar,
    periods.grain,
    periods.period_key,
    periods.period_start,
    periods.period_end,
    periods.period_year,
    logged.changes_through
from {{ ref('int_periods') }} as periods
cross join window_start
cross join logged
where
    periods.period_end >= window_start.earliest_date
    or {{ overlaps_rebuild_window('periods.period_start', 'periods.period_end') }}
