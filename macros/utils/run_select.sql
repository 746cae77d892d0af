{#- Run a query and return its rows as a list of dicts (column name -> value). -#}
{% macro run_select(sql) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set table = run_query(sql) -%}
    {%- set names = table.column_names | list -%}
    {%- set rows = [] -%}
    {%- for row in table.rows -%}
        {%- set item = {} -%}
        {%- for name in names -%}
            {%- do item.update({name: row[loop.index0]}) -%}
        {%- endfor -%}
        {%- do rows.append(item) -%}
    {%- endfor -%}
    {{ return(rows) }}
{% endmacro %}
