{#- The live columns of several relations, in one catalog query (the gate's drift check).
    relations: a list of {database, schema, identifier}. Returns a list of
    {database, schema, identifier, column, data_type} (names lowercased), in column order.
    Dispatched: warehouses without information_schema.columns override it. -#}
{% macro relation_columns(relations) %}
    {{ return(adapter.dispatch('relation_columns', 'tessera')(relations)) }}
{% endmacro %}

{% macro default__relation_columns(relations) %}
    {%- if not execute or relations | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set q = tessera.quote_literal -%}
    {%- set dbs, schemas, names = [], [], [] -%}
    {%- for r in relations -%}
        {%- if r.database and q(r.database | lower) not in dbs -%}{%- do dbs.append(q(r.database | lower)) -%}{%- endif -%}
        {%- if q(r.schema | lower) not in schemas -%}{%- do schemas.append(q(r.schema | lower)) -%}{%- endif -%}
        {%- if q(r.identifier | lower) not in names -%}{%- do names.append(q(r.identifier | lower)) -%}{%- endif -%}
    {%- endfor -%}
    {%- set sql -%}
select lower(table_catalog) as db, lower(table_schema) as sch, lower(table_name) as tbl,
       lower(column_name) as col, data_type as data_type
from information_schema.columns
where lower(table_schema) in ({{ schemas | join(', ') }})
  and lower(table_name) in ({{ names | join(', ') }})
  {%- if dbs %} and lower(table_catalog) in ({{ dbs | join(', ') }}){% endif %}
order by 1, 2, 3, ordinal_position
    {%- endset -%}
    {%- set out = [] -%}
    {%- for row in tessera.run_select(sql) -%}
        {%- do out.append({'database': row.db, 'schema': row.sch, 'identifier': row.tbl, 'column': row.col, 'data_type': row.data_type}) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}
