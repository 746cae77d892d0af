{#- The DDL that adds a column to a registry table created by an older layout (migrations only
    add). Default: "alter table ... add column if not exists"; Spark and Databricks:
    "alter table ... add columns (...)"; Redshift: "add column" (no "if not exists"). The
    plan only adds columns that are missing. -#}
{% macro add_column(relation, column, data_type) %}
    {{ return(adapter.dispatch('add_column', 'tessera')(relation, column, data_type)) }}
{% endmacro %}

{% macro default__add_column(relation, column, data_type) %}
    {{ return('alter table ' ~ relation ~ ' add column if not exists ' ~ column ~ ' ' ~ data_type) }}
{% endmacro %}

{% macro spark__add_column(relation, column, data_type) %}
    {{ return('alter table ' ~ relation ~ ' add columns (' ~ column ~ ' ' ~ data_type ~ ')') }}
{% endmacro %}

{% macro redshift__add_column(relation, column, data_type) %}
    {{ return('alter table ' ~ relation ~ ' add column ' ~ column ~ ' ' ~ data_type) }}
{% endmacro %}
