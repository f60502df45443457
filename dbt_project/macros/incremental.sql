{#- Incremental models that recompute a set of keys (int_dossier_versions_latest,
    int_dossiers_latest) emit, for a key that no longer has a row, a removal marker: the
    key with `marker_column` NULL. delete+insert (or a merge on the key) replaces the old
    row by the marker; this post-hook then deletes the markers, inside the model's
    transaction. Dispatched: an engine without DELETE supplies its own. -#}
{% macro delete_removal_markers(relation, marker_column) -%}
    {{ return(adapter.dispatch('delete_removal_markers', 'cchc')(relation, marker_column)) }}
{%- endmacro %}

{% macro default__delete_removal_markers(relation, marker_column) -%}
    delete from {{ relation }} where {{ marker_column }} is null
{%- endmacro %}
