-- Queue tickets, one per agency + ticket number + day taken (sources.md's unique key).
-- Export windows overlap, so a ticket may arrive in several files: the later file in path
-- order wins, then the later row. Wait = called − taken; a ticket never called was
-- abandoned (counted as a ticket, not in wait figures).
with versions as (
    select
        file_path,
        row_number,
        agency_code,
        ticket_number,
        taken_at,
        called_at,
        finished_at,
        cast(taken_at as date) as taken_date,
        row_number() over (
            partition by agency_code, ticket_number, cast(taken_at as date)
            order by file_path desc, row_number desc
        ) as version_rank
    from {{ source('queue', 'queue_tickets') }}
)

select
    agency_code,
    ticket_number,
    taken_date,
    taken_at,
    called_at,
    finished_at,
    called_at is not null as is_called,
    case
        when called_at is not null
            then
                cast(
                    {{ dbt.datediff('taken_at', 'called_at', 'second') }}
                    as {{ dbt.type_bigint() }}
                )
    end as wait_seconds,
    case
        when called_at is not null
            then
                cast({{ dbt.datediff('taken_at', 'called_at', 'second') }} as {{ type_double() }})
                / 60.0
    end as wait_minutes,
    file_path,
    row_number
from versions
where version_rank = 1
