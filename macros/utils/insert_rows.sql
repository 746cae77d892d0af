{#- Multi-row insert statements (chunked) for a registry table: a list of SQL strings.
    rows: list of dicts; columns: the column names to write (default: the first row's keys);
    suffix: SQL appended to each statement (upsert_rows passes its "on conflict" clause). -#}
{% macro insert_rows(table, rows, columns=none, suffix=none, chunk_size=500) %}
    {%- if rows | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set columns = tessera.insert_columns(table, columns if columns is not none else (rows[0].keys() | list)) -%}
    {%- set relation = tessera.registry_relation(table) -%}
    {%- set statements = [] -%}
    {%- for chunk in rows | batch(chunk_size) -%}
        {%- set values = [] -%}
        {%- for row in chunk -%}
            {%- set literals = [] -%}
            {%- for column in columns -%}
                {%- do literals.append(tessera.quote_literal(row.get(column))) -%}
            {%- endfor -%}
            {%- do values.append('(' ~ literals | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql -%}
insert into {{ relation }} ({{ columns | join(', ') }})
values
    {{ values | join(',\n    ') }}
{%- if suffix %}
{{ suffix }}
{%- endif -%}
        {%- endset -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}
