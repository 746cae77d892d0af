{#- dbt run-operation tessera.export_registry [--args '{page_size: 1000}']
    Streams every registry table, in table order, rows in key order, as JSON lines on stdout
    (print): first one header line {"export": "header", "source": {...}, "tables": [{name,
    columns, types, key, rows}]}, then one line per page {"export": "page", "table": name,
    "rows": [[...], ...]} of at most page_size rows. Timestamps are UTC ISO-8601 text
    (2026-01-31T12:34:56.000000Z), integers and booleans JSON numbers and booleans, the rest
    text. `tessera export` assembles the lines into one document without holding a table in
    memory. Reads only (it creates the registry when it is missing, like every operation). -#}
{% macro export_registry(page_size=none) %}
    {%- set op = 'export_registry' -%}
    {%- do tessera.reject_unknown_args(op, kwargs, ['page_size']) -%}
    {%- set page_size = tessera.arg_integer(op, 'page_size', page_size, required=false, minimum=1) or 1000 -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do tessera.ensure_registry() -%}
    {%- set registry = tessera.registry_relation() -%}
    {%- set specs = tessera.registry_tables() -%}
    {%- set tables = [] -%}
    {%- for spec in specs -%}
        {%- set count = tessera.run_select('select count(*) as n from ' ~ tessera.registry_relation(spec.name))[0].n | int -%}
        {%- do tables.append({
            'name': spec.name,
            'columns': spec.columns | map(attribute=0) | list,
            'types': spec.columns | map(attribute=1) | list,
            'key': spec.unique[0] if spec.unique else [],
            'rows': count,
        }) -%}
    {%- endfor -%}
    {%- do print(tojson({
        'export': 'header',
        'source': {'adapter': target.type, 'database': registry.database, 'schema': registry.schema},
        'tables': tables,
    })) -%}
    {%- for table in tables if table.rows > 0 -%}
        {#- Key columns first, then every other column: a total order even for tables without
            a unique key, identical on every adapter (text compares byte-wise). -#}
        {%- set order = [] -%}
        {%- set selects = [] -%}
        {%- for column in table.key + (table.columns | reject('in', table.key) | list) -%}
            {%- do order.append(tessera.export_sort_key(column, table.types[table.columns.index(column)]) ~ ' asc nulls first') -%}
        {%- endfor -%}
        {%- for column in table.columns -%}
            {%- set kind = table.types[loop.index0] -%}
            {%- do selects.append((tessera.timestamp_iso_text(column) if kind == 'timestamp' else column) ~ ' as ' ~ column) -%}
        {%- endfor -%}
        {%- for page in range(((table.rows + page_size - 1) / page_size) | int) -%}
            {%- set sql -%}
select {{ selects | join(', ') }}
from {{ tessera.registry_relation(table.name) }}
order by {{ order | join(', ') }}
limit {{ page_size }} offset {{ page * page_size }}
            {%- endset -%}
            {%- set rows = [] -%}
            {%- for row in run_query(sql).rows -%}
                {%- do rows.append(row | list) -%}
            {%- endfor -%}
            {%- if rows | length > 0 -%}
                {%- do print(tojson({'export': 'page', 'table': table.name, 'rows': rows})) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}
