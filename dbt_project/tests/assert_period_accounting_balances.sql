-- Rows of period_accounting whose counts do not add up (marts.md):
-- to_process = resolved + withdrawn + pending = received + carried_over;
-- received = online + offline; resolved = early + on time + late;
-- pending = in time + overdue; no count is negative.
select *  -- noqa: AM04
from {{ ref('period_accounting') }}
where
    to_process <> resolved + withdrawn + pending
    or to_process <> received + carried_over
    or received <> received_online + received_offline
    or resolved <> resolved_early + resolved_on_time + resolved_late
    or pending <> pending_in_time + pending_overdue
    or least({{ accounting_measure_names() | join(', ') }}) < 0
