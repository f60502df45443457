{#- Use the folder's schema as written (marts, staging, ...) rather than dbt's
    default "<target>_<custom>" so that analysts find `marts.*` as the contract says. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
