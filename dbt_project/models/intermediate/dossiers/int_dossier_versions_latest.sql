-- The latest valid version of EVERY dossier, whatever its status (int_dossiers_latest
-- then keeps the counted ones): latest update time, then the later file in path order
-- (byte order), then the later row.
--
-- Incremental (docs/decisions.md, "Incremental dossiers"). A night recomputes only the
-- dossiers that files processed since this model's last build can change:
--   * dossiers with a version in such a file (a new or re-delivered file adds versions);
--   * dossiers whose latest version came from such a file (a file re-delivered at the
--     same path replaces its rows: the version may be gone). Removing any other version
--     cannot change a dossier's latest one, so no other dossier needs a look.
-- Watermark: built_through, the ledger's latest processed_at when the row was computed;
-- "since the last build" is processed_at > max(built_through). Every write to the raw
-- tables goes with its ledger row in one transaction (orchestration/load), so the ledger
-- names every file whose rows changed.
-- A recomputed dossier left with no version at all comes out as a removal marker (only
-- dossier_code; file_path NULL): delete+insert deletes its old row, the post-hook deletes
-- the marker, in the same transaction. A full build (or --full-refresh) gives the same rows.
{{ dossier_increment_config('file_path') }}
-- int_period_changes reads this table as it was before this run updates it: it runs first.
-- depends_on: {{ ref('int_period_changes') }}
{%- set version_columns = [
    'file_path', 'row_number', 'layout', 'procedure_code', 'agency_code', 'channel',
    'service_level', 'received_at', 'due_at', 'completed_at', 'returned_at', 'updated_at',
    'received_date', 'due_date', 'completed_date', 'returned_date', 'updated_date', 'status',
    'is_digitized', 'is_reused', 'has_e_result', 'owes_fee', 'paid_online', 'rating',
] %}

with build as (
    select max(processed_at) as built_through
    from {{ ref('stg_ingest__file_ledger') }}
),

{% if is_incremental() %}
    -- watermark, changed_files: the files (re)processed since this model's last build.
    {{ changed_files_ctes() }},

    affected as (
        {{ dossiers_of_changed_files(this) }}
    ),
{% endif %}

ranked as (
    select
        versions.*,
        row_number() over (
            partition by versions.dossier_code
            order by
                versions.updated_at desc,
                versions.file_path desc,
                versions.row_number desc
        ) as version_rank
    from {{ ref('stg_one_stop__dossier_versions') }} as versions
    {% if is_incremental() %}
        where versions.dossier_code in (select affected.dossier_code from affected)
    {% endif %}
),

latest as (
    select *
    from ranked
    where version_rank = 1
)

{% if is_incremental() %}
    -- Every affected dossier: its latest version, or a removal marker (no version left).
    select
        affected.dossier_code,
        {{ expand_columns(version_columns, 'latest.{c}') }},
        build.built_through
    from affected
    cross join build
    left join latest
        on affected.dossier_code = latest.dossier_code
{% else %}
    select
        latest.dossier_code,
        {{ expand_columns(version_columns, 'latest.{c}') }},
        build.built_through
    from latest
    cross join build
{% endif %}
