{#- Periods touched by a partitioned run: those overlapping [rebuild_from, rebuild_to]
    (dbt vars set by Dagster from the partition's quarters, both calendars; the defaults
    1900-01-01 / 9999-12-31 mean everything). `start` and `end` are DATE expressions. -#}
{% macro overlaps_rebuild_window(start, end) -%}
    (
        {{ start }} <= cast('{{ var("rebuild_to", "9999-12-31") }}' as date)
        and {{ end }} >= cast('{{ var("rebuild_from", "1900-01-01") }}' as date)
    )
{%- endmacro %}

{#- Config shared by the per-period marts (period_accounting, service_rates): a partitioned
    run deletes and re-inserts whole periods (every scope) of its window; the first build,
    or --full-refresh, builds every period. Dispatched (macros/portability.sql): Spark's
    plain Parquet tables have no delete+insert. -#}
{% macro period_mart_config() -%}
    {{ return(adapter.dispatch('period_mart_config', 'cchc')()) }}
{%- endmacro %}

{% macro default__period_mart_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['calendar', 'grain', 'period_key'],
        on_schema_change='append_new_columns',
    ) }}
{%- endmacro %}
