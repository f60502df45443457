-- Watermarks of the per-period models: a row per successful build of one of them (its
-- post-hook record_period_watermark, in the model's transaction): it then holds every
-- change of int_period_changes built through `changes_through`. Append-only; the model
-- itself only creates the (empty) table. --full-refresh empties it: the next run then
-- rebuilds every period (int_periods_to_rebuild), as it does for a model without a row.
{{ build_log_config() }}

select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_timestamp() }}) as changes_through
from (select 1 as one) as no_rows
where no_rows.one = 0
