{#- The rows of `model` for which `expression` is not true (dbt_utils' test of the same
    name; packages are not available here). -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
