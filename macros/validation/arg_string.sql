{#- Validate a text argument: present when required, a string (YAML numbers and booleans are
    refused: quote them), not blank, no NUL character. Returns the string verbatim, or none. -#}
{% macro arg_string(op, name, value, required=true, allow_blank=false) %}
    {%- if value is undefined or value is none -%}
        {%- if required -%}
            {%- do tessera.refuse(op, name, none, 'is missing', 'a non-empty string') -%}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is not string -%}
        {%- do tessera.refuse(op, name, value, 'is not a string', 'a string (quote numbers and booleans in --args)') -%}
    {%- endif -%}
    {%- if not allow_blank and value | trim | length == 0 -%}
        {%- do tessera.refuse(op, name, value, 'is blank', 'a non-empty string') -%}
    {%- endif -%}
    {%- if '\x00' in value -%}
        {%- do tessera.refuse(op, name, value, 'contains the NUL character', 'text without \\u0000') -%}
    {%- endif -%}
    {%- if modules.re.search('[\ud800-\udfff]', value) -%}
        {%- do tessera.refuse(op, name, value, 'contains an unpaired surrogate', 'valid Unicode text') -%}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
