{#- The registry tables that exist and their columns (lower case): {table: [column, ...]},
    for the tables named in `names`. Default: one information_schema.columns query. Spark and
    Databricks (no information_schema there): "show tables in <schema>", then "describe
    table extended" of each registry table found; a table whose provider is not Delta or
    Iceberg is refused with one line naming tessera_table_format. -#}
{% macro registry_catalog(names) %}
    {{ return(adapter.dispatch('registry_catalog', 'tessera')(names)) }}
{% endmacro %}

{% macro default__registry_catalog(names) %}
    {%- set relation = tessera.registry_relation() -%}
    {%- set sql -%}
select lower(table_name) as table_name, lower(column_name) as column_name
from information_schema.columns
where lower(table_schema) = lower({{ tessera.quote_literal(relation.schema) }})
  and lower(table_catalog) = lower({{ tessera.quote_literal(relation.database) }})
  and lower(table_name) in ({% for n in names %}{{ tessera.quote_literal(n) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endset -%}
    {%- set existing = {} -%}
    {%- for row in tessera.run_select(sql) -%}
        {%- if row.table_name not in existing -%}{%- do existing.update({row.table_name: []}) -%}{%- endif -%}
        {%- do existing[row.table_name].append(row.column_name) -%}
    {%- endfor -%}
    {{ return(existing) }}
{% endmacro %}

{% macro spark__registry_catalog(names) %}
    {%- set existing = {} -%}
    {%- if not tessera.registry_schema_exists() -%}{{ return(existing) }}{%- endif -%}
    {%- set relation = tessera.registry_relation() -%}
    {%- set wanted = names | map('lower') | list -%}
    {%- set found = [] -%}
    {%- for row in run_query('show tables in ' ~ relation.schema) -%}
        {#- columns: namespace (database), tableName, isTemporary -#}
        {%- set name = row[1] | string | lower -%}
        {%- if name in wanted and not (row[2] is sameas true) -%}{%- do found.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- for name in found -%}
        {%- set columns = [] -%}
        {%- set state = {'details': false, 'provider': none} -%}
        {%- for row in run_query('describe table extended ' ~ tessera.registry_relation(name)) -%}
            {%- set key = (row[0] or '') | string | trim -%}
            {%- if key.startswith('#') or key == '' -%}
                {%- do state.update({'details': true}) -%}
            {%- elif not state.details -%}
                {%- do columns.append(key | lower) -%}
            {%- elif key | lower == 'provider' -%}
                {%- do state.update({'provider': (row[1] or '') | string | trim | lower}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if state.provider not in ['delta', 'iceberg'] -%}
            {{ exceptions.raise_compiler_error(tessera._table_format_refusal(relation.schema, (state.provider or 'of an unknown format') ~ ' tables (' ~ name ~ ')')) }}
        {%- endif -%}
        {%- do existing.update({name: columns}) -%}
    {%- endfor -%}
    {{ return(existing) }}
{% endmacro %}
