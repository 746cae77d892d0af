{#- Validate a list-of-strings argument: a YAML list of non-empty strings (or one string of
    comma-separated names). Returns a list without duplicates, in order, or none. -#}
{% macro arg_string_list(op, name, value, required=false) %}
    {%- if value is undefined or value is none -%}
        {%- if required -%}
            {%- do tessera.refuse(op, name, none, 'is missing', 'a list of names') -%}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is string -%}
        {%- set value = value.split(',') | map('trim') | list -%}
    {%- endif -%}
    {%- if value is mapping or value is not iterable -%}
        {%- do tessera.refuse(op, name, value, 'is not a list', 'a list of names, e.g. [a, b]') -%}
    {%- endif -%}
    {%- set out = [] -%}
    {%- for item in value -%}
        {%- set item = tessera.arg_string(op, name ~ '[' ~ loop.index0 ~ ']', item) -%}
        {%- if item not in out -%}{%- do out.append(item) -%}{%- endif -%}
    {%- endfor -%}
    {%- if out | length == 0 -%}
        {%- do tessera.refuse(op, name, value, 'is empty', 'a non-empty list of names (leave it out for every column)') -%}
    {%- endif -%}
    {{ return(out) }}
{% endmacro %}
