{#- Validate an ISO date argument (YYYY-MM-DD; YAML may hand over a date): returns the text,
    or none when absent or equal to clear_word (e.g. 'none', which clears a date). -#}
{% macro arg_date(op, name, value, required=false, clear_word=none) %}
    {%- set allowed = 'a date YYYY-MM-DD' ~ ((' or ' ~ clear_word) if clear_word else '') -%}
    {%- if value is undefined or value is none -%}
        {%- if required -%}{%- do tessera.refuse(op, name, none, 'is missing', allowed) -%}{%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if clear_word is not none and value == clear_word -%}{{ return(none) }}{%- endif -%}
    {%- set text = value | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])', text) -%}
        {%- do tessera.refuse(op, name, value, 'is not a date', allowed) -%}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
