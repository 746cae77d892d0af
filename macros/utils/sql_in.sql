{#- A parenthesized SQL list of quoted literals, for `x in {{ tessera.sql_in(values) }}`
    (an empty list gives a list that matches nothing). Used with tessera.vocabulary() so
    that no status or answer list is spelled in SQL. -#}
{% macro sql_in(values) %}
    {%- set quoted = [] -%}
    {%- for v in values -%}{%- do quoted.append(tessera.quote_literal(v)) -%}{%- endfor -%}
    {{ return('(' ~ (quoted | join(', ') if quoted else 'null') ~ ')') }}
{% endmacro %}
