-- The change log of the per-period models (docs/decisions.md, "Rebuild window from the
-- data"): append-only; each run adds, for the files the ledger (re)processed since the
-- log's last build, the earliest date whose periods they may change. Periods ending on or
-- after that date are rebuilt (int_periods_to_rebuild); 1900-01-01 means every period.
--
-- A dossier counts only in periods ending on or after its received date (accounting
-- macros: every measure needs received_date <= period end), so a changed dossier can
-- change only periods ending on or after the least date of its old and new latest
-- version. The log takes the least of EVERY date (received, due, completed, returned,
-- updated) of every version the dossier has now and of the row int_dossier_versions_latest
-- holds BEFORE this run updates it (the version replaced, or removed): more than needed,
-- never less. That table is read as it stands (existing_model_relation, no ref: this model
-- runs before it, int_dossier_versions_latest depends on it).
--
-- Rows (column `change`):
--   dossier / dossier_removed  a dossier of the batch of int_dossier_versions_latest
--                              (a version in a changed file, or its latest version came
--                              from one); removed: no version left.
--   queue_file                 a queue file first seen since the last build: its tickets'
--                              earliest day (a later file only overrides tickets of the
--                              same day).
--   queue_file_redelivered     a queue file seen before: its old tickets are gone from raw,
--                              their days unknown, so every period.
--   reference_file             agencies or catalogue: scopes, levels, fields of every
--                              dossier, so every period.
--   unknown_source             a ledger source this model does not know: every period.
--   night                      the run's marker (no date): the log's watermark moves.
--   first_build, no_previous_build, dossier_models_ahead
--                              no safe increment (first build or --full-refresh, no table
--                              of int_dossier_versions_latest, or that table was built
--                              after this log): every period.
-- Agency reports (Biểu 06) and seeds (targets) feed no per-period model
-- (tests/test_period_window.py checks the lineage), so they add no date.
{{ build_log_config() }}
-- depends_on: {{ ref('stg_one_stop__dossier_versions') }}
-- depends_on: {{ source('queue', 'queue_tickets') }}
{%- set date_columns = [
    'received_date', 'due_date', 'completed_date', 'returned_date', 'updated_date',
] %}
{%- set everything = "cast('1900-01-01' as date)" %}
{%- set no_date = "cast(null as date)" %}
{%- set no_text = "cast(null as " ~ dbt.type_string() ~ ")" %}

with build as (
    select max(processed_at) as built_through
    from {{ ref('stg_ingest__file_ledger') }}
)

{% if is_incremental() %}
    {%- set previous = existing_model_relation('int_dossier_versions_latest') %}
    {%- set previous_exists = previous is not none %}
    {%- if not previous_exists %}
        {#- No table: an empty stand-in (every period is logged instead, below). -#}
        {%- set previous -%}
            (
                select
                    {{ no_text }} as dossier_code,
                    {{ no_text }} as file_path,
                    {{ no_date }} as received_date,
                    {{ no_date }} as due_date,
                    {{ no_date }} as completed_date,
                    {{ no_date }} as returned_date,
                    {{ no_date }} as updated_date,
                    cast(null as {{ dbt.type_timestamp() }}) as built_through
                where 1 = 0
            )
        {%- endset %}
    {%- endif %}
    ,

    {{ changed_files_ctes() }},

    affected as (
        {{ dossiers_of_changed_files(previous) }}
    ),

    dossier_dates as (
        select
            versions.dossier_code,
            {{ earliest_of('versions', date_columns) }} as earliest_date,
            1 as is_current
        from {{ ref('stg_one_stop__dossier_versions') }} as versions
        where versions.dossier_code in (select affected.dossier_code from affected)
        union all
        select
            replaced.dossier_code,
            {{ earliest_of('replaced', date_columns) }} as earliest_date,
            0 as is_current
        from {{ previous }} as replaced
        where replaced.dossier_code in (select affected.dossier_code from affected)
    ),

    -- The latest version int_dossier_versions_latest built last: newer than this log
    -- means it was built without this log running first.
    previous_build as (
        select max(built_through) as built_through
        from {{ previous }}
    ),

    changes as (
        select
            'night' as change,
            {{ no_text }} as file_path,
            {{ no_text }} as dossier_code,
            {{ no_date }} as earliest_date
        from (select count(*) as files from changed_files) as night
        where night.files > 0

        union all

        select
            'no_watermark' as change,
            {{ no_text }} as file_path,
            {{ no_text }} as dossier_code,
            {{ everything }} as earliest_date
        from watermark
        where watermark.built_through is null

        {% if not previous_exists %}
            union all

            select
                'no_previous_build' as change,
                {{ no_text }} as file_path,
                {{ no_text }} as dossier_code,
                {{ everything }} as earliest_date
            from watermark
        {% endif %}

        union all

        select
            'dossier_models_ahead' as change,
            {{ no_text }} as file_path,
            {{ no_text }} as dossier_code,
            {{ everything }} as earliest_date
        from previous_build
        cross join watermark
        where previous_build.built_through > watermark.built_through

        union all

        select
            case when max(is_current) = 0 then 'dossier_removed' else 'dossier' end
                as change,
            {{ no_text }} as file_path,
            dossier_code,
            min(earliest_date) as earliest_date
        from dossier_dates
        group by dossier_code

        union all

        select
            'queue_file' as change,
            changed_files.file_path,
            {{ no_text }} as dossier_code,
            min(cast(tickets.taken_at as date)) as earliest_date
        from changed_files
        inner join {{ source('queue', 'queue_tickets') }} as tickets
            on changed_files.file_path = tickets.file_path
        where changed_files.source = 'queue' and not changed_files.was_seen_before
        group by changed_files.file_path

        union all

        select
            case
                when changed_files.source = 'queue' then 'queue_file_redelivered'
                when changed_files.source = 'reference' then 'reference_file'
                else 'unknown_source'
            end as change,
            changed_files.file_path,
            {{ no_text }} as dossier_code,
            {{ everything }} as earliest_date
        from changed_files
        where
            (changed_files.source = 'queue' and changed_files.was_seen_before)
            or changed_files.source not in ('one_stop', 'queue', 'agency_reports')
    )

{% else %}
    ,

    changes as (
        select
            'first_build' as change,
            {{ no_text }} as file_path,
            {{ no_text }} as dossier_code,
            {{ everything }} as earliest_date
    )
{% endif %}

select
    build.built_through,
    changes.change,
    changes.file_path,
    changes.dossier_code,
    changes.earliest_date
from changes
cross join build
