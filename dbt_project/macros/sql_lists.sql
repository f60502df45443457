{#- `pattern` rendered once per column, `{c}` replaced by the column name, joined by
    `separator` (a comma and a new line by default). Keeps the long per-measure column
    lists out of Jinja loops in the models, e.g.
        {{ expand_columns(accounting_measure_names(), 'sum(counts.{c}) as {c}') }} -#}
{% macro expand_columns(columns, pattern, separator=",\n    ") -%}
    {%- for column in columns -%}
        {{ pattern | replace('{c}', column) }}{% if not loop.last %}{{ separator }}{% endif %}
    {%- endfor -%}
{%- endmacro %}

{#- First day of the grain's period holding `day` (DATE expression), for a grain column
    holding 'month', 'quarter', 'half_year' or 'year' (date_trunc has no half-year). -#}
{% macro grain_start(grain, day) -%}
    case {{ grain }}
        when 'month' then cast({{ dbt.date_trunc('month', day) }} as date)
        when 'quarter' then cast({{ dbt.date_trunc('quarter', day) }} as date)
        when 'half_year'
            then case
                when extract(month from {{ day }}) <= 6
                    then cast({{ dbt.date_trunc('year', day) }} as date)
                else cast({{ dbt.dateadd('month', '6', dbt.date_trunc('year', day)) }} as date)
            end
        else cast({{ dbt.date_trunc('year', day) }} as date)
    end
{%- endmacro %}
