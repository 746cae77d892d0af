{#- The table-constraint clause declaring a unique key in create table ('' where the adapter
    cannot declare one: BigQuery; Spark, Databricks and Trino, which enforce none). -#}
{% macro unique_constraint(columns) %}
    {{ return(adapter.dispatch('unique_constraint', 'tessera')(columns)) }}
{% endmacro %}

{% macro default__unique_constraint(columns) %}
    {{ return('unique (' ~ columns | join(', ') ~ ')') }}
{% endmacro %}

{% macro bigquery__unique_constraint(columns) %}
    {{ return('') }}
{% endmacro %}

{% macro spark__unique_constraint(columns) %}
    {{ return('') }}
{% endmacro %}

{% macro trino__unique_constraint(columns) %}
    {{ return('') }}
{% endmacro %}
