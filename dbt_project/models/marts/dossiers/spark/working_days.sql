-- marts.working_days on the Spark target (enabled there only, dbt_project.yml): the rows
-- computed by marts/dossiers/working_days.py's working_calendar() (orchestration/spark
-- writes them to raw.working_days), with the Python model's column types.
select
    cast(calendar_date as date) as calendar_date,
    cast(is_working_day as boolean) as is_working_day,
    cast(working_day_number as {{ dbt.type_bigint() }}) as working_day_number,
    cast(day_kind as {{ dbt.type_string() }}) as day_kind,
    cast(note as {{ dbt.type_string() }}) as note
from {{ source('spark_calendar', 'working_days') }}
