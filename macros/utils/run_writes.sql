{#- Run write statements as one transaction: they succeed or fail together. The registry lock
    is taken first (PostgreSQL). run_query does not open a transaction, so this uses
    statement(auto_begin=true) and commits explicitly. -#}
{% macro run_writes(statements, lock=true) %}
    {%- set statements = statements | reject('none') | list -%}
    {%- if not execute or statements | length == 0 -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set lock_sql = tessera.lock_registry() if lock else '' -%}
    {%- call statement('tessera_write', fetch_result=false, auto_begin=true) -%}
        {%- if lock_sql %}{{ lock_sql }};
        {% endif -%}
        {%- for sql in statements %}
        {{ sql }};
        {%- endfor %}
    {%- endcall -%}
    {%- do adapter.commit() -%}
    {{ return(statements | length) }}
{% endmacro %}
