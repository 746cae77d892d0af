{#- The column list of an insert into a registry table that writes `columns`. Default: those
    columns (the others are null). Spark with Iceberg (3.5) refuses an insert that leaves
    columns out, so there every column of the table's definition is listed, in order; rows
    carry null for the ones they do not name. -#}
{% macro insert_columns(table, columns) %}
    {{ return(adapter.dispatch('insert_columns', 'tessera')(table, columns)) }}
{% endmacro %}

{% macro default__insert_columns(table, columns) %}
    {{ return(columns | list) }}
{% endmacro %}

{% macro spark__insert_columns(table, columns) %}
    {%- set spec = tessera.registry_tables() | selectattr('name', 'equalto', table) | list -%}
    {%- if spec | length == 0 -%}{{ return(columns | list) }}{%- endif -%}
    {%- set defined = spec[0].columns | map(attribute=0) | list -%}
    {%- set extra = columns | reject('in', defined) | list -%}
    {{ return(defined + extra) }}
{% endmacro %}
