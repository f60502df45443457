{#- Periods a backfill forces: those overlapping [rebuild_from, rebuild_to] (dbt vars set by
    Dagster from the backfill's quarters, both calendars; 1900-01-01 / 9999-12-31 stand for
    an open end). Without the vars (the nightly run) nothing is forced: the data decides
    (int_periods_to_rebuild). `start` and `end` are DATE expressions. -#}
{% macro overlaps_rebuild_window(start, end) -%}
    {%- set rebuild_from = var('rebuild_from', none) -%}
    {%- set rebuild_to = var('rebuild_to', none) -%}
    {%- if rebuild_from is none and rebuild_to is none -%}
        (1 = 0)
    {%- else -%}
        (
            {{ start }} <= cast('{{ rebuild_to or "9999-12-31" }}' as date)
            and {{ end }} >= cast('{{ rebuild_from or "1900-01-01" }}' as date)
        )
    {%- endif -%}
{%- endmacro %}

{#- Config shared by the per-period models (int_*_period_counts, int_scope_period_online_usage,
    period_accounting, service_rates, and the national marts reading those two): incremental delete+insert of whole periods (every scope)
    of int_periods_to_rebuild; the first build, or --full-refresh, builds every period of
    int_periods. Two post-hooks, in the model's transaction: the periods no longer in
    int_periods are deleted (delete+insert only replaces the periods it inserts), and the
    model's watermark is recorded (int_period_watermarks). `meta.period_model` names the
    model for int_periods_to_rebuild. Dispatched (macros/portability.sql): Spark's plain
    Parquet tables have no delete+insert and are rebuilt whole. -#}
{% macro period_mart_config() -%}
    {{ return(adapter.dispatch('period_mart_config', 'cchc')()) }}
{%- endmacro %}

{% macro default__period_mart_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['calendar', 'grain', 'period_key'],
        on_schema_change='append_new_columns',
        meta={'period_model': true},
        post_hook=[
            "{{ delete_periods_not_in_spine(this) }}",
            "{{ record_period_watermark(this) }}",
        ],
    ) }}
{%- endmacro %}

{#- The periods a per-period model builds: int_periods_to_rebuild on an incremental run,
    every period (int_periods) otherwise. A model calling it also names
    int_periods_to_rebuild in a `-- depends_on:` comment (dbt parses with is_incremental()
    false, so the ref below is not seen then). -#}
{% macro periods_to_build() -%}
    {%- if is_incremental() -%}
        {{ ref('int_periods_to_rebuild') }}
    {%- else -%}
        {{ ref('int_periods') }}
    {%- endif -%}
{%- endmacro %}

{#- Rows of `alias` (calendar, grain, period_key) in a period this run builds. -#}
{% macro in_periods_to_build(alias) -%}
    {%- if is_incremental() -%}
        exists (
            select 1
            from {{ ref('int_periods_to_rebuild') }} as rebuilt
            where
                rebuilt.calendar = {{ alias }}.calendar
                and rebuilt.grain = {{ alias }}.grain
                and rebuilt.period_key = {{ alias }}.period_key
        )
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{#- The names of the per-period models (config meta.period_model, set by
    period_mart_config): each records its watermark in int_period_watermarks. -#}
{% macro period_model_names() -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.meta.get('period_model') -%}
            {%- do names.append(node.alias) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names | sort) }}
{%- endmacro %}

{#- Post-hook: a period that left int_periods (its earliest or latest dated dossier or
    ticket was replaced or removed) is deleted, as a full build would not have it. -#}
{% macro delete_periods_not_in_spine(relation) -%}
    {%- set key = dbt.concat(["calendar", "'|'", "grain", "'|'", "period_key"]) -%}
    delete from {{ relation }}
    where {{ key }} not in (
        select {{ key }}
        from {{ ref('int_periods') }}
    )
{%- endmacro %}

{#- Post-hook: the model now holds every change of int_period_changes up to
    int_periods_to_rebuild's changes_through (the change log's latest build when the window
    was computed). Nothing is recorded when the window was empty: the watermark then stays,
    which only widens a later window. -#}
{% macro record_period_watermark(relation) -%}
    insert into {{ ref('int_period_watermarks') }} (model_name, changes_through)
    select
        '{{ relation.identifier }}' as model_name,
        built.changes_through
    from (
        select max(changes_through) as changes_through
        from {{ ref('int_periods_to_rebuild') }}
    ) as built
    where built.changes_through is not null
{%- endmacro %}
