{#- Statements that insert rows into a registry table keyed by key_columns: a row whose key
    exists is skipped (update_columns empty) or has update_columns overwritten. DuckDB and
    PostgreSQL: chunked "insert ... on conflict"; Snowflake, BigQuery, Databricks, Spark:
    merge (always with a "when matched" clause, a no-op when nothing is updated, so that
    engines with optimistic concurrency reject the second of two concurrent writers). -#}
{% macro upsert_rows(table, rows, key_columns, update_columns=none, columns=none, chunk_size=500) %}
    {{ return(adapter.dispatch('upsert_rows', 'tessera')(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{% macro default__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {%- if update_columns -%}
        {%- set sets = [] -%}
        {%- for column in update_columns -%}
            {%- do sets.append(column ~ ' = excluded.' ~ column) -%}
        {%- endfor -%}
        {%- set suffix = 'on conflict (' ~ key_columns | join(', ') ~ ') do update set ' ~ sets | join(', ') -%}
    {%- else -%}
        {%- set suffix = 'on conflict (' ~ key_columns | join(', ') ~ ') do nothing' -%}
    {%- endif -%}
    {{ return(tessera.insert_rows(table, tessera._dedupe_rows(rows, key_columns), columns, suffix, chunk_size)) }}
{% endmacro %}

{% macro snowflake__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {{ return(tessera._merge_rows(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{% macro bigquery__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {{ return(tessera._merge_rows(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{% macro databricks__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {{ return(tessera._merge_rows(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{% macro redshift__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {{ return(tessera._merge_rows(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{% macro trino__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {{ return(tessera._merge_rows(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{% macro spark__upsert_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {{ return(tessera._merge_rows(table, rows, key_columns, update_columns, columns, chunk_size)) }}
{% endmacro %}

{#- One row per key (the last one wins): a multi-row "on conflict do update" may not touch the
    same row twice. -#}
{% macro _dedupe_rows(rows, key_columns) %}
    {%- set by_key = {} -%}
    {%- set order = [] -%}
    {%- for row in rows -%}
        {%- set parts = [] -%}
        {%- for column in key_columns -%}{%- do parts.append(row.get(column)) -%}{%- endfor -%}
        {%- set key = tojson(parts) -%}
        {%- if key not in by_key -%}{%- do order.append(key) -%}{%- endif -%}
        {%- do by_key.update({key: row}) -%}
    {%- endfor -%}
    {%- set out = [] -%}
    {%- for key in order -%}{%- do out.append(by_key[key]) -%}{%- endfor -%}
    {{ return(out) }}
{% endmacro %}

{% macro _merge_rows(table, rows, key_columns, update_columns, columns, chunk_size) %}
    {%- set rows = tessera._dedupe_rows(rows, key_columns) -%}
    {%- if rows | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set columns = columns if columns is not none else (rows[0].keys() | list) -%}
    {%- set targets = tessera.insert_columns(table, columns) -%}
    {%- set relation = tessera.registry_relation(table) -%}
    {%- set statements = [] -%}
    {%- for chunk in rows | batch(chunk_size) -%}
        {%- set selects = [] -%}
        {%- for row in chunk -%}
            {%- set literals = [] -%}
            {%- for column in columns -%}
                {%- do literals.append(tessera.quote_literal(row.get(column)) ~ ' as ' ~ column) -%}
            {%- endfor -%}
            {%- do selects.append('select ' ~ literals | join(', ')) -%}
        {%- endfor -%}
        {%- set on = [] -%}
        {%- for key in key_columns -%}{%- do on.append('t.' ~ key ~ ' = s.' ~ key) -%}{%- endfor -%}
        {%- set sql -%}
merge into {{ relation }} as t
using ({{ selects | join(' union all ') }}) as s
on {{ on | join(' and ') }}
{%- if update_columns %}
when matched then update set {% for c in update_columns %}{{ c }} = s.{{ c }}{{ ', ' if not loop.last }}{% endfor %}
{%- else %}
when matched then update set {{ key_columns[0] }} = t.{{ key_columns[0] }}
{%- endif %}
when not matched then insert ({{ targets | join(', ') }}) values ({% for c in targets %}{{ ('s.' ~ c) if c in columns else 'null' }}{{ ', ' if not loop.last }}{% endfor %})
        {%- endset -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}
