{#- The rows of `model` that share their values of `combination_of_columns` with another
    row (dbt_utils' test of the same name; packages are not available here).
    NULLs compare equal, as in a grouping. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns_csv = combination_of_columns | join(', ') %}
    select
        {{ columns_csv }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1
{% endtest %}
