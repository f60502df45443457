{#- Types that dbt-core's cross-database macros do not name.
    dbt.type_float() is "float" on DuckDB, a 4-byte REAL: rates and minutes need 8 bytes. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cchc')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}
