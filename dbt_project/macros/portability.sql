{#- Engine-specific SQL, one place (docs/scale-out.md lists the dispatched macros). The
    models call the dispatcher; `default__` is the DuckDB build (`make demo`), `spark__`
    the Spark target (profiles.yml `spark`). -#}

{#- Types that dbt-core's cross-database macros do not name.
    dbt.type_float() is "float" on DuckDB, a 4-byte REAL: rates and minutes need 8 bytes. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cchc')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{#- The per-period marts on Spark (macros/periods.sql): rebuilt whole. dbt-spark's
    incremental strategies are append, insert_overwrite (by partition: partition_by moves the
    partition columns to the end of the table, so the published columns would differ) and
    merge (Delta or Iceberg tables only); a partitioned run on Spark is a full build. -#}
{% macro spark__period_mart_config() -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{#- normalise_name (macros/normalise_name.sql) on Spark, which has no strip_accents: the
    precomposed letters of Latin-1, Latin Extended-A, ơ/ư and Vietnamese (U+1EA0–U+1EF9)
    mapped to their base letter by translate() (the same 255 letters DuckDB's strip_accents
    maps; đ/Đ as in default__), then any combining mark left (decomposed input) removed.
    `\s` is RE2's class, written out for Java's regex (which adds the vertical tab). -#}
{% macro spark__normalise_name(expression) -%}
    {%- set accented = (
        'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ'
        ~ 'ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő'
        ~ 'ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮ'
        ~ 'ắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪ'
        ~ 'ừỬửỮữỰựỲỳỴỵỶỷỸỹ'
    ) -%}
    {%- set base = (
        'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaC'
        ~ 'cCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOo'
        ~ 'RrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaAaAaAaAaAaAaA'
        ~ 'aAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuU'
        ~ 'uUuUuUuYyYyYyYy'
    ) -%}
    lower(trim(regexp_replace(
        regexp_replace(
            translate(
                replace(replace({{ expression }}, 'đ', 'd'), 'Đ', 'D'),
                '{{ accented }}', '{{ base }}'
            ),
            '\\p{M}', ''
        ),
        '[\\t\\n\\f\\r ]+', ' '
    )))
{%- endmacro %}

{#- dbt.dateadd on Spark (dbt_project.yml's dispatch puts this project before dbt's): the
    models add days and months to DATE values only, and dbt-spark's version goes through
    to_unix_timestamp, which gave NULL for dates under spark.sql.timestampType=TIMESTAMP_NTZ
    (no periods at all). date_add and add_months work on dates, as DuckDB's + interval.
    Other parts, or timestamps, keep dbt-spark's implementation. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- if datepart == 'day' -%}
        date_add({{ from_date_or_timestamp }}, cast({{ interval }} as int))
    {%- elif datepart == 'month' -%}
        add_months({{ from_date_or_timestamp }}, cast({{ interval }} as int))
    {%- elif datepart == 'year' -%}
        add_months({{ from_date_or_timestamp }}, 12 * cast({{ interval }} as int))
    {%- else -%}
        {{ return(dbt.spark__dateadd(datepart, interval, from_date_or_timestamp)) }}
    {%- endif -%}
{%- endmacro %}

{#- A text cell of a seed, empty read as NULL. On Spark, dbt-spark's seed loader writes an
    empty cell of a `string` column as the text 'None' (agate's None rendered into its
    INSERT ... VALUES), so that spelling is an empty cell too: no seed uses it as a value. -#}
{% macro seed_text(column) -%}
    {{ return(adapter.dispatch('seed_text', 'cchc')(column)) }}
{%- endmacro %}

{% macro default__seed_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro spark__seed_text(column) -%}
    case when trim({{ column }}) in ('', 'None') then null else trim({{ column }}) end
{%- endmacro %}
