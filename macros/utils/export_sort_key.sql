{#- The ORDER BY expression for a registry column in an export: text in byte order on every
    adapter, so an export reads the same from DuckDB and PostgreSQL (PostgreSQL would
    otherwise sort by the database's collation). kind: text, integer, boolean, timestamp. -#}
{% macro export_sort_key(column, kind) %}
    {{ return(adapter.dispatch('export_sort_key', 'tessera')(column, kind)) }}
{% endmacro %}

{% macro default__export_sort_key(column, kind) %}
    {{ return(column) }}
{% endmacro %}

{% macro postgres__export_sort_key(column, kind) %}
    {{ return(column ~ ' collate "C"' if kind == 'text' else column) }}
{% endmacro %}
