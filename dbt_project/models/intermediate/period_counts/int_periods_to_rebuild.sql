-- The periods this run rebuilds: those of int_periods overlapping the window set by the
-- partitioned Dagster run (vars rebuild_from/rebuild_to; by default every period).
select
    calendar,
    grain,
    period_key,
    period_start,
    period_end,
    period_year
from {{ ref('int_periods') }}
where {{ overlaps_rebuild_window('period_start', 'period_end') }}
