{#- The value of a Tessera variable: var(name) when set, else its default. Booleans given as
    strings (--vars 'tessera_publish: "false"') are read as booleans. -#}
{% macro get_config_var(name) %}
    {%- set defaults = tessera.get_default_config() -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error("tessera: unknown variable " ~ name ~ "; known: " ~ (defaults.keys() | sort | join(', '))) }}
    {%- endif -%}
    {%- set value = var(name, defaults[name]) -%}
    {%- if value is none -%}
        {%- set value = defaults[name] -%}
    {%- endif -%}
    {%- if defaults[name] is sameas true or defaults[name] is sameas false -%}
        {%- if value is string -%}
            {%- set value = value | trim | lower in ('true', '1', 'yes', 'on') -%}
        {%- else -%}
            {%- set value = value is sameas true or (value is number and value != 0) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
