{#- Incremental models that recompute a set of keys (int_dossier_versions_latest,
    int_dossiers_latest) emit, for a key that no longer has a row, a removal marker: the
    key with `marker_column` NULL. delete+insert (or a merge on the key) replaces the old
    row by the marker; this post-hook then deletes the markers, inside the model's
    transaction. Dispatched: an engine without DELETE supplies its own. -#}
{% macro delete_removal_markers(relation, marker_column) -%}
    {{ return(adapter.dispatch('delete_removal_markers', 'cchc')(relation, marker_column)) }}
{%- endmacro %}

{% macro default__delete_removal_markers(relation, marker_column) -%}
    delete from {{ relation }} where {{ marker_column }} is null
{%- endmacro %}

{#- on-run-start: an incremental model whose table lacks its watermark column (built by a
    version of the project in which it was a plain table) is dropped, so that this run
    builds it in full instead of running its incremental branch against a table without
    a watermark. A no-op on every later run (two catalogue look-ups). -#}
{% macro drop_incremental_tables_without_watermark(column='built_through') -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model'
            and node.config.materialized == 'incremental'
            and column in node.columns -%}
            {%- set relation = adapter.get_relation(
                database=node.database,
                schema=node.schema,
                identifier=node.alias,
            ) -%}
            {%- if relation is not none
                and column not in (
                    adapter.get_columns_in_relation(relation)
                    | map(attribute='name') | map('lower') | list
                ) -%}
                {% do log('Dropping ' ~ relation ~ ': built without ' ~ column
                    ~ ', rebuilt in full', info=true) %}
                {% do adapter.drop_relation(relation) %}
                {#- hooks otherwise end in a rollback: the drop must hold for the run -#}
                {% do adapter.commit() %}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- Config shared by the incremental dossier models (int_dossier_versions_latest,
    int_dossiers_latest): delete+insert on dossier_code, removal markers deleted by the
    post-hook. Dispatched: on Spark (plain Parquet tables: no delete+insert, no DELETE) they
    are rebuilt whole, as the per-period marts are (macros/portability.sql). -#}
{% macro dossier_increment_config(marker_column) -%}
    {{ return(adapter.dispatch('dossier_increment_config', 'cchc')(marker_column)) }}
{%- endmacro %}

{% macro default__dossier_increment_config(marker_column) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='dossier_code',
        on_schema_change='fail',
        post_hook="{{ delete_removal_markers(this, '" ~ marker_column ~ "') }}",
    ) }}
{%- endmacro %}

{% macro spark__dossier_increment_config(marker_column) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- Two CTEs of an incremental model's incremental branch: `watermark` (the model's
    latest built_through; NULL when its table is empty) and `changed_files`, the ledger's
    files (re)processed since then, whatever their status now (a re-delivery that is now
    rejected or a duplicate has had its earlier rows deleted too), and whether the path was
    seen before that build. -#}
{% macro changed_files_ctes() -%}
    watermark as (
        select max(built_through) as built_through
        from {{ this }}
    ),

    changed_files as (
        select
            ledger.file_path,
            ledger.source,
            watermark.built_through is not null
            and ledger.first_seen_at <= watermark.built_through as was_seen_before
        from {{ ref('stg_ingest__file_ledger') }} as ledger
        cross join watermark
        where
            watermark.built_through is null
            or ledger.processed_at > watermark.built_through
    )
{%- endmacro %}

{#- The dossiers a night can change: those with a version in a changed file, and those whose
    row in `previous` (a table of latest versions) came from one (it may be gone). -#}
{% macro dossiers_of_changed_files(previous) -%}
    select versions.dossier_code
    from {{ ref('stg_one_stop__dossier_versions') }} as versions
    inner join changed_files
        on versions.file_path = changed_files.file_path
    union
    select previous_rows.dossier_code
    from {{ previous }} as previous_rows
    inner join changed_files
        on previous_rows.file_path = changed_files.file_path
{%- endmacro %}

{#- Config of the append-only build logs (int_period_changes, int_period_watermarks): each
    run appends rows, none is ever rewritten. Dispatched: on Spark every per-period model is
    rebuilt whole (macros/portability.sql), so the logs are plain tables there. -#}
{% macro build_log_config() -%}
    {{ return(adapter.dispatch('build_log_config', 'cchc')()) }}
{%- endmacro %}

{% macro default__build_log_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
    ) }}
{%- endmacro %}

{% macro spark__build_log_config() -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- The existing table of another model, looked up without ref (int_period_changes reads
    int_dossier_versions_latest as it was BEFORE this run updates it; a ref would make a
    cycle); none when the table does not exist. -#}
{% macro existing_model_relation(model_name) -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.name == model_name -%}
            {{ return(adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.alias
            )) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- The least of some DATE columns of `alias`, NULL when all are NULL (portable: least()
    with every argument coalesced, since engines differ on NULL arguments). -#}
{% macro earliest_of(alias, columns) -%}
    {%- set far = "cast('9999-12-31' as date)" -%}
    {%- set arguments = [] -%}
    {%- for column in columns -%}
        {%- do arguments.append('coalesce(' ~ alias ~ '.' ~ column ~ ', ' ~ far ~ ')') -%}
    {%- endfor -%}
    nullif(least({{ arguments | join(', ') }}), {{ far }})
{%- endmacro %}
