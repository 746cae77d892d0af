{#- A copy of value that tojson can serialize: datetimes become ISO 8601 text, decimals
    become integers (or text when fractional), containers are converted recursively. -#}
{% macro jsonable(value) %}
    {%- if value is none or value is string or value is sameas true or value is sameas false -%}
        {{ return(value) }}
    {%- elif value is mapping -%}
        {%- set out = {} -%}
        {%- for k, v in value.items() -%}{%- do out.update({k | string: tessera.jsonable(v)}) -%}{%- endfor -%}
        {{ return(out) }}
    {%- elif value is number -%}
        {%- if value is integer -%}{{ return(value) }}{%- endif -%}
        {%- if (value | int) == value -%}{{ return(value | int) }}{%- endif -%}
        {{ return(value | float) }}
    {%- elif value.isoformat is defined -%}
        {{ return(value.isoformat()) }}
    {%- elif value is iterable -%}
        {%- set out = [] -%}
        {%- for v in value -%}{%- do out.append(tessera.jsonable(v)) -%}{%- endfor -%}
        {{ return(out) }}
    {%- endif -%}
    {{ return(value | string) }}
{% endmacro %}
