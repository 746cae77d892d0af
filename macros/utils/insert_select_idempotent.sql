{#- "insert into <table> (columns) <select_sql>" that skips rows whose key_columns already
    exist, so concurrent writers of the same row write it once. DuckDB and PostgreSQL:
    "on conflict (...) do nothing" against the table's unique constraint; Snowflake,
    BigQuery, Databricks, Spark: merge, with a no-op "when matched" clause so that engines
    with optimistic concurrency (Iceberg, Delta) check the statement for conflicts and reject
    the second of two concurrent writers (an insert-only merge is planned as an append). -#}
{% macro insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(adapter.dispatch('insert_select_idempotent', 'tessera')(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{% macro default__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {%- set sql -%}
insert into {{ tessera.registry_relation(table) }} ({{ columns | join(', ') }})
select {{ columns | join(', ') }} from (
{{ select_sql }}
) as tessera_source where true
on conflict ({{ key_columns | join(', ') }}) do nothing
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}

{% macro snowflake__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(tessera._merge_select(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{% macro bigquery__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(tessera._merge_select(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{% macro databricks__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(tessera._merge_select(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{#- Redshift and Trino have no "on conflict" (and Redshift enforces no unique key). -#}
{% macro redshift__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(tessera._merge_select(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{% macro trino__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(tessera._merge_select(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{% macro spark__insert_select_idempotent(table, columns, select_sql, key_columns) %}
    {{ return(tessera._merge_select(table, columns, select_sql, key_columns)) }}
{% endmacro %}

{% macro _merge_select(table, columns, select_sql, key_columns) %}
    {%- set targets = tessera.insert_columns(table, columns) -%}
    {%- set sql -%}
merge into {{ tessera.registry_relation(table) }} as t
using ({{ select_sql }}) as s
on {% for k in key_columns %}t.{{ k }} = s.{{ k }}{{ ' and ' if not loop.last }}{% endfor %}
when matched then update set {{ key_columns[0] }} = t.{{ key_columns[0] }}
when not matched then insert ({{ targets | join(', ') }}) values ({% for c in targets %}{{ ('s.' ~ c) if c in columns else 'null' }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
