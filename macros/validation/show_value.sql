{#- A value shown inside a one-line message: JSON (so newlines and quotes stay visible and
    on one line; YAML dates and times as ISO text), shortened past 80 characters; none for a
    missing value. -#}
{% macro show_value(value) %}
    {%- if value is undefined or value is none -%}{{ return(none) }}{%- endif -%}
    {#- jsonable first: tojson raises (not returns none) on a YAML date or time, which would
        turn a one-line refusal into a traceback. -#}
    {%- set text = tojson(tessera.jsonable(value)) -%}
    {%- if text is none -%}{%- set text = tojson(value | string) -%}{%- endif -%}
    {%- if text | length > 80 -%}
        {%- set text = text[:77] ~ '...' -%}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
