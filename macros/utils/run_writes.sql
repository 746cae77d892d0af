{#- Run write statements as one transaction where the adapter has them: they succeed or fail
    together (on Spark and Databricks each statement commits on its own: see
    docs/warehouses.md). The registry lock is taken first (PostgreSQL). run_query does not
    open a transaction, so run_statements uses statement(auto_begin=true) and commits. -#}
{% macro run_writes(statements, lock=true) %}
    {%- set statements = statements | reject('none') | list -%}
    {%- if not execute or statements | length == 0 -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set lock_sql = tessera.lock_registry() if lock else '' -%}
    {%- do tessera.run_statements(([lock_sql] if lock_sql else []) + statements, 'tessera_write') -%}
    {{ return(statements | length) }}
{% endmacro %}
