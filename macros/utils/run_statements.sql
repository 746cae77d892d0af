{#- Execute SQL statements (a list of strings) under the statement name `name`, then commit.
    Default: one call carrying every statement separated by ";" (one round trip, one
    transaction where the caller opened one). Spark, Databricks and Trino run one statement
    per call: they refuse "a; b" in one call, and have no multi-statement transactions
    (Trino: depends on the connector), so callers put the statement that may conflict with
    a concurrent writer first. -#}
{% macro run_statements(statements, name='tessera_write') %}
    {{ return(adapter.dispatch('run_statements', 'tessera')(statements, name)) }}
{% endmacro %}

{% macro default__run_statements(statements, name) %}
    {%- set statements = statements | reject('none') | reject('equalto', '') | list -%}
    {%- if statements | length > 0 -%}
        {%- call statement(name, fetch_result=false, auto_begin=true) -%}
            {%- for sql in statements %}
            {{ sql }};
            {%- endfor %}
        {%- endcall -%}
    {%- endif -%}
    {%- do adapter.commit() -%}
    {{ return(statements | length) }}
{% endmacro %}

{% macro spark__run_statements(statements, name) %}
    {%- set statements = statements | reject('none') | reject('equalto', '') | list -%}
    {%- for sql in statements -%}
        {%- call statement(name ~ '_' ~ loop.index, fetch_result=false, auto_begin=true) -%}{{ sql }}{%- endcall -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
    {{ return(statements | length) }}
{% endmacro %}

{% macro trino__run_statements(statements, name) %}
    {{ return(tessera.spark__run_statements(statements, name)) }}
{% endmacro %}
