{#- Validate an integer argument (a YAML integer, or a string of digits) >= minimum. -#}
{% macro arg_integer(op, name, value, required=false, minimum=0) %}
    {%- if value is undefined or value is none -%}
        {%- if required -%}
            {%- do tessera.refuse(op, name, none, 'is missing', 'an integer >= ' ~ minimum) -%}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is string and modules.re.fullmatch('[0-9]{1,9}', value) -%}
        {%- set value = value | int -%}
    {%- endif -%}
    {%- if value is not integer or value < minimum or value > 999999999 -%}
        {%- do tessera.refuse(op, name, value, 'is not allowed', 'an integer >= ' ~ minimum) -%}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
