{#- The province a landed file belongs to. A landing holds one province
    (landing/<source>/…: NULL here, the province is the catalogue's) or many
    (landing/<province_code>/<source>/…: the first folder). Kept in step with
    orchestration/load/discovery.py, which finds the files. -#}
{% macro landing_province(file_path) -%}
    case
        when {{ dbt.split_part(file_path, "'/'", 1) }}
            in ('reference', 'one_stop', 'agency_reports', 'queue')
            then cast(null as {{ dbt.type_string() }})
        else {{ dbt.split_part(file_path, "'/'", 1) }}
    end
{%- endmacro %}
