-- depends_on: {{ ref('stg_ingest__file_ledger') }}
-- One row per dossier counted in figures (sources.md, marts.md).
-- 1. The latest valid version of each dossier wins (int_dossier_versions_latest: latest
--    update time, then the later file in path order, then the later row). Quarantined
--    rows never reach raw.dossier_versions, so the latest version is the latest *valid* one.
-- 2. Only then are statuses 1 (not yet received) and 3 (refused) dropped: a dossier whose
--    latest version is 1 or 3 is out of every figure, whatever its earlier versions said.
-- 3. Field and catalogue service level come from the catalogue row of the procedure at the
--    receiving agency's level (the agency's own row preferred over the level-wide one).
--
-- Incremental (docs/decisions.md, "Incremental dossiers"): a night recomputes the dossiers
-- whose latest version was recomputed since this model's last build (their built_through
-- is newer than any here), and every dossier when a reference file (agencies, procedure
-- catalogue) was processed since. A dossier that now is not counted (status 1/3), or
-- has no version left (its row here came from a changed file and it is gone from
-- int_dossier_versions_latest), comes out as a removal marker (source_file_path NULL),
-- deleted by the post-hook. A full build (or --full-refresh) gives the same rows.
{{ dossier_increment_config('source_file_path') }}

with
{% if is_incremental() %}
    -- watermark, changed_files: the files (re)processed since this model's last build.
    {{ changed_files_ctes() }},

    -- A new catalogue can change the field or service level of any dossier.
    reference_changed as (
        select count(*) > 0 as is_changed
        from changed_files
        where source = 'reference'
    ),

    recomputed as (
        select latest.*
        from {{ ref('int_dossier_versions_latest') }} as latest
        cross join watermark
        cross join reference_changed
        where
            watermark.built_through is null
            or latest.built_through > watermark.built_through
            or reference_changed.is_changed
    ),

    -- Dossiers here whose version came from a changed file and that have no version left.
    removed as (
        select previous.dossier_code
        from {{ this }} as previous
        inner join changed_files
            on previous.source_file_path = changed_files.file_path
        left join {{ ref('int_dossier_versions_latest') }} as latest
            on previous.dossier_code = latest.dossier_code
        where latest.dossier_code is null
    ),

    affected as (
        select recomputed.dossier_code
        from recomputed
        union
        select removed.dossier_code
        from removed
    ),
{% endif %}

counted as (
    select *
    {% if is_incremental() %}
        from recomputed
    {% else %}
        from {{ ref('int_dossier_versions_latest') }}
    {% endif %}
    where status in (2, 4, 5, 6, 7, 8, 9, 10)
),

catalogue_matches as (
    select
        counted.dossier_code,
        procedures.field_code,
        procedures.field_name,
        procedures.field_group,
        procedures.service_level,
        row_number() over (
            partition by counted.dossier_code
            order by
                case
                    when procedures.agency_code = counted.agency_code then 0
                    when procedures.agency_code is null then 1
                    else 2
                end,
                procedures.row_number
        ) as match_rank
    from counted
    inner join {{ ref('stg_reference__agencies') }} as agencies
        on counted.agency_code = agencies.agency_code
    inner join {{ ref('stg_reference__procedures') }} as procedures
        on
            counted.procedure_code = procedures.procedure_code
            and agencies.province_code = procedures.province_code
            and agencies.level = procedures.level
),

best_match as (
    select *
    from catalogue_matches
    where match_rank = 1
),

dossiers as (
    select
        counted.dossier_code,
        counted.agency_code,
        agencies.level as agency_level,
        counted.procedure_code,
        best_match.dossier_code is not null as is_procedure_in_catalogue,
        best_match.field_code,
        best_match.field_name,
        best_match.field_group,
        counted.channel,
        counted.channel = 'online' as is_online,
        coalesce(counted.service_level, best_match.service_level) as service_level,
        counted.status,
        counted.received_date,
        counted.due_date,
        counted.completed_date,
        case
            when counted.status in (9, 10) then counted.completed_date
            when counted.status in (7, 8)
                then coalesce(counted.completed_date, counted.updated_date)
        end as closed_date,
        case
            when counted.status in (9, 10) then 'resolved'
            when counted.status in (7, 8) then 'withdrawn'
        end as closing,
        counted.is_digitized,
        counted.is_reused,
        counted.has_e_result,
        counted.owes_fee,
        counted.paid_online,
        counted.rating,
        counted.updated_at,
        counted.updated_date,
        counted.file_path as source_file_path,
        counted.row_number as source_row_number,
        counted.built_through
    from counted
    left join {{ ref('stg_reference__agencies') }} as agencies
        on counted.agency_code = agencies.agency_code
    left join best_match
        on counted.dossier_code = best_match.dossier_code
)

{% if is_incremental() %}
    -- Every affected dossier: its row, or a removal marker (not counted, or gone).
    select
        affected.dossier_code,
        {{ expand_columns([
            'agency_code', 'agency_level', 'procedure_code', 'is_procedure_in_catalogue',
            'field_code', 'field_name', 'field_group', 'channel', 'is_online',
            'service_level', 'status', 'received_date', 'due_date', 'completed_date',
            'closed_date', 'closing', 'is_digitized', 'is_reused', 'has_e_result',
            'owes_fee', 'paid_online', 'rating', 'updated_at', 'updated_date',
            'source_file_path', 'source_row_number', 'built_through',
        ], 'dossiers.{c}') }}
    from affected
    left join dossiers
        on affected.dossier_code = dossiers.dossier_code
{% else %}
    select *
    from dossiers
{% endif %}
