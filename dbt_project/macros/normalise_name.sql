{#- Names (agencies, fields) compared the way sources.md compares headers: lower case,
    trimmed, inner whitespace collapsed, Vietnamese diacritics removed (đ → d).
    Dispatched so that another engine (Spark) can supply its own implementation. -#}
{% macro normalise_name(expression) -%}
    {{ return(adapter.dispatch('normalise_name', 'cchc')(expression)) }}
{%- endmacro %}

{% macro default__normalise_name(expression) -%}
    lower(trim(regexp_replace(
        strip_accents(replace(replace({{ expression }}, 'đ', 'd'), 'Đ', 'D')),
        '\s+', ' ', 'g'
    )))
{%- endmacro %}
