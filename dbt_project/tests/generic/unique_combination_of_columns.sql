{#- The rows of `model` that share their values of `combination_of_columns` with another
    row (dbt_utils' test of the same name; packages are not available here).
    NULLs compare equal, as in a grouping. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        count(*) as duplicate_rows,
        {{ combination_of_columns | join(', ') }}
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
