{#- Indicators where a lower value is the better result (a mean waiting time); every other
    indicator of service_rates is a share where higher is better. The one list that
    province_ranking (and anything else that ranks or compares scopes) reads. -#}
{% macro lower_is_better_indicators() -%}
    {{ return(['avg_wait_minutes']) }}
{%- endmacro %}

{#- A value that orders `rate` best first in ascending order for the row's `indicator`:
    the rate itself where lower is better, its negation otherwise. NULL stays NULL. -#}
{% macro best_first(indicator, rate) -%}
    case
        when {{ indicator }} in (
            {{ expand_columns(lower_is_better_indicators(), "'{c}'", ", ") }}
        ) then {{ rate }}
        else -{{ rate }}
    end
{%- endmacro %}
