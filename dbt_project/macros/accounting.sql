{#- Dossier accounting of marts.md, shared by period_accounting (periods) and
    report_reconciliation (report windows). `start` and `end` are SQL expressions of DATE
    type (both days included); the dossier relation is aliased `d` (int_dossiers_latest).

    Usage:
        from {{ ref('int_dossiers_latest') }} as d
        inner join <windows> as w
            on {{ accounting_in_window('w.period_start', 'w.period_end') }}
        group by <window columns>
    select <window columns>, {{ accounting_measures('w.period_start', 'w.period_end') }}

    Every measure is self-contained (it repeats the window condition), so the expressions
    are also right after a LEFT join (a window without dossiers gives zeros). -#}

{#- In to_process of [start, end]: received by the end and not closed before the start. -#}
{% macro accounting_in_window(start, end) -%}
    (
        d.received_date <= {{ end }}
        and (d.closed_date is null or d.closed_date >= {{ start }})
    )
{%- endmacro %}

{#- Resolved in [start, end]: status 9/10 with Ngày hoàn thành in the window. -#}
{% macro accounting_is_resolved(start, end) -%}
    (d.closing = 'resolved' and d.completed_date >= {{ start }} and d.completed_date <= {{ end }})
{%- endmacro %}

{#- Received in [start, end]. -#}
{% macro accounting_is_received(start, end) -%}
    (d.received_date >= {{ start }} and d.received_date <= {{ end }})
{%- endmacro %}

{#- Still open at the end of [start, end] (in to_process, not closed by the end). -#}
{% macro accounting_is_pending(start, end) -%}
    (
        {{ accounting_in_window(start, end) }}
        and (d.closed_date is null or d.closed_date > {{ end }})
    )
{%- endmacro %}

{% macro _accounting_count(condition) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro accounting_measures(start, end) -%}
    {%- set received = accounting_is_received(start, end) -%}
    {%- set resolved = accounting_is_resolved(start, end) -%}
    {%- set pending = accounting_is_pending(start, end) -%}
    {{ _accounting_count(received) }} as received,
    {{ _accounting_count(received ~ " and d.channel = 'online'") }} as received_online,
    {{ _accounting_count(received ~ " and d.channel in ('in_person', 'postal')") }}
        as received_offline,
    {{ _accounting_count(
        accounting_in_window(start, end) ~ " and d.received_date < " ~ start
    ) }} as carried_over,
    {{ _accounting_count(accounting_in_window(start, end)) }} as to_process,
    {{ _accounting_count(resolved) }} as resolved,
    {{ _accounting_count(
        resolved ~ " and d.due_date is not null and d.completed_date < d.due_date"
    ) }} as resolved_early,
    {{ _accounting_count(
        resolved ~ " and (d.due_date is null or d.completed_date = d.due_date)"
    ) }} as resolved_on_time,
    {{ _accounting_count(resolved ~ " and d.completed_date > d.due_date") }} as resolved_late,
    {{ _accounting_count(
        "d.closing = 'withdrawn' and d.closed_date >= " ~ start ~ " and d.closed_date <= " ~ end
    ) }} as withdrawn,
    {{ _accounting_count(pending) }} as pending,
    {{ _accounting_count(pending ~ " and (d.due_date is null or d.due_date >= " ~ end ~ ")") }}
        as pending_in_time,
    {{ _accounting_count(pending ~ " and d.due_date < " ~ end) }} as pending_overdue
{%- endmacro %}

{#- Further per-dossier counts behind service_rates (R = received, S = resolved in the
    window). Same conventions as accounting_measures. -#}
{% macro rate_measures(start, end) -%}
    {%- set received = accounting_is_received(start, end) -%}
    {%- set resolved = accounting_is_resolved(start, end) -%}
    {{ _accounting_count(received ~ " and d.service_level = 'full'") }} as received_full,
    {{ _accounting_count(received ~ " and d.channel = 'online' and d.service_level = 'full'") }}
        as received_online_full,
    {{ _accounting_count(received ~ " and d.is_digitized") }} as received_digitized,
    {{ _accounting_count(received ~ " and d.is_reused") }} as received_reused,
    {{ _accounting_count(received ~ " and d.owes_fee") }} as received_owing_fee,
    {{ _accounting_count(received ~ " and d.owes_fee and d.paid_online") }}
        as received_paid_online,
    {{ _accounting_count(resolved ~ " and d.has_e_result") }} as resolved_e_result,
    {{ _accounting_count(resolved ~ " and d.rating is not null") }} as resolved_rated,
    {{ _accounting_count(resolved ~ " and d.rating in ('very_satisfied', 'satisfied')") }}
        as resolved_satisfied,
    {{ _accounting_count(resolved ~ " and d.rating = 'dissatisfied'") }} as resolved_dissatisfied
{%- endmacro %}

{#- Column names produced by the macros above, in order (for coalescing and rolling up). -#}
{% macro accounting_measure_names() -%}
    {{ return([
        'received', 'received_online', 'received_offline', 'carried_over', 'to_process',
        'resolved', 'resolved_early', 'resolved_on_time', 'resolved_late', 'withdrawn',
        'pending', 'pending_in_time', 'pending_overdue',
    ]) }}
{%- endmacro %}

{% macro rate_measure_names() -%}
    {{ return([
        'received_full', 'received_online_full', 'received_digitized', 'received_reused',
        'received_owing_fee', 'received_paid_online', 'resolved_e_result', 'resolved_rated',
        'resolved_satisfied', 'resolved_dissatisfied',
    ]) }}
{%- endmacro %}

{#- Queue counts of int_agency_period_counts. Waits are summed in whole seconds (an exact
    integer), so that sums do not depend on the order in which rows are added. -#}
{% macro queue_measure_names() -%}
    {{ return([
        'tickets_taken', 'tickets_called', 'tickets_called_under_10', 'wait_seconds_total',
    ]) }}
{%- endmacro %}
